// The door scanner without network: scans queued on the phone arrive later in a batch
// (POST /api/v1/scans/batch). Each keeps its own time, is recorded once however often the batch
// is sent, is answered on its own (recorded, duplicate, refused with a reason), and a visit that
// arrives late beside a known case's stay makes its visitor the case's F1 with a notice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
let owner;     // the venue's manager: scans at its door
let official;
const people = {};
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const vnDate = (ms) => new Date(ms + 7 * 3600e3).toISOString().slice(0, 10);
const iso = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

const PEOPLE = {
  case: { phone: '0912560001', id: '079090560001', name: 'Phạm Văn Ca', birth: '1990-01-02', ddmmyyyy: '02011990', sex: 'male' },
  an: { phone: '0912560002', id: '079191560002', name: 'Lê Thị An', birth: '1991-03-04', ddmmyyyy: '04031991', sex: 'female' },
  binh: { phone: '0912560003', id: '079092560003', name: 'Trần Văn Bình', birth: '1992-05-06', ddmmyyyy: '06051992', sex: 'male' },
};
const cccdOf = (p) => `${p.id}||${p.name}|${p.ddmmyyyy}|${p.sex === 'male' ? 'Nam' : 'Nữ'}|12 Lê Lợi, TP HCM|01012022`;

async function newVenue(name) {
  const body = { name, kind: 'shop', province_code: '79', ward_code: '26743', street: '1 Lê Lợi' };
  const r = await server.request('POST', '/api/v1/venues', { token: owner, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function batch(scans, token = owner) {
  return server.request('POST', '/api/v1/scans/batch', { token, body: { scans } });
}

/** The venue's visits on the days of `times` (ms), as its manager's guest log lists them. */
async function visitsAt(venue, times) {
  const out = [];
  for (const date of new Set(times.map(vnDate))) {
    const r = await server.request('GET', `/api/v1/venues/${venue.id}/visits?date=${date}`, { token: owner });
    assert.equal(r.status, 200, r.text);
    out.push(...r.json.visits);
  }
  return out;
}

before(async () => {
  server = await startServer();
  owner = await citizenToken(server, '0912560000');
  official = await staffToken(server, { username: 'hcm.offline', role: 'official', jurisdiction: '79' });
  for (const [name, p] of Object.entries(PEOPLE)) {
    const token = await citizenToken(server, p.phone);
    const me = await server.request('GET', '/api/v1/me/people', { token });
    const self = me.json.people[0];
    const profile = { full_name: p.name, id_kind: 'cccd', id_number: p.id, birth_date: p.birth, sex: p.sex, province_code: '79', ward_code: '26743', street: '12 Lê Lợi' };
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
    assert.equal(put.status, 200, put.text);
    const d = await server.request('POST', '/api/v1/declarations', {
      token,
      body: { person_id: self.id, kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
    });
    assert.equal(d.status, 201, d.text);
    people[name] = { ...p, token, person_id: self.id };
  }
});
after(async () => { await server?.stop(); });

test('queued scans keep their own times, and a resent batch records nothing new', async () => {
  const shop = await newVenue('Tạp hóa mất sóng');
  const qr = await server.request('GET', `/api/v1/people/${people.binh.person_id}/qr`, { token: people.binh.token });
  assert.equal(qr.status, 200, qr.text);
  const t1 = Date.now() - 2 * 3600e3;
  const t2 = Date.now() - 90 * 60e3;
  const scans = [
    { client_id: randomUUID(), venue_id: shop.id, scanned_at: iso(t1), payload: qr.json.payload },
    { client_id: randomUUID(), venue_id: shop.id, scanned_at: iso(t2), payload: cccdOf(people.an) },
  ];
  const r = await batch(scans);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.recorded, r.json.duplicate, r.json.refused], [2, 0, 0], r.text);
  assert.deepEqual(r.json.scans.map((s) => [s.client_id, s.result, s.offline]), scans.map((s) => [s.client_id, 'recorded', true]));
  assert.deepEqual(r.json.scans.map((s) => s.visit.person_id), [people.binh.person_id, people.an.person_id]);
  assert.deepEqual(r.json.scans.map((s) => Date.parse(s.visit.t_in)), [iso(t1), iso(t2)].map(Date.parse));
  assert.deepEqual(r.json.scans.map((s) => s.trust), ['personal_qr', 'cccd']);
  assert.equal(r.json.scans[0].status.colour, 'green');

  const again = await batch(scans);
  assert.equal(again.status, 200, again.text);
  assert.deepEqual([again.json.recorded, again.json.duplicate, again.json.refused], [0, 2, 0], again.text);
  assert.deepEqual(again.json.scans.map((s) => s.visit.id), r.json.scans.map((s) => s.visit.id));
  assert.ok(again.json.scans.every((s) => s.offline), 'a replay is still noted as offline');

  // Another of the venue's staff sending the same queue records nothing new either.
  const guard = { username: 'shop.guard', password: 'door guard password 1' };
  const added = await server.request('POST', `/api/v1/venues/${shop.id}/staff`, { token: owner, body: guard });
  assert.equal(added.status, 201, added.text);
  const staff = (await server.request('POST', '/api/v1/auth/login', { body: guard })).json.token;
  const third = await batch(scans, staff);
  assert.equal(third.status, 200, third.text);
  assert.deepEqual([third.json.recorded, third.json.duplicate], [0, 2], third.text);

  const sentAt = Date.now();
  const visits = await visitsAt(shop, [t1, t2]);
  assert.deepEqual(visits.map((v) => Date.parse(v.t_in)).sort(), [iso(t1), iso(t2)].map(Date.parse).sort());
  // The guest log says these came from an offline scan, and when the scan arrived.
  for (const v of visits) {
    const received = Date.parse(v.offline_received_at);
    assert.ok(received >= Date.parse(v.t_in) && received <= sentAt + 1000, JSON.stringify(v));
  }
  const live = await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: shop.id, payload: cccdOf(people.binh) } });
  assert.ok([200, 201].includes(live.status), live.text);
  const today = await visitsAt(shop, [Date.now()]);
  const liveVisit = today.find((v) => v.id === live.json.visit.id);
  assert.equal(liveVisit?.offline_received_at, null, 'a scan made online carries no offline note');
  const csv = await server.request('GET', `/api/v1/venues/${shop.id}/visits?date=${vnDate(t2)}&format=csv`, { token: owner });
  assert.equal(csv.status, 200, csv.text);
  const [header, ...rows] = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.ok(header.endsWith(',offline_received_at'), header);
  const lastCell = new Map(rows.map((row) => [Number(row.split(',')[0]), row.slice(row.lastIndexOf(',') + 1)]));
  for (const v of visits) assert.equal(Date.parse(lastCell.get(v.id)), Date.parse(v.offline_received_at), rows.join('\n'));
  if (lastCell.has(live.json.visit.id)) assert.equal(lastCell.get(live.json.visit.id), '', rows.join('\n'));
});

