// Cases and contact tracing end to end against the real binary: an official records a case for
// a person who checked in, sees the F1 with the venue and times (only with a reason, audited),
// exports them as CSV, sends tracing notices once, the F1 reads theirs in the inbox; colours
// change; a contact converted to a case makes the venue a cluster; marking a case as an error
// undoes what it caused; other jurisdictions and citizens see nothing; bad input writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
let hcm;      // official of province 79
let hanoi;    // official of province 01
let venue;    // where the case and the F1 met
let other;    // another venue, same time
const people = {};  // name → {token, phone, person_id}

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

async function citizen(name, phone) {
  const token = await citizenToken(server, phone);
  const me = await server.request('GET', '/api/v1/me/people', { token });
  assert.equal(me.status, 200, me.text);
  people[name] = { token, phone: `+84${phone.slice(1)}`, person_id: me.json.people[0].id };
  return people[name];
}

async function colour(name) {
  const r = await server.request('GET', '/api/v1/me/people', { token: people[name].token });
  return r.json.people[0].status.colour;
}

async function checkin(name, v) {
  const r = await server.request('POST', '/api/v1/checkins', { token: people[name].token, body: { venue_code: v.code } });
  assert.ok(r.status === 201 || r.status === 200, r.text);
}

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.tracer', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.tracer', role: 'official', jurisdiction: '01' });
  const owner = await citizenToken(server, '0912500000');
  const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
  const body = { name: 'Quán cà phê =Sài Gòn', kind: 'restaurant', province_code: '79', ward_code: ward, street: '12 Lê Lợi' };
  venue = (await server.request('POST', '/api/v1/venues', { token: owner, body })).json;
  other = (await server.request('POST', '/api/v1/venues', { token: owner, body: { ...body, name: 'Nhà sách' } })).json;
  assert.ok(venue?.code && other?.code);
  for (const [name, phone] of [['an', '0912500001'], ['binh', '0912500002'], ['chi', '0912500003'], ['dung', '0912500004']]) {
    await citizen(name, phone);
  }
  await checkin('an', venue);
  await checkin('binh', venue);
  await checkin('dung', venue);
  await checkin('chi', other);
});
after(async () => { await server?.stop(); });

let caseId;
let dungCase;  // Dũng's case, converted from an F1 of the first

