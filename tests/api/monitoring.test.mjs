// Quarantine and home care, as officials and citizens meet them on the real server: orders of
// every kind, daily reports and the impossible ones, red flags by age raising live alerts,
// acknowledgement, the release rules, reminders driven by a moved clock (exactly one per person
// and slot), and the colour that follows an order and returns on release.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, staffToken, citizenToken, admin } from '../lib/server.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

const DAY = 86400;
let server;
let clockFile;
let hcm;   // an official of Hồ Chí Minh City (79)
let hanoi; // an official of Hà Nội (01)
let owner; // who runs the venue where the case met their contacts
let wards;
const people = {};
let kase;        // the traced case
const orders = {};

// The server's clock at a local (UTC+7) time, `days` after today.
function localMidnight() {
  const now = Date.now() / 1000;
  return Math.floor((now + 7 * 3600) / DAY) * DAY - 7 * 3600;
}
async function setClock(days, hour, minute = 0) {
  const target = localMidnight() + days * DAY + hour * 3600 + minute * 60;
  writeFileSync(clockFile, String(Math.round(target - Date.now() / 1000)));
  await new Promise((r) => setTimeout(r, 250));  // the server reads the file every 100 ms
}
const serverDate = (days) => new Date((localMidnight() + days * DAY + 7 * 3600) * 1000).toISOString().slice(0, 10);

const reason = '?reason=theo%20d%C3%B5i%20c%C3%A1ch%20ly';
const api = (method, path, token, body) => server.request(method, path, { token, body });
const report = (who, body) => api('POST', '/api/v1/monitoring/reports', people[who].token, { person_id: people[who].personId, ...body });
const stats = () => JSON.parse(admin(server, ['stats']));
async function inbox(who) {
  const r = await api('GET', '/api/v1/me/inbox?limit=100', people[who].token);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}