test('each scan is answered on its own: refused ones say why, the others are recorded', async () => {
  const shop = await newVenue('Chợ sáng');
  const now = Date.now();
  const good = { client_id: randomUUID(), venue_id: shop.id, scanned_at: iso(now - 60e3), payload: cccdOf(people.binh) };
  const cases = [
    [{ scanned_at: iso(now + 3600e3), payload: cccdOf(people.an) }, 'scanned_at_in_future', 'scanned_at'],
    [{ scanned_at: iso(now - 73 * 3600e3), payload: cccdOf(people.an) }, 'scanned_at_too_old', 'scanned_at'],
    [{ payload: 'hello world' }, 'unrecognised_payload', 'payload'],
    [{ payload: '0912 560 002' }, 'phone_needs_network', 'payload'],
    [{ payload: 'KB1.AAAA' }, 'qr_malformed', 'payload'],
  ];
  const scans = [good, ...cases.map(([over]) => ({ client_id: randomUUID(), venue_id: shop.id, scanned_at: iso(now - 30e3), ...over }))];
  const r = await batch(scans);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.recorded, r.json.duplicate, r.json.refused], [1, 0, cases.length], r.text);
  assert.equal(r.json.scans[0].result, 'recorded');
  cases.forEach(([, code, field], i) => {
    const s = r.json.scans[i + 1];
    assert.equal(s.result, 'refused', JSON.stringify(s));
    assert.equal(s.error.code, code, JSON.stringify(s));
    assert.equal(s.error.field, field, JSON.stringify(s));
    assert.equal(s.visit, undefined);
  });
  // A scanner at a venue that is not the caller's: refused, nothing recorded.
  const elsewhere = await batch([{ ...good, client_id: randomUUID() }], people.an.token);
  assert.equal(elsewhere.status, 200, elsewhere.text);
  assert.equal(elsewhere.json.scans[0].result, 'refused');
  assert.equal(elsewhere.json.scans[0].error.code, 'not_venue_staff');
  assert.equal((await visitsAt(shop, [now - 60e3])).length, 1);
});

