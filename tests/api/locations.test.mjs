// Locations of interest against the real binary: an official publishes one of a case's stays
// (picked from the case's timeline), anyone lists them by area and date without signing in and
// sees no case named, a citizen who was there without checking in says "I was there" (signed in
// with phone + code) and becomes an F1 of the case (yellow, in the case's contacts, notified
// like any other); officials of other areas see nothing; withdrawing takes it off the list; bad
// input is refused naming the field, nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let hcm;      // official of province 79
let hanoi;    // official of province 01
let venue;
let ward;
let caseId;
let visitId;  // the case's stay at the venue
let location;
const people = {};

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
// The tables these routes write (scheduled jobs write others meanwhile, e.g. daily figures).
const rowCounts = () => {
  const all = JSON.parse(admin(server, ['stats']));
  return ['locations_of_interest', 'location_reports', 'contacts', 'audit_log'].map((t) => all[t]);
};

async function citizen(name, phone) {
  const token = await citizenToken(server, phone);
  const me = await server.request('GET', '/api/v1/me/people', { token });
  people[name] = { token, person_id: me.json.people[0].id };
}
const colour = async (name) =>
  (await server.request('GET', '/api/v1/me/people', { token: people[name].token })).json.people[0].status.colour;

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.loi', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.loi', role: 'official', jurisdiction: '01' });
  const owner = await citizenToken(server, '0912900000');
  ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
  venue = (await server.request('POST', '/api/v1/venues', { token: owner,
    body: { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: ward, street: 'Lê Lợi' } })).json;
  for (const [name, phone] of [['ca', '0912900001'], ['walker', '0912900002'], ['other', '0912900003']]) {
    await citizen(name, phone);
  }
  const r = await server.request('POST', '/api/v1/checkins', { token: people.ca.token, body: { venue_code: venue.code } });
  assert.ok(r.status === 201 || r.status === 200, r.text);
  const k = await server.request('POST', '/api/v1/cases', { token: hcm, body: { phone: '0912900001', test_date: today() } });
  assert.equal(k.status, 201, k.text);
  caseId = k.json.id;
  const file = await server.request('GET', `/api/v1/cases/${caseId}?reason=review`, { token: hcm });
  visitId = file.json.timeline[0].visit_id;
  assert.ok(visitId);
});
after(async () => { await server?.stop(); });

test('bad publications are refused naming the field, and nothing is written', async () => {
  const before = rowCounts();
  const cases = [
    [{}, 'visit_id', 'missing_field'],
    [{ visit_id: 'x' }, 'visit_id', 'wrong_type'],
    [{ visit_id: 999999 }, 'visit_id', 'not_a_stay_of_the_case'],
    [{ visit_id: visitId, note: 'á'.repeat(501) }, 'note', 'too_long'],
    [{ visit_id: visitId, venue: 'x' }, 'venue', 'unknown_field'],
  ];
  for (const [body, field, code] of cases) {
    const r = await server.request('POST', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hcm, body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  // Another province's official does not see the case; a citizen is no official.
  const hn = await server.request('POST', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hanoi, body: { visit_id: visitId } });
  assert.equal(hn.status, 404);
  const cit = await server.request('POST', `/api/v1/cases/${caseId}/locations-of-interest`, { token: people.other.token, body: { visit_id: visitId } });
  assert.equal(cit.status, 403);
  const bad = await server.request('GET', '/api/v1/locations-of-interest?province_code=99');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'province_code');
  const badDate = await server.request('GET', '/api/v1/locations-of-interest?from=31/12/2026');
  assert.equal(badDate.json.error.field, 'from');
  assert.deepEqual(rowCounts(), before);
});