async function colour(who) {
  const r = await api('GET', '/api/v1/me/people', people[who].token);
  const p = r.json.people.find((x) => x.id === people[who].personId);
  return p.status;
}
async function board(query = '', token = hcm) {
  const r = await api('GET', `/api/v1/monitoring/board${reason}${query}`, token);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
// Staff sessions last 12 hours: after the clock moves past that, the officials sign in again.
async function signInAgain() {
  const login = async (username) => {
    const r = await api('POST', '/api/v1/auth/login', undefined, { username, password: 'correct horse battery 9' });
    assert.equal(r.status, 200, r.text);
    return r.json.token;
  };
  hcm = await login('hcm.monitor');
  hanoi = await login('hn.monitor');
}
const until = async (fn, ms = 6000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
};

before(async () => {
  clockFile = join(mkdtempSync(join(tmpdir(), 'kb-clock-')), 'offset');
  // The server starts at 07:00 of today: its scheduled jobs count from there, and time only
  // moves forward in these tests.
  await setClock(0, 7);
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  hcm = await staffToken(server, { username: 'hcm.monitor', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.monitor', role: 'official', jurisdiction: '01' });
  wards = await wardsOf(server, '79');
  owner = await citizenToken(server, '0912700000');
  const phones = { ca: '0912700001', f1: '0912700002', f1b: '0912700003', f0: '0912700004', parent: '0912700005',
    traveller: '0912700006', stranger: '0912700007', neighbour: '0912700008' };
  const wardOf = { ca: 0, f1: 0, f1b: 0, f0: 1, parent: 2, traveller: 0, stranger: 3, neighbour: 2 };
  const names = { ca: 'Trần Văn Ca', f1: 'Lê Thị Một', f1b: 'Phạm Văn Hai', f0: 'Ngô Văn Không', parent: 'Đỗ Thị Mẹ',
    traveller: 'Vũ Văn Khách', stranger: 'Hồ Thị Lạ', neighbour: 'Lý Văn Xóm' };
  for (const [name, phone] of Object.entries(phones)) {
    people[name] = await citizenAt(server, phone, '79', wards[wardOf[name]], names[name]);
  }
  const venue = (await api('POST', '/api/v1/venues', owner, { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: wards[0], street: '1 Lê Lợi' })).json;
  for (const name of ['ca', 'f1', 'f1b']) {
    const r = await api('POST', '/api/v1/checkins', people[name].token, { venue_code: venue.code });
    assert.equal(r.status, 201, r.text);
  }
  const c = await api('POST', '/api/v1/cases', hcm, { phone: people.ca.phone, test_date: serverDate(0) });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.trace.f1, 2);
  kase = c.json;
  const contacts = await api('GET', `/api/v1/cases/${kase.id}/contacts${reason}`, hcm);
  for (const ct of contacts.json.contacts) {
    const name = ct.person_id === people.f1.personId ? 'f1' : 'f1b';
    people[name].contactId = ct.contact.id;
  }
});
after(async () => { await server?.stop(); });

test('an official places a traced F1 in quarantine; the citizen sees it and turns yellow', async () => {
  // Another province's official does not see the contact at all.
  let r = await api('POST', '/api/v1/monitoring/orders', hanoi, { kind: 'f1_quarantine', contact_id: people.f1.contactId });
  assert.equal(r.status, 404, r.text);
  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f1_quarantine', contact_id: people.f1.contactId, place: 'facility' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'facility_name');
  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f1_quarantine', contact_id: people.f1.contactId, case_id: kase.id });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'contact_id');

  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f1_quarantine', contact_id: people.f1.contactId, fully_vaccinated: true });
  assert.equal(r.status, 201, r.text);
  const o = r.json.orders[0];
  orders.f1 = o;
  assert.equal(o.kind, 'f1_quarantine');
  assert.equal(o.person_id, people.f1.personId);
  assert.equal(o.ward_code, wards[0]);
  // Fully vaccinated: 7 days of quarantine, then 7 of self-monitoring.
  const start = Date.parse(o.starts_at) / 1000;
  assert.equal(Date.parse(o.quarantine_until) / 1000 - start, 7 * DAY);
  assert.equal(Date.parse(o.ends_at) / 1000 - start, 14 * DAY);
  assert.equal(o.reports_per_day, 1);

  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f1_quarantine', contact_id: people.f1.contactId });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'already_monitored');

  assert.deepEqual(await colour('f1'), { colour: 'yellow', reason: 'f1_quarantine' });
  const mine = await api('GET', '/api/v1/me/monitoring', people.f1.token);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.people.length, 1);
  const m = mine.json.people[0];
  assert.equal(m.order.id, o.id);
  assert.equal(m.order.days_left, 14);
  assert.deepEqual(m.today, [{ slot: 0, done: false }]);
  assert.ok((await inbox('f1')).some((i) => i.kind === 'quarantine' && /cách ly/.test(i.body)));
  // The other side of the table: nobody else is monitored.
  assert.equal((await api('GET', '/api/v1/me/monitoring', people.stranger.token)).json.people.length, 0);
});

test('one action places every open F1 of a case, and says whom it left out', async () => {
  const r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f1_quarantine', case_id: kase.id });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.orders.map((o) => o.person_id), [people.f1b.personId]);
  assert.deepEqual(r.json.skipped, [{ contact_id: people.f1.contactId, person_id: people.f1.personId, reason: 'already_monitored' }]);
  orders.f1b = r.json.orders[0];
  assert.equal(Date.parse(orders.f1b.ends_at) - Date.parse(orders.f1b.starts_at), 14 * DAY * 1000);
});

test('impossible reports are refused naming the field, and write nothing', async () => {
  const before = stats().health_reports;
  const bad = [
    [{ spo2: 101 }, 400, 'spo2'],
    [{ temperature: 60 }, 400, 'temperature'],
    [{ temperature: '37' }, 400, 'temperature'],
    [{ breathing_rate: 0 }, 400, 'breathing_rate'],
    [{ pulse: 400 }, 400, 'pulse'],
    [{ symptoms: ['fever', 'flying'] }, 400, 'symptoms[1]'],
    [{ measured_at: `${serverDate(-1)}T20:00:00+07:00` }, 400, 'measured_at'],
    [{ measured_at: `${serverDate(1)}T08:00:00+07:00` }, 400, 'measured_at'],
    [{ colour: 'green' }, 400, 'colour'],
  ];
  for (const [body, status, field] of bad) {
    const r = await report('f1', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.error.field, field, JSON.stringify(body));
  }
  // Someone the caller does not manage; someone under no monitoring.
  let r = await api('POST', '/api/v1/monitoring/reports', people.f1.token, { person_id: people.f1b.personId, spo2: 98 });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.field, 'person_id');
  r = await report('stranger', { spo2: 98 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'not_under_monitoring');
  assert.equal(r.json.error.field, 'person_id');
  assert.equal(stats().health_reports, before);
});

test('a daily report is recorded for today, and a resend with the same id records once', async () => {
  const body = { temperature: 36.8, spo2: 98, breathing_rate: 16, pulse: 72, symptoms: [], note: 'Khỏe', client_id: 'rep-f1-000001' };
  const r = await report('f1', body);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.red_flags, []);
  assert.equal(r.json.temperature, 36.8);
  assert.equal(r.json.alert_raised, false);
  const again = await report('f1', body);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, r.json.id);
  const mine = (await api('GET', '/api/v1/me/monitoring', people.f1.token)).json.people[0];
  assert.deepEqual(mine.today, [{ slot: 0, done: true }]);
  assert.equal(mine.history.length, 1);
  assert.equal((await board('&list=reporting')).items.map((i) => i.person.id).includes(people.f1.personId), true);
});