test('a malformed batch is refused whole, naming the scan and field', async () => {
  const shop = await newVenue('Quầy thuốc');
  const ok = { client_id: randomUUID(), venue_id: shop.id, scanned_at: iso(Date.now()), payload: cccdOf(people.an) };
  const cases = [
    [{ scans: [] }, 'scans', 'empty'],
    [{ scans: [ok, { ...ok, client_id: 'x y' }] }, 'scans[1].client_id', undefined],
    [{ scans: [{ ...ok, scanned_at: 'yesterday' }] }, 'scans[0].scanned_at', 'invalid_time'],
    [{ scans: [{ ...ok, extra: 1 }] }, 'scans[0].extra', undefined],
    [{ scans: Array.from({ length: 201 }, () => ok) }, 'scans', 'too_many'],
  ];
  for (const [body, field, code] of cases) {
    const r = await server.request('POST', '/api/v1/scans/batch', { token: owner, body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, field, r.text);
    if (code) assert.equal(r.json.error.code, code, r.text);
  }
  const anon = await server.request('POST', '/api/v1/scans/batch', { body: { scans: [ok] } });
  assert.equal(anon.status, 401);
  assert.equal((await visitsAt(shop, [Date.now()])).length, 0, 'nothing of a refused batch is recorded');
});

test('a late visit beside a case\'s stay is traced on arrival: the visitor becomes F1 and is told', async () => {
  const cafe = await newVenue('Quán cà phê vùng trũng');
  const stay = Date.now() - 3 * 3600e3;
  // The case's own visit, scanned online... as a batch too (same door), three hours ago.
  const own = await batch([{ client_id: randomUUID(), venue_id: cafe.id, scanned_at: iso(stay), payload: cccdOf(people.case) }]);
  assert.equal(own.json.recorded, 1, own.text);
  const kase = await server.request('POST', '/api/v1/cases', { token: official, body: { phone: PEOPLE.case.phone, test_date: today() } });
  assert.equal(kase.status, 201, kase.text);
  const caseId = kase.json.id ?? kase.json.case?.id;
  const before = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=check`, { token: official });
  assert.ok(!before.json.contacts.some((c) => c.person_id === people.binh.person_id));
  const notices = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: official });
  assert.equal(notices.status, 200, notices.text);

  // Bình sat there twenty minutes later; the scanner had no network until now.
  const late = await batch([{ client_id: randomUUID(), venue_id: cafe.id, scanned_at: iso(stay + 20 * 60e3), payload: cccdOf(people.binh) }]);
  assert.equal(late.status, 200, late.text);
  assert.equal(late.json.scans[0].result, 'recorded', late.text);
  assert.equal(late.json.scans[0].traced_cases, 1);

  const after = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=check`, { token: official });
  const binh = after.json.contacts.find((c) => c.person_id === people.binh.person_id);
  assert.ok(binh, JSON.stringify(after.json));
  const inbox = await server.request('GET', '/api/v1/me/inbox', { token: people.binh.token });
  assert.equal(inbox.status, 200, inbox.text);
  const told = inbox.json.items.filter((i) => i.kind === 'tracing');
  assert.equal(told.length, 1, JSON.stringify(inbox.json));
  assert.match(told[0].body, /Quán cà phê vùng trũng/);
  const qr = await server.request('GET', `/api/v1/people/${people.binh.person_id}/qr`, { token: people.binh.token });
  assert.equal(qr.json.colour, 'yellow', 'an F1 under quarantine');

  // A late visit far from any case's stay traces nothing.
  const far = await batch([{ client_id: randomUUID(), venue_id: cafe.id, scanned_at: iso(Date.now() - 60e3), payload: cccdOf(people.an) }]);
  assert.equal(far.json.scans[0].traced_cases, 0, far.text);
});
