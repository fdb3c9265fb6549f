// Organisations' daily checks on the real server: a manager registers a company, imports its
// roster (broken rows refused one by one, nothing written unless asked), members join by signing
// in with their phone, the daily check and its hour, today's coverage and the missing list, the
// CSV export (done or not, never answers), exactly one reminder per member and day driven by a
// moved clock, and who may see what.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, staffToken, citizenToken } from '../lib/server.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

const DAY = 86400;
let server;
let clockFile;
let hcm;     // an official of Hồ Chí Minh City (79), where the company is
let hanoi;   // an official of Hà Nội (01)
let manager; // the citizen who registers the company
let org;
const members = {};

function localMidnight() {
  const now = Date.now() / 1000;
  return Math.floor((now + 7 * 3600) / DAY) * DAY - 7 * 3600;
}
async function setClock(days, hour, minute = 0) {
  const target = localMidnight() + days * DAY + hour * 3600 + minute * 60;
  writeFileSync(clockFile, String(Math.round(target - Date.now() / 1000)));
  await new Promise((r) => setTimeout(r, 250));  // the server reads the file every 100 ms
}
const api = (method, path, token, body) => server.request(method, path, { token, body });
const roster = (csv, token = manager, query = '') => server.request('POST', `/api/v1/organisations/${org.id}/roster${query}`,
  { token, raw: csv, headers: { 'content-type': 'text/csv' } });
const until = async (fn, ms = 8000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
};
async function reminders(who) {
  const r = await api('GET', '/api/v1/me/inbox?limit=100', members[who].token);
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((i) => /nhắc/i.test(i.title) && i.title.includes('Công ty May Sài Gòn'));
}
async function coverage(token = manager) {
  const r = await api('GET', `/api/v1/organisations/${org.id}/coverage`, token);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  clockFile = join(mkdtempSync(join(tmpdir(), 'kb-clock-')), 'offset');
  await setClock(0, 7);
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  hcm = await staffToken(server, { username: 'hcm.org', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.org', role: 'official', jurisdiction: '01' });
  manager = await citizenToken(server, '0912800000');
});
after(async () => { await server?.stop(); });

test('a citizen registers an organisation; officials cannot, and bad fields are named', async () => {
  const wards = await wardsOf(server, '79');
  const good = { name: 'Công ty May Sài Gòn', kind: 'company', province_code: '79', ward_code: wards[0], street: 'KCN Tân Bình' };
  let r = await api('POST', '/api/v1/organisations', hcm, good);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'venue_accounts_only');
  r = await api('POST', '/api/v1/organisations', manager, { ...good, kind: 'factory' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'kind');
  r = await api('POST', '/api/v1/organisations', manager, { ...good, ward_code: (await wardsOf(server, '01'))[0] });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'ward_code');
  r = await api('POST', '/api/v1/organisations', manager, good);
  assert.equal(r.status, 201, r.text);
  org = r.json;
  assert.equal(org.check, 'none');
  members.an = await citizenAt(server, '0912800001', '79', wards[0], 'Nguyễn Văn An');
  members.binh = await citizenAt(server, '0912800002', '79', wards[1], 'Trần Thị Bình');
});

test('a roster with broken rows is refused row by row; nothing is written unless the valid rows are accepted', async () => {
  const csv = [
    'Họ tên;Số điện thoại;CCCD',
    'Nguyễn Văn An;0912 800 001;079090001234',
    'Trần Thị Bình;+84 912-800-002;',
    'Lê Văn Cường;84912800003;',
    'Phạm Văn Sai;12345;',
    ';0912800005;',
    'Đỗ Văn Trùng;0912.800.001;',
    'Hồ Thị Giấy;0912800006;12AB',
  ].join('\r\n');
  let r = await roster(csv);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'roster_rows_refused');
  assert.equal(r.json.written, false);
  assert.equal(r.json.rows, 7);
  assert.deepEqual(r.json.refused_rows.map((x) => [x.row, x.field]),
    [[5, 'phone'], [6, 'name'], [7, 'phone'], [8, 'id_number']]);
  assert.equal(r.json.refused_rows[2].code, 'duplicate_phone');
  assert.match(r.json.refused_rows[2].message, /row 2/);
  assert.equal((await coverage()).members, 0, 'nothing written');

  r = await roster(csv, manager, '?accept_valid=1');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.written, true);
  assert.equal(r.json.added, 3);
  assert.equal(r.json.refused, 4);
  // The same file again changes nothing; a corrected name updates the member, by phone.
  r = await roster('name,phone\nLê Văn Cường Mới,0912800003\n');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.updated, 1);
  r = await roster('tên,email\nA,b\n');
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'header');
  r = await server.request('POST', `/api/v1/organisations/${org.id}/roster`, { token: manager, raw: 'PK\u0003\u0004', headers: { 'content-type': 'application/zip' } });
  assert.equal(r.status, 415, r.text);
});