test('SpO2 93 % raises an alert on the open board at once; the official acknowledges it', async () => {
  const controller = new AbortController();
  const res = await fetch(`${server.base}/api/v1/monitoring/board/stream${reason}`, { headers: { authorization: `Bearer ${hcm}` }, signal: controller.signal });
  assert.equal(res.status, 200);
  let text = '';
  const reader = (async () => { try { for await (const chunk of res.body) text += new TextDecoder().decode(chunk); } catch { /* closed */ } })();
  await until(() => text.includes('connected'));

  const r = await report('f1', { temperature: 37.5, spo2: 93, breathing_rate: 18, pulse: 88 });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.red_flags, ['spo2_low']);
  assert.equal(r.json.alert_raised, true);
  assert.ok(await until(() => /event: alert\ndata: .*spo2_low/.test(text)), text);
  assert.ok(text.includes('Lê Thị Một'));
  controller.abort();
  await reader;

  // The person is told what to do at once.
  const urgent = (await inbox('f1')).find((i) => i.kind === 'urgent');
  assert.ok(urgent, 'an urgent message');
  assert.match(urgent.body, /115/);

  const b = await board();
  assert.equal(b.list, 'red_flag');
  assert.equal(b.counts.red_flag, 1);
  const row = b.items[0];
  assert.equal(row.person.id, people.f1.personId);
  assert.deepEqual(row.red_flags, ['spo2_low']);
  assert.ok(row.alert_id);
  // Reads need a reason; another province sees nothing.
  assert.equal((await api('GET', '/api/v1/monitoring/board', hcm)).json.error.field, 'reason');
  assert.equal((await board('', hanoi)).counts.red_flag, 0);
  assert.equal((await api('POST', `/api/v1/monitoring/alerts/${row.alert_id}/acknowledge`, hanoi, { note: 'x' })).status, 404);

  let ack = await api('POST', `/api/v1/monitoring/alerts/${row.alert_id}/acknowledge`, hcm, {});
  assert.equal(ack.status, 400);
  assert.equal(ack.json.error.field, 'note');
  ack = await api('POST', `/api/v1/monitoring/alerts/${row.alert_id}/acknowledge`, hcm, { note: 'Đã gọi, hướng dẫn nằm sấp' });
  assert.equal(ack.status, 200, ack.text);
  assert.ok(ack.json.acknowledged_at);
  assert.equal((await api('POST', `/api/v1/monitoring/alerts/${row.alert_id}/acknowledge`, hcm, { note: 'lại' })).status, 409);
  // Still on the red list while the latest report is red, but no longer unacknowledged.
  const after = await board();
  assert.equal(after.items[0].alert_id, null);
  // A normal report takes them off it.
  assert.equal((await report('f1', { spo2: 97 })).status, 201);
  assert.equal((await board()).counts.red_flag, 0);
  const file = await api('GET', `/api/v1/monitoring/orders/${orders.f1.id}${reason}`, hcm);
  assert.equal(file.status, 200, file.text);
  assert.equal(file.json.reports.length, 3);
  assert.equal(file.json.alerts.length, 1);
  assert.equal(file.json.alerts[0].note, 'Đã gọi, hướng dẫn nằm sấp');
  assert.equal((await api('GET', `/api/v1/monitoring/orders/${orders.f1.id}${reason}`, hanoi)).status, 404);
});

