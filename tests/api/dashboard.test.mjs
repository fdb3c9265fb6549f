// Officials' dashboards against the real binary, on a generated data set: venues in three
// wards of two provinces (one registered days ago and never scanned), citizens living in those
// wards who declare and check in at random venues, cases (one with an F1 and tracing notices,
// one marked as an error). Every figure of every area equals the count made from the rows the
// test generated, and the national check-ins equal the visits the database holds. Then: the
// live figures move with a check-in before any flush, the CSV, the idle venues, the epidemic
// curve, the audited line list, who sees what, and the public statistics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken, admin, dbKind } from '../lib/server.mjs';

let server;
let national;
let hcm;
let hanoi;
let wardOfficial;
let clockFile;
const W = {};          // ward codes: a, b (province 79), c (province 01)
const venues = [];     // {id, code, ward, province, scanned: Set<day>}
const people = [];     // {token, person_id, ward, province, phone}
const expected = {};   // area → figure → value (today)

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const yesterday = () => new Date(Date.now() + 7 * 3600e3 - 86400e3).toISOString().slice(0, 10);

function bump(province, ward, figure, n = 1) {
  for (const area of ['*', province, ward]) {
    expected[area] ??= {};
    expected[area][figure] = (expected[area][figure] ?? 0) + n;
  }
}

async function moveClock(seconds) {
  writeFileSync(clockFile, String(seconds));
  await new Promise((r) => setTimeout(r, 250));
}

// A deterministic pseudo-random sequence, so a failure can be replayed.
let seed = 16;
const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

async function refresh() {
  const r = await server.request('POST', '/api/v1/dashboard/refresh', { token: national });
  assert.equal(r.status, 204, r.text);
}