test('bad input is refused naming the field, and writes nothing', async () => {
  const cases = [
    [{ phone: '0912500001' }, 'test_date'],
    [{ phone: '0912500001', test_date: 'yesterday' }, 'test_date'],
    [{ phone: '0912500001', test_date: '2999-01-01' }, 'test_date'],
    [{ phone: '0912500001', test_date: today(), onset_date: '31/12/2025' }, 'onset_date'],
    [{ test_date: today() }, 'person_id'],
    [{ phone: '12', test_date: today() }, 'phone'],
    [{ phone: '0912500001', id_number: '079090001234', test_date: today() }, 'phone'],
    [{ phone: '0912500001', test_date: today(), colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of cases) {
    const r = await server.request('POST', '/api/v1/cases', { token: hcm, body });
    assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  const unknown = await server.request('POST', '/api/v1/cases', { token: hcm, body: { person_id: 999999, test_date: today() } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.field, 'person_id');
  const citizenTry = await server.request('POST', '/api/v1/cases', { token: people.an.token, body: { phone: '0912500001', test_date: today() } });
  assert.equal(citizenTry.status, 403);
  const list = await server.request('GET', '/api/v1/cases', { token: hcm });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.cases, []);
  assert.equal(await colour('an'), 'not_declared');
});

test('an official records a case; the F1 is found at once and colours change', async () => {
  const r = await server.request('POST', '/api/v1/cases', {
    token: hcm, body: { phone: '0912 500 001', test_date: today(), notes: 'PCR dương tính' },
  });
  assert.equal(r.status, 201, r.text);
  caseId = r.json.id;
  assert.equal(r.json.status, 'active');
  assert.equal(r.json.province_code, '79');  // no address on file: the recording official's area
  assert.equal(r.json.trace.f1, 2);
  assert.match(r.json.test_date, /T00:00:00\+07:00$/);
  assert.equal(await colour('an'), 'red');
  assert.equal(await colour('binh'), 'yellow');
  assert.equal(await colour('chi'), 'not_declared');
  const again = await server.request('POST', '/api/v1/cases', { token: hcm, body: { phone: '0912500001', test_date: today() } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_a_case');

  const list = await server.request('GET', '/api/v1/cases', { token: hcm });
  assert.equal(list.json.cases.length, 1);
  assert.equal(list.json.cases[0].f1_count, 2);
});

test('contacts and case details need a reason; the F1 list names the venue and times', async () => {
  const no = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1`, { token: hcm });
  assert.equal(no.status, 400);
  assert.equal(no.json.error.field, 'reason');
  const r = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=${encodeURIComponent('Truy vết F1')}`, { token: hcm });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.count, 2);
  const ids = r.json.contacts.map((c) => c.person_id).sort();
  assert.deepEqual(ids, [people.binh.person_id, people.dung.person_id].sort());
  const binh = r.json.contacts.find((c) => c.person_id === people.binh.person_id);
  assert.equal(binh.status, 'pending');
  assert.equal(binh.phone, people.binh.phone);
  assert.equal(binh.exposures.length, 1);
  assert.equal(binh.exposures[0].venue_name, 'Quán cà phê =Sài Gòn');
  assert.match(binh.exposures[0].contact_in, /\+07:00$/);
  assert.ok(binh.exposures[0].overlap_minutes >= 60);
  assert.deepEqual(r.json.venues.map((v) => [v.venue_id, v.contacts]), [[venue.id, 2]]);
  assert.equal(r.json.rule.margin_minutes, 60);

  const f2 = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=2&reason=check`, { token: hcm });
  assert.equal(f2.status, 200, f2.text);
  assert.equal(f2.json.count, 0);
  const bad = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=3&reason=check`, { token: hcm });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'degree');

  const detail = await server.request('GET', `/api/v1/cases/${caseId}?reason=review`, { token: hcm });
  assert.equal(detail.status, 200, detail.text);
  assert.equal(detail.json.person.phone, people.an.phone);
  assert.equal(detail.json.timeline.length, 1);
  assert.equal(detail.json.timeline[0].venue_id, venue.id);
  assert.equal(detail.json.contact_counts.f1.total, 2);
});

test('the CSV export has a BOM and neutralises formulas', async () => {
  const res = await fetch(`${server.base}/api/v1/cases/${caseId}/contacts.csv?reason=export`, { headers: { authorization: `Bearer ${hcm}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/csv/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  const lines = text.trim().split('\r\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^degree,status,basis,person_id,full_name/);
  assert.ok(lines[1].includes('Quán cà phê =Sài Gòn'), lines[1]);  // '=' inside a cell is harmless
  assert.ok(lines[1].includes(`'${people.binh.phone}`) || lines[2].includes(`'${people.binh.phone}`), text);
});

test('other jurisdictions and citizens see nothing', async () => {
  const r = await server.request('GET', `/api/v1/cases/${caseId}/contacts?reason=curious`, { token: hanoi });
  assert.equal(r.status, 404);
  const list = await server.request('GET', '/api/v1/cases', { token: hanoi });
  assert.deepEqual(list.json.cases, []);
  const c = await server.request('GET', '/api/v1/cases', { token: people.binh.token });
  assert.equal(c.status, 403);
  const n = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: hanoi });
  assert.equal(n.status, 404);
});

test('tracing notices reach each F1 once, in the inbox and the outbox', async () => {
  const r = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: hcm });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sent, 2);
  const again = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: hcm });
  assert.equal(again.json.sent, 0);
  assert.equal(again.json.already, 2);

  const inbox = await server.request('GET', '/api/v1/me/inbox', { token: people.binh.token });
  assert.equal(inbox.status, 200, inbox.text);
  const notices = inbox.json.items.filter((i) => i.kind === 'tracing');
  assert.equal(notices.length, 1, JSON.stringify(inbox.json));
  assert.match(notices[0].title, /F1/);
  assert.match(notices[0].body, /Quán cà phê =Sài Gòn/);
  assert.match(notices[0].body, /tự cách ly/);
  // The case gets a message of their own (isolate, what happens next, whom to call), never an F1's.
  const caseInbox = await server.request('GET', '/api/v1/me/inbox', { token: people.an.token });
  const own = caseInbox.json.items.filter((i) => i.kind === 'tracing');
  assert.equal(own.length, 1, JSON.stringify(caseInbox.json));
  assert.match(own[0].title, /F0/);
  assert.doesNotMatch(own[0].title + own[0].body, /F1/);
  assert.match(own[0].body, /cách ly/);
  assert.match(own[0].body, /1900 9095/);
  assert.equal(r.json.case_sent, true);
  assert.equal(again.json.case_sent, false);
  let line;
  for (let i = 0; i < 60 && !line; i++) {
    line = server.outbox().find((m) => m.to === people.binh.phone && m.channel !== 'sms');
    if (!line) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(line, JSON.stringify(server.outbox()));
});

test('a contact converted to a case traces again and makes the venue a cluster', async () => {
  const list = await server.request('GET', `/api/v1/cases/${caseId}/contacts?reason=convert`, { token: hcm });
  const dung = list.json.contacts.find((c) => c.person_id === people.dung.person_id);
  const r = await server.request('POST', `/api/v1/contacts/${dung.contact.id}/convert`, { token: hcm, body: { test_date: today() } });
  assert.equal(r.status, 201, r.text);
  dungCase = r.json.id;
  assert.equal(r.json.from_contact_id, dung.contact.id);
  assert.equal(await colour('dung'), 'red');
  const clusters = await server.request('GET', '/api/v1/clusters', { token: hcm });
  assert.equal(clusters.status, 200, clusters.text);
  assert.equal(clusters.json.clusters.length, 1);
  assert.equal(clusters.json.clusters[0].venue_id, venue.id);
  assert.equal(clusters.json.clusters[0].case_count, 2);
  assert.ok(clusters.json.clusters[0].exposed_count >= 1);
  assert.deepEqual((await server.request('GET', '/api/v1/clusters', { token: hanoi })).json.clusters, []);

  const binh = list.json.contacts.find((c) => c.person_id === people.binh.person_id);
  const confirm = await server.request('POST', `/api/v1/contacts/${binh.contact.id}/confirm`, { token: hcm });
  assert.equal(confirm.status, 200, confirm.text);
  assert.equal(confirm.json.status, 'confirmed');
});

test('a person who is already a case is nobody\'s contact: not listed, not notified', async () => {
  // An (F0) and Dũng met; Dũng, an F1 of An, became a case: An is not Dũng's F1.
  const f1 = await server.request('GET', `/api/v1/cases/${dungCase}/contacts?degree=1&reason=${encodeURIComponent('Truy vết F1')}`, { token: hcm });
  assert.equal(f1.status, 200, f1.text);
  const listed = f1.json.contacts.map((c) => c.person_id);
  assert.ok(!listed.includes(people.an.person_id), `the first case is listed as an F1: ${JSON.stringify(f1.json.contacts)}`);
  assert.ok(listed.includes(people.binh.person_id), f1.text);
  const detail = await server.request('GET', `/api/v1/cases/${dungCase}?reason=review`, { token: hcm });
  assert.equal(detail.json.contact_counts.f1.total, f1.json.count);
  const f2 = await server.request('GET', `/api/v1/cases/${dungCase}/contacts?degree=2&reason=check`, { token: hcm });
  assert.ok(!f2.json.contacts.some((c) => c.person_id === people.an.person_id), f2.text);
  const sent = await server.request('POST', `/api/v1/cases/${dungCase}/notices`, { token: hcm });
  assert.equal(sent.status, 200, sent.text);
  const anInbox = await server.request('GET', '/api/v1/me/inbox', { token: people.an.token });
  assert.ok(!anInbox.json.items.some((i) => /F1/.test(i.title)), JSON.stringify(anInbox.json.items.map((i) => i.title)));
});

test('marking a case as an error undoes its contacts, its notices and its cluster', async () => {
  const tracingNotices = async () => (await server.request('GET', '/api/v1/me/inbox', { token: people.binh.token }))
    .json.items.filter((i) => i.kind === 'tracing');
  const before = await tracingNotices();
  assert.equal(before.length, 2);  // sent for this case, and for Dũng's
  const bad = await server.request('POST', `/api/v1/cases/${caseId}/error`, { token: hcm, body: {} });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'reason');
  const r = await server.request('POST', `/api/v1/cases/${caseId}/error`, { token: hcm, body: { reason: 'nhầm mẫu xét nghiệm' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'error');
  assert.equal(await colour('an'), 'yellow');  // no longer a case; still an F1 of Dũng's case
  assert.equal(await colour('binh'), 'yellow');  // an F1 of Dũng's case too
  const clusters = await server.request('GET', '/api/v1/clusters', { token: hcm });
  assert.deepEqual(clusters.json.clusters, []);
  const list = await server.request('GET', `/api/v1/cases/${caseId}/contacts?reason=after`, { token: hcm });
  assert.ok(list.json.contacts.every((c) => c.status === 'void'), JSON.stringify(list.json.contacts.map((c) => c.status)));
  const notices = await server.request('POST', `/api/v1/cases/${caseId}/notices`, { token: hcm });
  assert.equal(notices.status, 409);
  const left = await tracingNotices();  // this case's is recalled: gone from the F1's inbox
  assert.equal(left.length, 1);
  assert.equal(left[0].id, Math.max(...before.map((i) => i.id)), 'the notice for Dũng\'s case stays');
  const anNotices = (await server.request('GET', '/api/v1/me/inbox', { token: people.an.token })).json.items;
  assert.ok(!anNotices.some((i) => /F0/.test(i.title)), 'the case\'s own message is recalled too');
  const close = await server.request('POST', `/api/v1/cases/${r.json.id}/close`, { token: hcm, body: { outcome: 'recovered' } });
  assert.equal(close.status, 409);
});

test('a household notice names the person it is about; the case is told what to do', async () => {
  // Mai manages her father's record; she is the case, he is her household F1. Both messages
  // land in Mai's inbox: one must say it is about her father, by name, the other that she is F0.
  const mai = await citizen('mai', '0912500005');
  const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
  const father = await server.request('POST', '/api/v1/me/people', {
    token: mai.token,
    body: { full_name: 'Nguyễn Văn Ánh', id_kind: 'passport', id_number: 'B7654321', birth_date: '1948-05-06',
      sex: 'male', province_code: '79', ward_code: ward, street: '12 Lê Lợi' },
  });
  assert.equal(father.status, 201, father.text);
  const k = await server.request('POST', '/api/v1/cases', { token: hcm, body: { phone: '0912500005', test_date: today() } });
  assert.equal(k.status, 201, k.text);
  const sent = await server.request('POST', `/api/v1/cases/${k.json.id}/notices`, { token: hcm });
  assert.equal(sent.status, 200, sent.text);
  assert.equal(sent.json.sent, 1);

  const items = (await server.request('GET', '/api/v1/me/inbox', { token: mai.token })).json.items.filter((i) => i.kind === 'tracing');
  assert.equal(items.length, 2, JSON.stringify(items));
  const aboutFather = items.find((i) => i.person_id === father.json.id);
  const aboutMai = items.find((i) => i.person_id === mai.person_id);
  assert.ok(aboutFather && aboutMai, JSON.stringify(items));
  assert.match(aboutFather.title, /Nguyễn Văn Ánh/);
  assert.match(aboutFather.body, /Nguyễn Văn Ánh, người bạn quản lý/);
  assert.doesNotMatch(aboutFather.title + aboutFather.body, /[Bb]ạn là F1|Bạn được xác định là F1/);
  assert.doesNotMatch(aboutFather.body, /Một người trong hộ gia đình của bạn/, 'she is that person');
  assert.match(aboutMai.title, /F0/);
  assert.match(aboutMai.body, /cách ly/);
  assert.match(aboutMai.body, /1900 9095/);
  assert.equal(sent.json.case_sent, true);
});