test('an area order is stored once; residents join by reporting, with thresholds by age', async () => {
  let r = await api('POST', '/api/v1/monitoring/orders', hanoi, { kind: 'area', wards: [wards[2]] });
  assert.equal(r.status, 403, r.text);
  assert.equal(r.json.error.field, 'wards[0]');
  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'area', wards: [wards[2], 'x'] });
  assert.equal(r.json.error.field, 'wards[1]');
  const before = stats().monitoring_orders;
  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'area', wards: [wards[2]] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.area.wards[0].code, wards[2]);
  assert.equal(stats().monitoring_orders, before, 'no row per resident');
  orders.area = r.json.area;

  // A child of three and a baby, managed by the parent; an adult.
  const year = Number(serverDate(0).slice(0, 4));
  const kids = {};
  for (const [name, born] of [['child', `${year - 3}-01-15`], ['baby', `${year}-01-01`]]) {
    const add = await api('POST', '/api/v1/me/people', people.parent.token, {
      full_name: name === 'child' ? 'Bé Na' : 'Bé Bông', id_kind: 'passport', id_number: `C${name === 'child' ? 1 : 2}234567`, birth_date: born < serverDate(0) ? born : serverDate(0), sex: 'female',
      province_code: '79', ward_code: wards[2], street: '2 Lê Lợi',
    });
    assert.equal(add.status, 201, add.text);
    kids[name] = add.json.id;
  }
  const send = (personId, body) => api('POST', '/api/v1/monitoring/reports', people.parent.token, { person_id: personId, ...body });
  const cases = [
    [people.parent.personId, { breathing_rate: 22 }, ['breathing_fast']],
    [kids.child, { breathing_rate: 35 }, []],
    [kids.child, { breathing_rate: 42 }, ['breathing_fast']],
    [kids.baby, { breathing_rate: 45 }, []],
    [kids.baby, { breathing_rate: 50 }, ['breathing_fast']],
    [people.parent.personId, { pulse: 125, temperature: 38.6, symptoms: ['cough', 'chest_pain'] }, ['pulse_high', 'temperature_high', 'chest_pain']],
    [people.parent.personId, { pulse: 45 }, ['pulse_low']],
    [kids.child, { pulse: 140 }, []],
  ];
  for (const [personId, body, flags] of cases) {
    r = await send(personId, body);
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.red_flags, flags, JSON.stringify(body));
    assert.equal(r.json.order.kind, 'area');
  }
  // Three residents now have an order of their own; a neighbour who never reported has none yet.
  assert.equal(stats().monitoring_orders, before + 3);
  const areas = await api('GET', '/api/v1/monitoring/areas', hcm);
  assert.equal(areas.json.areas[0].joined, 3);
  // Someone living elsewhere is not under the area order.
  r = await report('stranger', { spo2: 97 });
  assert.equal(r.status, 409);
  // Area monitoring colours nobody.
  assert.notEqual((await colour('parent')).colour, 'yellow');
});