async function board(area, token = national, days = 3) {
  const r = await server.request('GET', `/api/v1/dashboard?area=${encodeURIComponent(area)}&days=${days}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-dash-'));
  clockFile = join(dir, 'clock');
  writeFileSync(clockFile, '0');
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  national = await staffToken(server, { username: 'cdc.dash', role: 'official', jurisdiction: 'national' });
  hcm = await staffToken(server, { username: 'hcm.dash', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.dash', role: 'official', jurisdiction: '01' });
  const w79 = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
  const w01 = (await server.request('GET', '/api/v1/areas/provinces/01/wards')).json;
  W.a = w79[0].code; W.b = w79[1].code; W.c = w01[0].code;
  wardOfficial = await staffToken(server, { username: 'ward.dash', role: 'official', jurisdiction: W.a });

  // Venues registered three days ago; the last one in ward b will never record a scan.
  await moveClock(-3 * 86400);
  const owner = await citizenToken(server, '0912800000');
  for (const [ward, province, n] of [[W.a, '79', 3], [W.b, '79', 2], [W.c, '01', 2]]) {
    for (let i = 0; i < n; i++) {
      const r = await server.request('POST', '/api/v1/venues', { token: owner, body: {
        name: `Cửa hàng ${ward} số ${i + 1}`, kind: 'shop', province_code: province, ward_code: ward, street: `${i + 1} Lê Lợi` } });
      assert.equal(r.status, 201, r.text);
      venues.push({ ...r.json, ward, province });
    }
  }
  await moveClock(0);
  const idle = venues[4];  // ward b's second
  for (const v of venues) bump(v.province, v.ward, 'venues_registered');
  bump(idle.province, idle.ward, 'venues_idle');

  // Citizens living in the wards; most declare, each checks in at a few random venues.
  const homes = [[W.a, '79'], [W.a, '79'], [W.a, '79'], [W.b, '79'], [W.b, '79'], [W.c, '01'], [W.c, '01'], [W.c, '01']];
  for (const [i, [ward, province]] of homes.entries()) {
    const phone = `09128001${String(i).padStart(2, '0')}`;
    const token = await citizenToken(server, phone);
    const self = (await server.request('GET', '/api/v1/me/people', { token })).json.people[0];
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: {
      full_name: `Người Số ${'ABCDEFGH'[i]}`, id_kind: 'passport', id_number: `D${7000000 + i}`, birth_date: `19${60 + i}-03-04`,
      sex: i % 2 ? 'male' : 'female', province_code: province, ward_code: ward, street: '9 Hàm Nghi' } });
    assert.equal(put.status, 200, put.text);
    people.push({ token, person_id: self.id, ward, province, phone });
    const declarations = i === 7 ? 0 : 1 + (i % 2);
    for (let d = 0; d < declarations; d++) {
      const r = await server.request('POST', '/api/v1/declarations', { token, body: {
        person_id: self.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 } });
      assert.equal(r.status, 201, r.text);
      bump(province, ward, 'declarations');
    }
  }
  const active = new Set();
  for (const p of people) {
    for (const v of venues.filter((x) => x !== idle)) {
      if (random() < 0.5 && !(p === people[0] && v === venues[0])) continue;
      const r = await server.request('POST', '/api/v1/checkins', { token: p.token, body: { venue_code: v.code } });
      assert.equal(r.status, 201, r.text);
      bump(v.province, v.ward, 'checkins');
      if (!active.has(v.id)) { active.add(v.id); bump(v.province, v.ward, 'venues_active'); }
    }
  }
  // A repeat within the minute is no new visit.
  const again = await server.request('POST', '/api/v1/checkins', { token: people[0].token, body: { venue_code: venues[0].code } });
  assert.equal(again.json.visits[0].duplicate, true, again.text);
  for (const v of venues) if (v !== idle && !active.has(v.id)) bump(v.province, v.ward, 'venues_idle');

  // Cases: people[0] (ward a) with the F1 of venue 0, notified; people[3] (ward b) by mistake.
  const first = await server.request('POST', '/api/v1/cases', { token: national, body: {
    person_id: people[0].person_id, test_date: today(), onset_date: yesterday() } });
  assert.equal(first.status, 201, first.text);
  bump('79', W.a, 'cases');
  bump('79', W.a, 'f1_found', first.json.trace.f1);
  assert.ok(first.json.trace.f1 >= 1);
  const notices = await server.request('POST', `/api/v1/cases/${first.json.id}/notices`, { token: national });
  assert.equal(notices.status, 200, notices.text);
  bump('79', W.a, 'f1_notified', notices.json.sent);
  // Every personal message goes out to the person's phone: the case's own and each F1's.
  bump('79', W.a, 'notifications_sent', 0);
  const second = await server.request('POST', '/api/v1/cases', { token: national, body: { person_id: people[1].person_id, test_date: today() } });
  assert.equal(second.status, 201, second.text);
  bump('79', W.a, 'cases');
  bump('79', W.a, 'f1_found', second.json.trace.f1);
  const wrong = await server.request('POST', '/api/v1/cases', { token: national, body: { person_id: people[3].person_id, test_date: today() } });
  assert.equal(wrong.status, 201, wrong.text);
  assert.equal((await server.request('POST', `/api/v1/cases/${wrong.json.id}/error`, { token: national, body: { reason: 'nhầm người' } })).status, 200);
});
after(async () => { await server?.stop(); });

const FIGURES = ['checkins', 'venues_active', 'declarations', 'cases', 'f1_found', 'f1_notified', 'venues_registered', 'venues_idle'];

test('every figure of every area equals the count from the generated rows', async () => {
  // On PostgreSQL declarations of the last 5 seconds wait for the next count (dashboard/figures.h).
  if (dbKind() === 'postgres') await new Promise((r) => setTimeout(r, 5500));
  await refresh();
  for (const area of ['*', '79', '01', W.a, W.b, W.c]) {
    const b = await board(area);
    assert.equal(b.days.at(-1), today());
    for (const f of FIGURES) {
      assert.equal(b.series[f].at(-1), expected[area]?.[f] ?? 0, `${area} ${f}`);
      assert.equal(b.series[f][0], 0, `${area} ${f} two days ago`);
    }
  }
  // The country's check-ins are the visits the database holds.
  const stats = JSON.parse(admin(server, ['stats']));
  assert.equal((await board('*')).totals.checkins, stats.visits);
  // A province's parts add up to it.
  const hcmBoard = await board('79');
  assert.deepEqual(hcmBoard.children.map((c) => c.code).slice(0, 2), [W.a, W.b]);
  for (const f of FIGURES) {
    const sum = hcmBoard.children.reduce((s, c) => s + c.figures[f], 0);
    assert.equal(sum, hcmBoard.totals[f], `79 children ${f}`);
  }
  assert.equal((await board('*')).children.length, 34);
});

test('notifications handed to outside delivery are counted by the recipient\'s area', async () => {
  // The delivery worker sends the case's own message and each F1 notice to their phones.
  const phones = new Set(people.map((p) => `+84${p.phone.slice(1)}`));
  let sent = 0;
  for (let i = 0; i < 50; i++) {
    sent = server.outbox().filter((m) => phones.has(m.to) && !/\b\d{6}\b/.test(m.text)).length;
    if (sent > 0) { await new Promise((r) => setTimeout(r, 300)); sent = server.outbox().filter((m) => phones.has(m.to) && !/\b\d{6}\b/.test(m.text)).length; break; }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sent >= 2, `sent ${sent}`);
  await refresh();
  assert.equal((await board('*')).totals.notifications_sent, sent);
});

test('an open dashboard moves with each check-in, before any flush', async () => {
  const before = (await board(W.c)).totals.checkins;
  const p = people[5];
  const v = venues[5];
  const r = await server.request('POST', '/api/v1/checkouts', { token: p.token, body: {} });
  assert.ok(r.status < 500);
  const c = await server.request('POST', '/api/v1/checkins', { token: people[7].token, body: { venue_code: venues[6].code } });
  assert.equal(c.status, 201, c.text);
  const dup = c.json.visits[0].duplicate;
  assert.equal((await board(W.c)).totals.checkins, before + (dup ? 0 : 1));
  assert.ok(v);
});

test('CSV export, idle venues, the epidemic curve and the audited line list', async () => {
  const csv = await server.request('GET', `/api/v1/dashboard.csv?area=${W.a}&days=2`, { token: hcm });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'day,checkins,venues_active,declarations,cases,f1_found,f1_notified,notifications_sent,venues_registered,venues_idle');
  const last = lines.at(-1).split(',');
  assert.equal(last[0], today());
  assert.equal(Number(last[4]), expected[W.a].cases);

  const idle = await server.request('GET', '/api/v1/dashboard/idle-venues?area=79', { token: hcm });
  assert.equal(idle.status, 200, idle.text);
  assert.deepEqual(idle.json.venues.map((v) => v.id), [venues[4].id]);
  assert.equal(idle.json.venues[0].last_checkin_day, null);

  const onset = await server.request('GET', '/api/v1/epicurve?area=79&by=onset&days=3', { token: hcm });
  assert.equal(onset.status, 200, onset.text);
  assert.deepEqual(onset.json.cases, [0, 1, 0]);
  assert.equal(onset.json.without_date, 1);
  const tested = await server.request('GET', '/api/v1/epicurve?area=79&by=test&days=3', { token: hcm });
  assert.deepEqual(tested.json.cases, [0, 0, 2]);
  assert.equal((await server.request('GET', '/api/v1/epicurve?by=rumour', { token: hcm })).json.error.field, 'by');

  const before = JSON.parse(admin(server, ['stats'])).audit_log;
  const noReason = await server.request('GET', `/api/v1/linelist.csv?area=79&from=${yesterday()}`, { token: hcm });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  const list = await server.request('GET', `/api/v1/linelist.csv?area=79&from=${yesterday()}&reason=${encodeURIComponent('phân tích dịch tễ')}`, { token: hcm });
  assert.equal(list.status, 200, list.text);
  const rows = list.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(rows[0], 'case_id,province_code,ward_code,age_group,sex,test_date,onset_date,isolation_date,found_in,status,f1_count');
  assert.equal(rows.length, 3);  // the case marked as an error is left out
  assert.doesNotMatch(list.text, /Người|\+84|D700/);
  assert.match(rows[1], new RegExp(`^\\d+,79,${W.a},60-69,female,${today()},${yesterday()},,community,active,\\d+$`));
  assert.equal(JSON.parse(admin(server, ['stats'])).audit_log, before + 1);
  const dict = await server.request('GET', '/api/v1/linelist/dictionary.csv', { token: hcm });
  assert.equal(dict.status, 200);
  for (const column of rows[0].split(',')) assert.match(dict.text, new RegExp(`\\r\\n${column},`));
});

test('officials see their jurisdiction only; bad areas are refused naming the field', async () => {
  assert.equal((await server.request('GET', '/api/v1/dashboard', { token: hanoi })).json.area.code, '01');
  assert.equal((await server.request('GET', '/api/v1/dashboard?area=79', { token: hanoi })).status, 403);
  assert.equal((await server.request('GET', '/api/v1/dashboard?area=*', { token: hcm })).status, 403);
  assert.equal((await server.request('GET', `/api/v1/dashboard?area=${W.b}`, { token: wardOfficial })).status, 403);
  assert.equal((await board(W.a, wardOfficial)).totals.cases, expected[W.a].cases);
  const unknown = await server.request('GET', '/api/v1/dashboard?area=99999', { token: hcm });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.field, 'area');
  assert.equal((await server.request('GET', '/api/v1/dashboard?days=500', { token: hcm })).json.error.field, 'days');
  const citizen = people[0].token;
  assert.equal((await server.request('GET', '/api/v1/dashboard', { token: citizen })).status, 403);
  assert.equal((await server.request('GET', '/api/v1/dashboard')).status, 401);
  assert.equal((await server.request('GET', `/api/v1/linelist.csv?from=${today()}&reason=xyz`, { token: citizen })).status, 403);
});

test('the public statistics give each province\'s headline numbers without sign-in', async () => {
  const r = await server.request('GET', '/api/v1/public/statistics');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.provinces.length, 34);
  const hcmRow = r.json.provinces.find((p) => p.code === '79');
  assert.equal(hcmRow.cases_today, expected['79'].cases);
  assert.equal(hcmRow.cases_7d, expected['79'].cases);
  assert.equal(hcmRow.declarations_today, expected['79'].declarations);
  assert.equal(r.json.country.cases_7d, expected['*'].cases);
  assert.ok(!('full_name' in hcmRow));
});