test('an official publishes a stay of the case; the public list shows it by area and date, naming no case', async () => {
  const r = await server.request('POST', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hcm,
    body: { visit_id: visitId, note: 'Khu hàng ăn' } });
  assert.equal(r.status, 201, r.text);
  location = r.json;
  assert.equal(location.venue_id, venue.id);
  assert.equal(location.case_id, caseId);
  const again = await server.request('POST', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hcm, body: { visit_id: visitId } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_published');

  const list = await server.request('GET', '/api/v1/locations-of-interest');  // no sign-in
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.locations.length, 1);
  const shown = list.json.locations[0];
  assert.equal(shown.venue_name, 'Chợ Bến Thành');
  assert.equal(shown.ward_code, ward);
  assert.equal(shown.note, 'Khu hàng ăn');
  assert.ok(Date.parse(shown.ends_at) > Date.parse(shown.starts_at));
  assert.equal(shown.case_id, undefined);
  assert.equal(shown.visit_id, undefined);
  const inArea = await server.request('GET', `/api/v1/locations-of-interest?province_code=79&ward_code=${ward}&from=${today()}&to=${today()}`);
  assert.equal(inArea.json.locations.length, 1);
  assert.equal((await server.request('GET', '/api/v1/locations-of-interest?province_code=01')).json.locations.length, 0);
  assert.equal((await server.request('GET', '/api/v1/locations-of-interest?from=2026-01-01&to=2026-01-31')).json.locations.length, 0);
  const ofCase = await server.request('GET', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hcm });
  assert.equal(ofCase.json.locations.length, 1);
  assert.equal((await server.request('GET', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hanoi })).status, 404);
});

test('"I was there" makes the citizen an F1 of the case, once', async () => {
  const guest = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`);
  assert.equal(guest.status, 401);
  const notMine = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`, {
    token: people.walker.token, body: { person_id: people.other.person_id } });
  assert.equal(notMine.status, 403);
  assert.equal(notMine.json.error.field, 'person_id');
  assert.equal((await server.request('POST', '/api/v1/locations-of-interest/999999/i-was-there', { token: people.walker.token })).status, 404);
  const self = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`, { token: people.ca.token });
  assert.equal(self.status, 409);
  assert.equal(self.json.error.code, 'is_the_case');

  const before = await colour('walker');
  assert.notEqual(before, 'yellow');
  const r = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`, { token: people.walker.token });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.recorded, true);
  assert.equal(r.json.person_id, people.walker.person_id);
  assert.equal(r.json.contact_status, 'pending');
  assert.ok(r.json.quarantine_until);
  assert.equal(await colour('walker'), 'yellow');
  const again = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`, { token: people.walker.token });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.recorded, false);

  // The tracing officials see them among the case's F1, and tracing again keeps them.
  const contacts = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=review`, { token: hcm });
  assert.equal(contacts.status, 200, contacts.text);
  const walker = contacts.json.contacts.find((c) => c.person_id === people.walker.person_id);
  assert.ok(walker, contacts.text);
  assert.equal(walker.basis, 'reported');
  const traced = await server.request('POST', `/api/v1/cases/${caseId}/trace`, { token: hcm, body: { degree: 1 } });
  assert.ok(traced.status < 300, traced.text);
  const after = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=review`, { token: hcm });
  assert.ok(after.json.contacts.some((c) => c.person_id === people.walker.person_id && c.basis === 'reported'));
  const ofCase = await server.request('GET', `/api/v1/cases/${caseId}/locations-of-interest`, { token: hcm });
  assert.equal(ofCase.json.locations[0].reports, 1);
  // Tracing notices reach them as any F1.
  const sent = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: hcm });
  assert.ok(sent.status < 300, sent.text);
  const inbox = await server.request('GET', '/api/v1/me/inbox', { token: people.walker.token });
  assert.ok(inbox.json.items.length >= 1, inbox.text);
});

test('withdrawing takes the location off the public list', async () => {
  const hn = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/withdraw`, { token: hanoi });
  assert.equal(hn.status, 404);
  const r = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/withdraw`, { token: hcm });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.withdrawn_at);
  const again = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/withdraw`, { token: hcm });
  assert.equal(again.status, 409);
  assert.equal((await server.request('GET', '/api/v1/locations-of-interest')).json.locations.length, 0);
  const late = await server.request('POST', `/api/v1/locations-of-interest/${location.id}/i-was-there`, { token: people.other.token });
  assert.equal(late.status, 404);
});
