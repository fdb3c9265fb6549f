// Trust, against the real binary: a citizen sees every official read of their own and their
// dependants' data (the official's role and area, the reason, the time; never the official's
// name, never another family's entries), as JSON and as a CSV download; `admin audit verify`
// passes on the live log, and finds an entry rewritten in the database afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { startServer, citizenToken, staffToken, binary, dbKind } from '../lib/server.mjs';

let server;
let official;
let mother;  // { token, self, child }
let stranger;

const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };
const get = (path, token) => server.request('GET', path, { token });

before(async () => {
  server = await startServer({ keepDataDir: true });
  const ward = (await get('/api/v1/areas/provinces/79/wards')).json[0].code;
  official = await staffToken(server, { username: 'hcm.audit', role: 'official', jurisdiction: '79' });
  const token = await citizenToken(server, '0912760001');
  const self = (await get('/api/v1/me/people', token)).json.people.find((p) => p.is_self);
  const home = { province_code: '79', ward_code: ward, street: '12 Hai Bà Trưng' };
  const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, {
    token, body: { full_name: 'Đỗ Thị Hoa', id_kind: 'cccd', id_number: '079185003333', birth_date: '1985-02-03', sex: 'female', ...home },
  });
  assert.equal(put.status, 200, put.text);
  const child = await server.request('POST', '/api/v1/me/people', {
    token, body: { full_name: 'Đỗ Minh Khang', id_kind: 'cccd', id_number: '079215004444', birth_date: '2015-06-07', sex: 'male', ...home },
  });
  assert.equal(child.status, 201, child.text);
  for (const id of [self.id, child.json.id]) {
    const d = await server.request('POST', '/api/v1/declarations', { token, body: { ...healthy, person_id: id } });
    assert.equal(d.status, 201, d.text);
  }
  mother = { token, self, child: child.json };
  stranger = await citizenToken(server, '0912760002');
});
after(async () => {
  await server?.stop();
  if (server) rmSync(server.dataDir, { recursive: true, force: true });
});

test('a citizen sees the official reads of their family’s data, with role, area and reason', async () => {
  const empty = await get('/api/v1/me/access-log', mother.token);
  assert.equal(empty.status, 200, empty.text);
  const before = empty.json.entries.length;

  const reason = 'Điều tra dịch tễ ca F0 số 12';
  const read = await get(`/api/v1/people/${mother.child.id}/record?reason=${encodeURIComponent(reason)}`, official);
  assert.equal(read.status, 200, read.text);

  const log = await get('/api/v1/me/access-log', mother.token);
  assert.equal(log.status, 200, log.text);
  assert.equal(log.json.entries.length, before + 1);
  const [entry] = log.json.entries;
  assert.equal(entry.person_id, mother.child.id);
  assert.equal(entry.person_name, 'Đỗ Minh Khang');
  assert.equal(entry.action, 'person.record');
  assert.equal(entry.role, 'official');
  assert.equal(entry.area, '79');
  assert.equal(entry.reason, reason);
  assert.ok(!JSON.stringify(entry).includes('hcm.audit'), 'the official’s name is not shown');

  // Another family sees none of it; a staff account has no such page.
  assert.deepEqual((await get('/api/v1/me/access-log', stranger)).json.entries, []);
  assert.equal((await get('/api/v1/me/access-log', official)).status, 403);
  assert.equal((await get('/api/v1/me/access-log')).status, 401);

  const csv = await get('/api/v1/me/access-log?format=csv', mother.token);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment/);
  const bytes = Buffer.from(await (await fetch(`${server.base}/api/v1/me/access-log?format=csv`,
    { headers: { authorization: `Bearer ${mother.token}` } })).arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
  assert.match(csv.text, /Điều tra dịch tễ ca F0 số 12/);

  // A search that finds her is hers to see too.
  const found = await get(`/api/v1/people/search?id_number=079185003333&reason=${encodeURIComponent('Xác minh danh tính')}`, official);
  assert.equal(found.status, 200, found.text);
  const after = (await get('/api/v1/me/access-log', mother.token)).json.entries;
  assert.equal(after[0].action, 'person.search');
  assert.equal(after[0].person_id, mother.self.id);

  const bad = await get('/api/v1/me/access-log?limit=0', mother.token);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'limit');
});

test('admin audit verify passes on the live log and finds an entry rewritten afterwards', { skip: dbKind() !== 'sqlite' && 'rewrites the SQLite file directly' }, async () => {
  const reason = 'Rà soát trước khi giả mạo';
  assert.equal((await get(`/api/v1/people/${mother.self.id}/record?reason=${encodeURIComponent(reason)}`, official)).status, 200);
  await server.stop();
  const args = ['admin', 'audit', 'verify', '--db', server.db, '--data-dir', server.dataDir];
  const ok = JSON.parse(execFileSync(binary, args).toString());
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.ok(ok.entries >= 3 && ok.heads_checked >= 1, JSON.stringify(ok));

  const file = server.db.replace(/^sqlite:/, '');
  execFileSync('sqlite3', [file, `UPDATE audit_log SET reason = 'không có gì' WHERE reason = '${reason}';`]);
  let out;
  try {
    execFileSync(binary, args);
    assert.fail('verify passed a rewritten log');
  } catch (e) {
    assert.equal(e.status, 3);
    out = JSON.parse(e.stdout.toString());
  }
  assert.equal(out.ok, false);
  assert.ok(out.findings.some((f) => f.kind === 'altered'), JSON.stringify(out.findings));
});