test('F0 at home: red, two reports a day, released only after a negative test; the case recovers', async () => {
  const c = await api('POST', '/api/v1/cases', hcm, { phone: people.f0.phone, test_date: serverDate(0) });
  assert.equal(c.status, 201, c.text);
  people.f0.caseId = c.json.id;
  const r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'f0_home_care', case_id: c.json.id });
  assert.equal(r.status, 201, r.text);
  orders.f0 = r.json.orders[0];
  assert.equal(orders.f0.reports_per_day, 2);
  assert.deepEqual(await colour('f0'), { colour: 'red', reason: 'f0_home_care' });
  const mine = (await api('GET', '/api/v1/me/monitoring', people.f0.token)).json.people[0];
  assert.deepEqual(mine.today, [{ slot: 0, done: false }, { slot: 1, done: false }]);
  const release = await api('POST', `/api/v1/monitoring/orders/${orders.f0.id}/release`, hcm, {});
  assert.equal(release.status, 409);
  assert.equal(release.json.error.code, 'period_not_over');
});

test('an arrival from abroad is monitored from their entry declaration', async () => {
  const declare = (kind, extra = {}) => api('POST', '/api/v1/declarations', people.traveller.token, {
    person_id: people.traveller.personId, kind, travel_provinces: [], travel_countries: kind === 'entry' ? ['KR'] : [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2, ...extra,
  });
  assert.equal((await declare('domestic')).status, 201);
  let r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'entry', phone: people.traveller.phone });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'no_entry_declaration');
  const entry = { transport: 'flight', vehicle_number: 'VN417', departure_country: 'KR', arrival_date: serverDate(0), quarantine_province_code: '79', quarantine_ward_code: wards[0], quarantine_street: '5 Nguyễn Huệ' };
  assert.equal((await declare('entry', { entry })).status, 201);
  r = await api('POST', '/api/v1/monitoring/orders', hcm, { kind: 'entry', phone: people.traveller.phone });
  assert.equal(r.status, 201, r.text);
  orders.entry = r.json.orders[0];
  assert.equal(orders.entry.kind, 'entry');
  assert.equal(Date.parse(orders.entry.ends_at) - Date.parse(orders.entry.starts_at), 7 * DAY * 1000);
  assert.deepEqual(await colour('traveller'), { colour: 'yellow', reason: 'entry_quarantine' });
});

test('people who did not report get exactly one reminder per slot, and show as non-reporting', async () => {
  const reminders = async (who) => (await inbox(who)).filter((i) => /^Nhắc/.test(i.title));
  assert.equal((await reminders('f1b')).length, 0);
  await setClock(0, 9, 5);
  assert.ok(await until(async () => (await reminders('f1b')).length === 1), 'f1b reminded');
  assert.ok(await until(async () => (await reminders('f0')).length === 1), 'f0 reminded of the morning');
  assert.ok(await until(async () => (await reminders('neighbour')).length === 1), 'an area resident reminded');
  assert.equal((await reminders('f1')).length, 0, 'f1 reported today');
  // The job runs again; nobody is reminded twice of a slot.
  await setClock(0, 9, 40);
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal((await reminders('f1b')).length, 1);
  assert.equal((await reminders('f0')).length, 1);
  // The afternoon: F0 owe a second report.
  await setClock(0, 16, 10);
  assert.ok(await until(async () => (await reminders('f0')).length === 2), 'f0 reminded of the afternoon');
  assert.equal((await reminders('f1b')).length, 1);
  const outbox = server.outbox().filter((m) => m.to === people.f1b.phone && /Nhắc/.test(m.text));
  assert.ok(await until(() => server.outbox().filter((m) => m.to === people.f1b.phone && /Nhắc/.test(m.text)).length === 1) || outbox.length === 1);
  // A new day, a new reminder; a day without reports puts f1b on the non-reporting list.
  await setClock(1, 9, 5);
  assert.ok(await until(async () => (await reminders('f1b')).length === 2), 'f1b reminded again the next day');
  await signInAgain();
  const silent = await board('&list=non_reporting');
  assert.ok(silent.items.some((i) => i.person.id === people.f1b.personId));
  assert.ok(silent.counts.non_reporting >= 1);
});

