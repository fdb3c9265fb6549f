// Officials' search and export against the real binary: a person of the jurisdiction found by
// phone, ID number, or name and birth year, and their record (declarations, visits, cases);
// nobody found outside the jurisdiction; an area's declarations exported as CSV (formula-safe,
// with a BOM) and JSON; every read needs a reason and leaves an audit entry; bad input is
// refused naming the field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let hcm;       // official of province 79
let hanoi;     // official of province 01
let wardOfficial;
let ward;
let an;        // { token, person } living in `ward`
let binh;      // living in Hà Nội
let venue;

const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const audits = () => JSON.parse(admin(server, ['stats'])).audit_log;
const get = (path, token) => server.request('GET', path, { token });

async function resident(phone, details) {
  const token = await citizenToken(server, phone);
  const self = (await server.request('GET', '/api/v1/me/people', { token })).json.people.find((p) => p.is_self);
  const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: details });
  assert.equal(put.status, 200, put.text);
  const d = await server.request('POST', '/api/v1/declarations', { token, body: { ...healthy, person_id: self.id } });
  assert.equal(d.status, 201, d.text);
  return { token, person: put.json };
}

before(async () => {
  server = await startServer();
  const wards = (await get('/api/v1/areas/provinces/79/wards')).json;
  ward = wards[0].code;
  const hanoiWard = (await get('/api/v1/areas/provinces/01/wards')).json[0].code;
  hcm = await staffToken(server, { username: 'hcm.search', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.search', role: 'official', jurisdiction: '01' });
  wardOfficial = await staffToken(server, { username: 'ward2.search', role: 'official', jurisdiction: wards[1].code });
  an = await resident('0912750001', { full_name: 'Nguyễn Văn An', id_kind: 'passport', id_number: 'C7500001',
    birth_date: '1990-05-12', sex: 'male', province_code: '79', ward_code: ward, street: '=HYPERLINK("http://x")' });
  binh = await resident('0912750002', { full_name: 'Nguyễn Văn An', id_kind: 'passport', id_number: 'C7500002',
    birth_date: '1990-01-02', sex: 'male', province_code: '01', ward_code: hanoiWard, street: '3 Tràng Tiền' });
  const owner = await citizenToken(server, '0912750003');
  venue = (await server.request('POST', '/api/v1/venues', { token: owner, body: {
    name: 'Siêu thị Co.op', kind: 'shop', province_code: '79', ward_code: ward, street: '1 Lê Lợi' } })).json;
  const k = await server.request('POST', '/api/v1/checkins', { token: an.token, body: { venue_code: venue.code } });
  assert.equal(k.status, 201, k.text);
  const c = await server.request('POST', '/api/v1/cases', { token: hcm, body: { person_id: an.person.id, test_date: today() } });
  assert.equal(c.status, 201, c.text);
});
after(async () => { await server?.stop(); });

test('an official finds a person of their jurisdiction three ways, each search audited', async () => {
  const before = audits();
  const byPhone = await get('/api/v1/people/search?phone=0912.750.001&reason=Kiểm%20tra%20F0', hcm);
  assert.equal(byPhone.status, 200, byPhone.text);
  assert.deepEqual(byPhone.json.people.map((p) => p.id), [an.person.id]);
  assert.equal(byPhone.json.people[0].status.colour, 'red', 'a confirmed case');
  const byId = await get('/api/v1/people/search?id_number=C7500001&reason=check', hcm);
  assert.deepEqual(byId.json.people.map((p) => p.id), [an.person.id]);
  // The same name and year lives in Hà Nội too: each official finds only their own.
  const byName = await get(`/api/v1/people/search?name=${encodeURIComponent('  Nguyễn   Văn An ')}&birth_year=1990&reason=check`, hcm);
  assert.deepEqual(byName.json.people.map((p) => p.id), [an.person.id]);
  const inHanoi = await get(`/api/v1/people/search?name=${encodeURIComponent('Nguyễn Văn An')}&birth_year=1990&reason=check`, hanoi);
  assert.deepEqual(inHanoi.json.people.map((p) => p.id), [binh.person.id]);
  assert.deepEqual((await get('/api/v1/people/search?name=Nguyễn%20Văn%20An&birth_year=1991&reason=check', hcm)).json.people, []);
  // Another ward's official of the same province does not find them.
  assert.deepEqual((await get('/api/v1/people/search?phone=0912750001&reason=check', wardOfficial)).json.people, []);
  assert.deepEqual((await get('/api/v1/people/search?phone=0912750001&reason=check', hanoi)).json.people, []);
  assert.equal(audits(), before + 7, 'every search is on record, found or not');
});

test('the person’s record: declarations, visits and cases, audited; not outside the jurisdiction', async () => {
  const before = audits();
  const r = await get(`/api/v1/people/${an.person.id}/record?reason=${encodeURIComponent('Điều tra dịch tễ')}`, hcm);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.person.full_name, 'Nguyễn Văn An');
  assert.equal(r.json.declarations.length, 1);
  assert.equal(r.json.visits.length, 1);
  assert.equal(r.json.visits[0].venue_name, 'Siêu thị Co.op');
  assert.equal(r.json.cases.length, 1);
  assert.equal(r.json.cases[0].status, 'active');
  assert.equal(audits(), before + 1);
  for (const token of [hanoi, wardOfficial]) {
    const no = await get(`/api/v1/people/${an.person.id}/record?reason=check`, token);
    assert.equal(no.status, 404, no.text);
  }
  assert.equal((await get(`/api/v1/people/${an.person.id}/record?reason=check`, an.token)).status, 403);
  assert.equal((await get(`/api/v1/people/${an.person.id}/record?reason=check`)).status, 401);
});

test('an area’s declarations export as CSV and JSON, formula-safe and audited', async () => {
  const before = audits();
  const csv = await get(`/api/v1/declarations/export.csv?area=79&from=${today()}&to=${today()}&reason=${encodeURIComponent('Báo cáo tuần')}`, hcm);
  assert.equal(csv.status, 200, csv.text);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /declarations-79\.csv/);
  const bytes = Buffer.from(await (await fetch(`${server.base}/api/v1/declarations/export.csv?area=79&from=${today()}&reason=x%20y%20z`,
    { headers: { authorization: `Bearer ${hcm}` } })).arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 with a BOM');
  const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines.length, 2, csv.text);
  assert.match(lines[0], /^declaration_id,declared_at,current,kind,full_name,id_number/);
  assert.match(lines[1], /,Nguyễn Văn An,C7500001,1990-05-12,male,'\+84912750001,79,/);
  assert.ok(lines[1].includes(`"'=HYPERLINK(""http://x"")"`), `the formula is neutralised: ${lines[1]}`);

  const json = await get(`/api/v1/declarations/export?area=${ward}&from=${today()}&reason=check`, hcm);
  assert.equal(json.status, 200, json.text);
  assert.deepEqual(json.json.declarations.map((d) => d.person_id), [an.person.id]);
  assert.equal(json.json.declarations[0].street, '=HYPERLINK("http://x")', 'JSON keeps the value as it is');
  const hanoiExport = await get(`/api/v1/declarations/export?from=${today()}&reason=check`, hanoi);
  assert.deepEqual(hanoiExport.json.declarations.map((d) => d.person_id), [binh.person.id]);
  assert.equal(audits(), before + 4);
});

test('bad searches and exports are refused naming the field, and leave no audit entry', async () => {
  const before = audits();
  const cases = [
    [hcm, '/api/v1/people/search?phone=0912750001', 400, 'reason'],
    [hcm, '/api/v1/people/search?reason=check', 400, 'query'],
    [hcm, '/api/v1/people/search?phone=0912750001&id_number=C1&reason=check', 400, 'query'],
    [hcm, '/api/v1/people/search?name=An&reason=check', 400, 'birth_year'],
    [hcm, '/api/v1/people/search?birth_year=1990&reason=check', 400, 'name'],
    [hcm, '/api/v1/people/search?phone=123&reason=check', 400, 'phone'],
    [hcm, '/api/v1/people/search?name=An&birth_year=1800&reason=check', 400, 'birth_year'],
    [hcm, `/api/v1/people/${an.person.id}/record`, 400, 'reason'],
    [hcm, `/api/v1/declarations/export.csv?area=79&reason=check`, 400, 'from'],
    [hcm, `/api/v1/declarations/export.csv?area=79&from=2026-01-01&to=2026-03-01&reason=check`, 400, 'to'],
    [hcm, `/api/v1/declarations/export.csv?area=79&from=2026-03-01&to=2026-01-01&reason=check`, 400, 'to'],
    [hcm, `/api/v1/declarations/export.csv?area=99&from=${today()}&reason=check`, 400, 'area'],
    [hcm, `/api/v1/declarations/export.csv?area=01&from=${today()}&reason=check`, 403, undefined],
    [an.token, `/api/v1/declarations/export?from=${today()}&reason=check`, 403, undefined],
  ];
  for (const [token, path, status, field] of cases) {
    const r = await get(path, token);
    assert.equal(r.status, status, `${path} → ${r.text}`);
    if (field) assert.equal(r.json.error.field, field, `${path} → ${r.text}`);
  }
  assert.equal(audits(), before);
});

test('names match without accents or case; a merged person is found by any record\'s identifiers, once, as the survivor', async () => {
  // Without accents, upper case, words spaced oddly: the same person.
  for (const name of ['NGUYEN VAN AN', 'nguyễn văn an', 'Nguyen  Van  An', 'Nguyễn Văn Ân']) {
    const r = await get(`/api/v1/people/search?name=${encodeURIComponent(name)}&birth_year=1990&reason=check`, hcm);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.people.map((p) => p.id), [an.person.id], name);
  }
  assert.deepEqual((await get(`/api/v1/people/search?name=${encodeURIComponent('Nguyễn Văn Anh')}&birth_year=1990&reason=check`, hcm)).json.people, []);

  // Two records of one woman, written apart (a hotline call without accents; a record with her
  // CCCD), then merged by an official.
  const enter = (body) => server.request('POST', '/api/v1/identity/people', { token: hcm, body });
  const first = await enter({ full_name: 'TRAN THI HOA', birth_date: '1985-03-03', sex: 'female', phone: '0912750011',
    province_code: '79', ward_code: ward, street: '9 Pasteur' });
  assert.ok(first.status === 200 || first.status === 201, first.text);
  const second = await enter({ full_name: 'Trần Thị Hoà', birth_date: '1985-03-03', sex: 'female',
    identifiers: [{ kind: 'cccd', number: '079185750011' }], province_code: '79', ward_code: ward, street: '9 Pasteur' });
  assert.ok(second.status === 200 || second.status === 201, second.text);
  const ids = [first.json.person_id, second.json.person_id];
  if (ids[0] !== ids[1]) {
    const merged = await server.request('POST', '/api/v1/identity/merges', { token: hcm, body: { person_ids: ids, reason: 'cùng một người' } });
    assert.equal(merged.status, 201, merged.text);
  }
  const byPhone = await get('/api/v1/people/search?phone=0912750011&reason=check', hcm);
  const byCccd = await get('/api/v1/people/search?id_number=079185750011&reason=check', hcm);
  const byName = await get(`/api/v1/people/search?name=${encodeURIComponent('tran thi hoa')}&birth_year=1985&reason=check`, hcm);
  for (const r of [byPhone, byCccd, byName]) {
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.people.length, 1, r.text);
  }
  const survivor = byCccd.json.people[0].id;
  assert.ok(ids.includes(survivor));
  assert.equal(byPhone.json.people[0].id, survivor);
  assert.equal(byName.json.people[0].id, survivor);
  // Outside the jurisdiction, still nobody.
  assert.deepEqual((await get('/api/v1/people/search?phone=0912750011&reason=check', hanoi)).json.people, []);
});
