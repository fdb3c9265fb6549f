// Venue safety self-assessment against the real binary: a venue's manager answers the checklist
// and gets the score and class of the rule (a table of answer sets), the venue's public page
// shows the class, and seven days later (test clock) it is overdue until answered again;
// officials of the area, and only they, list the area's venues by class and the overdue ones;
// staff read but do not answer; bad answers are refused naming the field, nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let clockFile;
let manager;
let stranger;   // another citizen
let hcm;        // official of province 79
let hanoi;      // official of province 01
let wardOfficial;
let venue;      // in the first ward of 79
let second;     // in the second ward of 79, never assessed
let ward;

const ITEMS = ['distancing', 'masks', 'qr_scanning', 'staff_declarations', 'ventilation',
  'disinfection', 'hand_washing', 'capacity_limit', 'covid_plan', 'isolation_area'];
const all = (value) => Object.fromEntries(ITEMS.map((k) => [k, value]));
const without = (...keys) => ({ ...all(true), ...Object.fromEntries(keys.map((k) => [k, false])) });
// The tables these routes write (scheduled jobs write others meanwhile, e.g. daily figures).
const rowCounts = () => {
  const all = JSON.parse(admin(server, ['stats']));
  return ['venue_assessments', 'venue_safety', 'audit_log'].map((t) => all[t]);
};

async function moveClock(seconds) {
  writeFileSync(clockFile, String(seconds));
  await new Promise((r) => setTimeout(r, 250));  // the server re-reads the file every 100 ms
}

async function assess(answers, token = manager, v = venue) {
  return server.request('POST', `/api/v1/venues/${v.id}/safety-assessment`, { token, body: { answers } });
}