test('extend, transfer to hospital, and release when the rule holds; colours return', async () => {
  let r = await api('POST', `/api/v1/monitoring/orders/${orders.f1b.id}/release`, hcm, {});
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'period_not_over');
  r = await api('POST', `/api/v1/monitoring/orders/${orders.f1b.id}/extend`, hcm, { days: 3 });
  assert.equal(r.json.error.field, 'reason');
  r = await api('POST', `/api/v1/monitoring/orders/${orders.f1b.id}/extend`, hcm, { days: 3, reason: 'Chưa có kết quả xét nghiệm' });
  assert.equal(r.status, 200, r.text);
  assert.equal(Date.parse(r.json.ends_at) - Date.parse(orders.f1b.ends_at), 3 * DAY * 1000);
  assert.equal((await api('POST', `/api/v1/monitoring/orders/${orders.f1b.id}/release`, hanoi, {})).status, 404);
  r = await api('POST', `/api/v1/monitoring/orders/${orders.f1b.id}/transfer`, hcm, { hospital: 'Bệnh viện Chợ Rẫy', reason: 'khó thở' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'transferred');
  assert.notEqual((await colour('f1b')).reason, 'f1_quarantine');

  // Fifteen days on: the rule releases F1 and the arrival by itself (the scheduled job); F0
  // waits for a negative test.
  await setClock(15, 10);
  await signInAgain();
  const closedIds = async () => (await board('&list=closed')).items.map((i) => i.id);
  assert.ok(await until(async () => {
    const ids = await closedIds();
    return ids.includes(orders.f1.id) && ids.includes(orders.entry.id);
  }), 'released by the rule');
  const f1File = await api('GET', `/api/v1/monitoring/orders/${orders.f1.id}${reason}`, hcm);
  assert.equal(f1File.json.status, 'released', f1File.text);
  assert.equal(f1File.json.close_reason, 'period_over');
  assert.notEqual((await colour('f1')).colour, 'yellow');
  assert.notEqual((await colour('traveller')).colour, 'yellow');
  assert.deepEqual((await board('&list=due_for_release')).items.map((i) => i.id), []);
  assert.equal((await colour('f0')).colour, 'red');
  r = await api('POST', `/api/v1/monitoring/orders/${orders.f0.id}/release`, hcm, {});
  assert.equal(r.json.error.code, 'negative_test_missing');

  r = await api('POST', `/api/v1/monitoring/orders/${orders.f0.id}/negative-test`, hcm, { tested_at: serverDate(14) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await board('&list=due_for_release')).items.map((i) => i.id), [orders.f0.id]);
  r = await api('POST', '/api/v1/monitoring/release-eligible', hcm, { kind: 'f1_quarantine' });
  assert.deepEqual(r.json.order_ids, []);
  r = await api('POST', '/api/v1/monitoring/release-eligible', hcm, { kind: 'f0_home_care', note: 'Khỏi bệnh' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.order_ids, [orders.f0.id]);
  assert.notEqual((await colour('f0')).colour, 'red');
  const c = await api('GET', `/api/v1/cases/${people.f0.caseId}${reason}`, hcm);
  assert.equal(c.json.status, 'recovered');
  const closed = await board('&list=closed');
  assert.ok(closed.counts.closed >= 4);
  // Lifting the area order releases its residents.
  r = await api('POST', `/api/v1/monitoring/areas/${orders.area.id}/lift`, hcm, { note: 'Hết phong tỏa' });
  assert.equal(r.status, 200, r.text);
  assert.equal((await board()).counts.reporting + (await board()).counts.non_reporting, 0);
});