test('the manager sets the check; coverage counts who declared today, and the missing list names the rest', async () => {
  let r = await api('PUT', `/api/v1/organisations/${org.id}/check`, manager, { check: 'declaration', hour: 24 });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'hour');
  r = await api('PUT', `/api/v1/organisations/${org.id}/check`, manager, { check: 'declaration', hour: 9 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.check_hour, 9);

  let c = await coverage();
  assert.deepEqual([c.members, c.joined, c.done], [3, 2, 0]);
  r = await api('POST', '/api/v1/declarations', members.an.token, {
    person_id: members.an.personId, kind: 'domestic', symptoms: ['cough'], exposures: ['none'], vaccine_doses: 2 });
  assert.equal(r.status, 201, r.text);
  c = await coverage();
  assert.deepEqual([c.members, c.joined, c.done, c.percent], [3, 2, 1, 33]);
  assert.deepEqual(c.missing.map((m) => m.full_name).sort(), ['Lê Văn Cường Mới', 'Trần Thị Bình']);
  assert.equal(c.missing.find((m) => m.full_name === 'Lê Văn Cường Mới').joined, false);
  assert.deepEqual(c.done_list.map((m) => m.full_name), ['Nguyễn Văn An']);
  assert.ok(!/cough|symptom|ho khan/i.test(JSON.stringify(c)), 'never the answers');

  r = await api('GET', `/api/v1/organisations/${org.id}/coverage.csv`, manager);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'full_name,phone,id_number,joined,done');
  assert.equal(lines.length, 4);
  // A cell that a spreadsheet would run as a formula (a phone's leading +) is neutralised.
  assert.ok(lines.includes("Nguyễn Văn An,'+84912800001,079090001234,yes,yes"), lines.join('\n'));
  assert.ok(!/cough/.test(r.text));

  // The member's own view: their organisation, and that today's check is done.
  r = await api('GET', '/api/v1/me/organisations', members.an.token);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.organisations.map((o) => [o.name, o.done_today]), [['Công ty May Sài Gòn', true]]);
});

test('a manager sees only their organisation; officials see the figures of their area, never names', async () => {
  const other = await citizenToken(server, '0912800099');
  for (const token of [other, members.an.token, hanoi]) {
    const r = await api('GET', `/api/v1/organisations/${org.id}/coverage`, token);
    assert.equal(r.status, 404, r.text);
    const e = await api('GET', `/api/v1/organisations/${org.id}/coverage.csv`, token);
    assert.equal(e.status, 404, e.text);
  }
  let r = await roster('name,phone\nKẻ Lạ,0912800098\n', other);
  assert.equal(r.status, 404, r.text);
  r = await api('PUT', `/api/v1/organisations/${org.id}/check`, other, { check: 'none' });
  assert.equal(r.status, 404, r.text);
  r = await api('GET', '/api/v1/organisations', other);
  assert.deepEqual(r.json.organisations, []);

  r = await api('GET', '/api/v1/organisations', hcm);
  assert.equal(r.status, 200, r.text);
  const seen = r.json.organisations.find((o) => o.id === org.id);
  assert.deepEqual(seen.today, { members: 3, joined: 2, done: 1, percent: 33 });
  r = await api('GET', `/api/v1/organisations/${org.id}/coverage`, hcm);
  assert.equal(r.status, 404, 'the missing list names people: the manager only');
  r = await api('GET', '/api/v1/organisations', hanoi);
  assert.ok(!r.json.organisations.some((o) => o.id === org.id));
  r = await api('GET', `/api/v1/organisations/${org.id}`, hanoi);
  assert.equal(r.status, 404, r.text);
});

test('members who have not done the check by its hour get exactly one reminder that day', async () => {
  assert.equal((await reminders('binh')).length, 0, 'not before 09:00');
  await setClock(0, 9, 1);
  assert.ok(await until(async () => (await reminders('binh')).length === 1), 'Bình reminded');
  assert.equal((await reminders('an')).length, 0, 'An declared today');
  // Later runs of the job the same day send nothing more.
  await setClock(0, 9, 4);
  await new Promise((r) => setTimeout(r, 2500));
  await setClock(0, 11);
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await reminders('binh')).length, 1);
  // The next day both owe the check again.
  await setClock(1, 9, 2);
  assert.ok(await until(async () => (await reminders('an')).length === 1), 'An reminded the next day');
  assert.ok(await until(async () => (await reminders('binh')).length === 2), 'Bình reminded again');
});
