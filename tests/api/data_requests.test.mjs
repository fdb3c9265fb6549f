// Data requests from other agencies, against the real binary: an official files a request
// (agency, purpose, fields from a fixed list, area, days, expiry); the requester cannot approve
// it, an official of another province cannot see it, another official of the area approves it;
// the export holds only the fields asked for, with formula-safe cells; it is refused before
// approval and after expiry; each person in it sees "agency X, purpose Y" on their access page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
let clockFile;
let requester;
let colleague;
let hanoi;
let citizen;
let self;
// Days as Vietnam (UTC+7) counts them, as the server reads them.
const day = (offset = 0) => new Date(Date.now() + 7 * 3600000 + offset * 86400000).toISOString().slice(0, 10);
const api = (method, path, token, body) => server.request(method, path, { token, body });
const AGENCY = 'Tổng cục Thống kê';
const PURPOSE = '@Thống kê triệu chứng theo độ tuổi';

async function moveClock(seconds) {
  writeFileSync(clockFile, String(seconds));
  await new Promise((r) => setTimeout(r, 300));
}

before(async () => {
  clockFile = join(mkdtempSync(join(tmpdir(), 'kb-clock-')), 'offset');
  writeFileSync(clockFile, '0');
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  requester = await staffToken(server, { username: 'hcm.requester', role: 'official', jurisdiction: '79' });
  colleague = await staffToken(server, { username: 'hcm.approver', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.requests', role: 'official', jurisdiction: '01' });
  citizen = await citizenToken(server, '0912880001');
  self = (await api('GET', '/api/v1/me/people', citizen)).json.people[0];
  const ward = (await api('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
  let r = await api('PUT', `/api/v1/me/people/${self.id}`, citizen, {
    full_name: 'Nguyễn Văn Bảo', id_kind: 'cccd', id_number: '079090888001', birth_date: '1990-05-06', sex: 'male',
    province_code: '79', ward_code: ward, street: '=9+1 Nguyễn Huệ',
  });
  assert.equal(r.status, 200, r.text);
  r = await api('POST', '/api/v1/declarations', citizen, { person_id: self.id, kind: 'domestic', symptoms: ['fever'], exposures: ['none'], vaccine_doses: 2 });
  assert.equal(r.status, 201, r.text);
});
after(async () => { await server?.stop(); });

const good = () => ({ agency: AGENCY, purpose: PURPOSE, fields: ['birth_year', 'sex', 'symptoms', 'street'], area: '79', from: day(-1), to: day(0), expires_on: day(10) });

test('a request with bad input is refused naming the field, and nothing is filed', async () => {
  const cases = [
    [{ ...good(), agency: undefined }, 'agency'],
    [{ ...good(), purpose: '  ' }, 'purpose'],
    [{ ...good(), fields: [] }, 'fields'],
    [{ ...good(), fields: ['password_hash'] }, 'fields'],
    [{ ...good(), fields: ['sex', 'sex'] }, 'fields'],
    [{ ...good(), fields: 'sex' }, 'fields'],
    [{ ...good(), area: '99999' }, 'area'],
    [{ ...good(), from: day(0), to: day(-3) }, 'to'],
    [{ ...good(), from: day(-60) }, 'to'],
    [{ ...good(), expires_on: day(-2) }, 'expires_on'],
    [{ ...good(), expires_on: day(200) }, 'expires_on'],
    [{ ...good(), expires_on: '31/12/2026' }, 'expires_on'],
    [{ ...good(), colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    const r = await api('POST', '/api/v1/data-requests', requester, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  assert.equal((await api('POST', '/api/v1/data-requests', hanoi, good())).status, 403, 'outside the jurisdiction');
  assert.equal((await api('POST', '/api/v1/data-requests', citizen, good())).status, 403);
  assert.deepEqual((await api('GET', '/api/v1/data-requests', requester)).json.requests, []);
});

test('filed, approved by another official, exported minimised, and shown on the citizen’s access page', async () => {
  let r = await api('POST', '/api/v1/data-requests', requester, good());
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.state, 'pending');
  assert.deepEqual(r.json.fields, ['birth_year', 'sex', 'symptoms', 'street']);

  // Before approval: no export. The requester cannot approve their own request.
  r = await api('GET', `/api/v1/data-requests/${id}/export.csv`, requester);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'not_approved');
  r = await api('POST', `/api/v1/data-requests/${id}/approve`, requester);
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.code, 'own_request');
  // Another province sees nothing of it.
  assert.equal((await api('GET', `/api/v1/data-requests/${id}`, hanoi)).status, 404);
  assert.equal((await api('POST', `/api/v1/data-requests/${id}/approve`, hanoi)).status, 404);
  assert.deepEqual((await api('GET', '/api/v1/data-requests', hanoi)).json.requests, []);

  r = await api('POST', `/api/v1/data-requests/${id}/approve`, colleague);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'approved');
  assert.equal((await api('POST', `/api/v1/data-requests/${id}/approve`, colleague)).status, 409);

  // Only the requester downloads; the export has only the fields asked for, formula-safe.
  assert.equal((await api('GET', `/api/v1/data-requests/${id}/export.csv`, colleague)).status, 403);
  r = await api('GET', `/api/v1/data-requests/${id}/export.csv`, requester);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /text\/csv/);
  const lines = r.text.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  assert.equal(lines[0], 'birth_year,sex,symptoms,street');
  assert.equal(lines.length, 2, r.text);
  assert.match(lines[1], /^1990,male,fever,/);
  assert.ok(!/,"?[=+\-@]/.test(lines[1]), `the street is neutralised: ${lines[1]}`);
  assert.match(lines[1], /9\+1 Nguyễn Huệ/);
  for (const secret of ['079090888001', 'Nguyễn Văn Bảo', '912880001', '1990-05-06']) {
    assert.ok(!r.text.includes(secret), `not asked for, not exported: ${secret}`);
  }

  // The citizen sees the agency and the purpose.
  const log = await api('GET', '/api/v1/me/access-log', citizen);
  const entry = log.json.entries.find((e) => e.action === 'data_request.export');
  assert.ok(entry, log.text);
  assert.equal(entry.agency, AGENCY);
  assert.equal(entry.reason, PURPOSE);
  assert.equal(entry.person_id, self.id);
  const csv = await api('GET', '/api/v1/me/access-log?format=csv', citizen);
  assert.ok(csv.text.includes(AGENCY) && csv.text.includes(PURPOSE.slice(1)), csv.text);
  assert.ok(!/(^|,)"?@Thống/m.test(csv.text), `the purpose is neutralised in the CSV: ${csv.text}`);

  // After expiry: refused.
  await moveClock(12 * 86400);
  // Staff sessions last hours: sign in again, twelve days later.
  const login = await api('POST', '/api/v1/auth/login', undefined, { username: 'hcm.requester', password: 'correct horse battery 9' });
  assert.equal(login.status, 200, login.text);
  requester = login.json.token;
  r = await api('GET', `/api/v1/data-requests/${id}/export.csv`, requester);
  assert.equal(r.status, 410, r.text);
  assert.equal(r.json.error.code, 'expired');
  assert.equal((await api('GET', `/api/v1/data-requests/${id}`, requester)).json.state, 'expired');
  await moveClock(0);
});