before(async () => {
  clockFile = join(mkdtempSync(join(tmpdir(), 'kb-clock-')), 'offset');
  writeFileSync(clockFile, '0');
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  const wards = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
  ward = wards[0].code;
  hcm = await staffToken(server, { username: 'hcm.safety', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.safety', role: 'official', jurisdiction: '01' });
  wardOfficial = await staffToken(server, { username: 'ward2.safety', role: 'official', jurisdiction: wards[1].code });
  manager = await citizenToken(server, '0912800001');
  stranger = await citizenToken(server, '0912800009');
  const body = { name: 'Nhà hàng An Toàn', kind: 'restaurant', province_code: '79', ward_code: ward, street: '1 Lê Lợi' };
  venue = (await server.request('POST', '/api/v1/venues', { token: manager, body })).json;
  second = (await server.request('POST', '/api/v1/venues', { token: manager,
    body: { ...body, name: 'Chợ Mới', kind: 'market', ward_code: wards[1].code } })).json;
  assert.ok(venue?.id && second?.id);
});
after(async () => { await server?.stop(); });

test('bad answers are refused naming the field, and nothing is written', async () => {
  const before = rowCounts();
  const cases = [
    [{}, 'answers', 'missing_field'],
    [{ answers: [true] }, 'answers', 'wrong_type'],
    [{ answers: { ...all(true), masks: undefined } }, 'answers.masks', 'missing_field'],
    [{ answers: { ...all(true), masks: 'yes' } }, 'answers.masks', 'wrong_type'],
    [{ answers: { ...all(true), ventilation: 1 } }, 'answers.ventilation', 'wrong_type'],
    [{ answers: { ...all(true), karaoke: true } }, 'answers.karaoke', 'unknown_field'],
    [{ answers: all(true), score: 100 }, 'score', 'unknown_field'],
  ];
  for (const [body, field, code] of cases) {
    const r = await server.request('POST', `/api/v1/venues/${venue.id}/safety-assessment`, { token: manager, body });
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  // Only a manager answers: not an official, not another citizen, not a guest.
  assert.equal((await assess(all(true), hcm)).status, 403);
  assert.equal((await assess(all(true), stranger)).status, 403);
  assert.equal((await server.request('POST', `/api/v1/venues/${venue.id}/safety-assessment`, { body: { answers: all(true) } })).status, 401);
  assert.equal((await assess(all(true), manager, { id: 999999 })).status, 404);
  assert.deepEqual(rowCounts(), before);
});

test('the score and class follow the rule', async () => {
  const table = [
    // answers, points, class
    [all(true), 100, 'low'],
    [without('ventilation', 'hand_washing'), 80, 'low'],
    [without('isolation_area', 'covid_plan', 'capacity_limit', 'hand_washing'), 75, 'medium'],
    [without('distancing', 'ventilation', 'disinfection', 'capacity_limit'), 60, 'medium'],
    [without('ventilation', 'disinfection', 'hand_washing', 'covid_plan'), 65, 'medium'],
    [without('ventilation', 'disinfection', 'hand_washing', 'covid_plan', 'capacity_limit', 'isolation_area'), 55, 'high'],
    // a critical item unmet: at least high, whatever the score
    [without('masks'), 85, 'high'],
    [without('qr_scanning'), 85, 'high'],
    [without('staff_declarations'), 90, 'high'],
    [without('distancing', 'ventilation', 'disinfection', 'hand_washing', 'capacity_limit'), 50, 'high'],
    [without('distancing', 'ventilation', 'disinfection', 'hand_washing', 'capacity_limit', 'covid_plan', 'isolation_area'), 40, 'high'],
    [without('distancing', 'masks', 'ventilation', 'disinfection', 'hand_washing', 'capacity_limit'), 35, 'very_high'],
    [all(false), 0, 'very_high'],
  ];
  for (const [answers, points, cls] of table) {
    const r = await assess(answers);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.score, points, JSON.stringify(answers));
    assert.equal(r.json.risk_class, cls, JSON.stringify(answers));
    assert.equal(r.json.overdue, false);
    assert.deepEqual(r.json.unmet, ITEMS.filter((k) => !answers[k]));
  }
  const read = await server.request('GET', `/api/v1/venues/${venue.id}/safety-assessment`, { token: manager });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.checklist.length, ITEMS.length);
  assert.deepEqual(read.json.checklist.map((i) => i.key), ITEMS);
  assert.equal(read.json.checklist.reduce((s, i) => s + i.weight, 0), 100);
  assert.equal(read.json.current.risk_class, 'very_high');
  assert.equal(read.json.current.answers.masks, false);
});

test('the public page shows the class; seven days later the venue is overdue until renewed', async () => {
  const first = await assess(without('covid_plan'));
  assert.equal(first.json.risk_class, 'low');
  const due = Date.parse(first.json.due_at) - Date.parse(first.json.assessed_at);
  assert.equal(due, 7 * 86400e3);
  let page = await server.request('GET', `/api/v1/venues/by-code/${venue.code}`);
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.safety.risk_class, 'low');
  assert.equal(page.json.safety.overdue, false);
  assert.equal(page.json.safety.answers, undefined);  // the public sees the class, not the answers
  const never = await server.request('GET', `/api/v1/venues/by-code/${second.code}`);
  assert.equal(never.json.safety, null);

  // Answered a minute less than seven days ago: still current.
  await moveClock(-(7 * 86400 - 60));
  assert.equal((await assess(without('covid_plan'))).status, 201);
  await moveClock(0);
  page = await server.request('GET', `/api/v1/venues/by-code/${venue.code}`);
  assert.equal(page.json.safety.overdue, false);
  let area = await server.request('GET', '/api/v1/venue-safety', { token: hcm });
  assert.equal(area.status, 200, area.text);
  assert.deepEqual(area.json.counts, { low: 1, medium: 0, high: 0, very_high: 0, overdue: 0, not_assessed: 1 });

  // Answered a minute more than seven days ago: overdue.
  await moveClock(-(7 * 86400 + 60));
  assert.equal((await assess(without('covid_plan'))).status, 201);
  await moveClock(0);
  page = await server.request('GET', `/api/v1/venues/by-code/${venue.code}`);
  assert.equal(page.json.safety.overdue, true);
  assert.equal(page.json.safety.risk_class, 'low');
  area = await server.request('GET', '/api/v1/venue-safety', { token: hcm });
  assert.deepEqual(area.json.counts, { low: 0, medium: 0, high: 0, very_high: 0, overdue: 1, not_assessed: 1 });
  const overdue = await server.request('GET', '/api/v1/venue-safety?overdue=1', { token: hcm });
  assert.deepEqual(overdue.json.venues.map((v) => v.venue_id).sort(), [venue.id, second.id].sort());
  // Never assessed first, then the lowest score.
  assert.equal(overdue.json.venues[0].venue_id, second.id);
  assert.equal(overdue.json.venues[0].safety, null);
  assert.equal(overdue.json.venues[1].safety.overdue, true);
  assert.deepEqual((await server.request('GET', '/api/v1/venue-safety?class=low', { token: hcm })).json.venues, []);

  const renewed = await assess(without('masks'));
  assert.equal(renewed.json.risk_class, 'high');
  assert.equal(renewed.json.overdue, false);
  page = await server.request('GET', `/api/v1/venues/by-code/${venue.code}`);
  assert.equal(page.json.safety.overdue, false);
  assert.equal(page.json.safety.risk_class, 'high');
  const high = await server.request('GET', '/api/v1/venue-safety?class=high', { token: hcm });
  assert.deepEqual(high.json.venues.map((v) => v.venue_id), [venue.id]);
  assert.equal(high.json.venues[0].safety.answers.masks, false);
  area = await server.request('GET', '/api/v1/venue-safety', { token: hcm });
  assert.deepEqual(area.json.counts, { low: 0, medium: 0, high: 1, very_high: 0, overdue: 0, not_assessed: 1 });
});

test('officials see their own area only; staff read the assessment but do not answer', async () => {
  const hn = await server.request('GET', '/api/v1/venue-safety', { token: hanoi });
  assert.equal(hn.status, 200);
  assert.deepEqual(hn.json.venues, []);
  assert.deepEqual(hn.json.counts, { low: 0, medium: 0, high: 0, very_high: 0, overdue: 0, not_assessed: 0 });
  const w2 = await server.request('GET', '/api/v1/venue-safety', { token: wardOfficial });
  assert.deepEqual(w2.json.venues.map((v) => v.venue_id), [second.id]);
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/safety-assessment`, { token: hanoi })).status, 403);
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/safety-assessment`, { token: hcm })).status, 200);
  assert.equal((await server.request('GET', '/api/v1/venue-safety', { token: manager })).status, 403);
  const bad = await server.request('GET', '/api/v1/venue-safety?class=green', { token: hcm });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'class');

  const added = await server.request('POST', `/api/v1/venues/${venue.id}/staff`, { token: manager,
    body: { username: 'staff.safety', password: 'door guard password 1' } });
  assert.equal(added.status, 201, added.text);
  const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'staff.safety', password: 'door guard password 1' } });
  const staff = login.json.token;
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/safety-assessment`, { token: staff })).status, 200);
  const tried = await assess(all(true), staff);
  assert.equal(tried.status, 403);
  assert.equal(tried.json.error.code, 'not_venue_manager');
});
