// Venues and QR check-in end to end against the real binary: registration, posters, citizen
// and guest check-in/out, the staff scanner (CCCD, BHYT, phone + code, personal QR), the kiosk
// code, the guest log with its CSV export, and every refusal writing nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
let owner;   // citizen token of the venue manager
let venue;   // {id, code, url}
before(async () => {
  server = await startServer();
  owner = await citizenToken(server, '0912000001');
});
after(async () => { await server?.stop(); });

const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const CCCD_AN = '079090001234|025123456|Nguyễn Văn An|15031990|Nam|Số 1 Lê Lợi, Phường Bến Thành, TP HCM|20042021';
const BHYT_HONG = `HS4010120878811|${hex('Lê Thị Hồng')}|05/05/2011|2|${hex('Hà Nội')}`;
const NEW_VENUE = {
  name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: '26743', street: 'Số 1 Lê Lợi', capacity: 500,
};

async function register(token, body = NEW_VENUE) {
  return server.request('POST', '/api/v1/venues', { token, body });
}

async function guestLog(token, id, query = '') {
  return server.request('GET', `/api/v1/venues/${id}/visits${query}`, { token });
}

/** A ward code of province 79 from the server itself (the test does not hard-code the directory). */
async function wardOf(province) {
  const r = await server.request('GET', `/api/v1/areas/provinces/${province}/wards`);
  return r.json[0].code;
}

test('a citizen registers a venue and gets its code, URL and posters', async () => {
  NEW_VENUE.ward_code = await wardOf('79');
  const r = await register(owner);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.code, /^[a-z2-9]{10}$/);
  assert.equal(r.json.url, `${server.base}/v/${r.json.code}`);
  assert.equal(r.json.role, 'manager');
  assert.equal(r.json.status, 'open');
  venue = r.json;

  const mine = await server.request('GET', '/api/v1/venues', { token: owner });
  assert.deepEqual(mine.json.venues.map((v) => v.id), [venue.id]);

  for (const [ext, type, magic] of [['svg', 'image/svg+xml', '<'], ['png', 'image/png', '\x89PNG'], ['pdf', 'application/pdf', '%PDF']]) {
    const res = await fetch(`${server.base}/api/v1/venues/${venue.id}/poster.${ext}`, { headers: { authorization: `Bearer ${owner}` } });
    assert.equal(res.status, 200, ext);
    assert.ok(res.headers.get('content-type').startsWith(type), res.headers.get('content-type'));
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.ok(bytes.toString('latin1').includes(magic), ext);
    if (ext === 'png') {
      const file = join(server.dataDir, 'poster.png');
      writeFileSync(file, bytes);
      const decoded = execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8' }).trim();
      assert.equal(decoded, venue.url);
    }
  }
  // Posters are for the venue's people only.
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/poster.svg`)).status, 401);
  const stranger = await citizenToken(server, '0912000002');
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/poster.svg`, { token: stranger })).status, 403);
});

test('bad venue registrations name the field and write nothing', async () => {
  const cases = [
    [{ ...NEW_VENUE, name: '' }, 'name'],
    [{ ...NEW_VENUE, kind: 'casino' }, 'kind'],
    [{ ...NEW_VENUE, province_code: '99' }, 'province_code'],
    [{ ...NEW_VENUE, ward_code: '00004' }, 'ward_code'],  // a Hà Nội ward, not in 79
    [{ ...NEW_VENUE, capacity: 0 }, 'capacity'],
    [{ ...NEW_VENUE, contact_phone: '12345' }, 'contact_phone'],
    [{ ...NEW_VENUE, owner: 'me' }, 'owner'],
  ];
  for (const [body, field] of cases) {
    const r = await register(owner, body);
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await register(undefined)).status, 401);
  const mine = await server.request('GET', '/api/v1/venues', { token: owner });
  assert.equal(mine.json.venues.length, 1);
});

test('a citizen checks in, a repeat within a minute is the same visit, then checks out', async () => {
  const token = await citizenToken(server, '0912000003');
  const page = await server.request('GET', `/api/v1/venues/by-code/${venue.code}`, { token });
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.name, 'Chợ Bến Thành');
  assert.match(page.json.address_line, /Hồ Chí Minh/);
  assert.ok(Array.isArray(page.json.people));
  assert.deepEqual(page.json.open_visits, []);

  const r = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.visits.length, 1);
  const visit = r.json.visits[0];
  assert.equal(visit.trust, 'self_poster');
  assert.equal(visit.source, 'self');
  assert.equal(visit.t_out, null);
  assert.match(visit.t_in, /\+07:00$/);
  assert.equal(Date.parse(visit.assumed_out) - Date.parse(visit.t_in), 3600 * 1000);

  const again = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code.toUpperCase() } });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.visits[0].id, visit.id);
  assert.equal(again.json.visits[0].duplicate, true);

  const mine = await server.request('GET', '/api/v1/me/visits', { token });
  assert.equal(mine.json.visits.length, 1);
  assert.equal(mine.json.visits[0].venue_name, 'Chợ Bến Thành');
  assert.equal(mine.json.visits[0].open, true);

  const out = await server.request('POST', '/api/v1/checkouts', { token, body: { venue_code: venue.code } });
  assert.equal(out.status, 200, out.text);
  assert.equal(out.json.visits[0].id, visit.id);
  assert.ok(out.json.visits[0].t_out);
  // Checking out again: nobody is checked in any more.
  const twice = await server.request('POST', '/api/v1/checkouts', { token, body: { venue_code: venue.code } });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.code, 'not_checked_in');
  const byId = await server.request('POST', '/api/v1/checkouts', { token, body: { visit_id: visit.id } });
  assert.equal(byId.status, 409);
  assert.equal(byId.json.error.code, 'already_checked_out');
  // Someone else's visit is not theirs to close.
  const other = await citizenToken(server, '0912000004');
  const foreign = await server.request('POST', '/api/v1/checkouts', { token: other, body: { visit_id: visit.id } });
  assert.equal(foreign.status, 404);
  const none = await server.request('POST', '/api/v1/checkouts', { token: other, body: { venue_code: venue.code } });
  assert.equal(none.status, 409);
});

test('a guest checks in with name and phone and checks out with the token', async () => {
  const r = await server.request('POST', '/api/v1/checkins', {
    body: { venue_code: venue.code, guest: { full_name: '  trần   thị bình ', phone: '0987 111 222' } },
  });
  assert.equal(r.status, 201, r.text);
  const visit = r.json.visits[0];
  assert.equal(visit.trust, 'guest_form');
  assert.match(visit.checkout_token, /^[0-9a-f]{32}$/);
  const bad = await server.request('POST', '/api/v1/checkouts', { body: { visit_id: visit.id, checkout_token: '0'.repeat(32) } });
  assert.equal(bad.status, 403);
  assert.equal(bad.json.error.field, 'checkout_token');
  const ok = await server.request('POST', '/api/v1/checkouts', { body: { visit_id: visit.id, checkout_token: visit.checkout_token } });
  assert.equal(ok.status, 200, ok.text);

  for (const [body, field] of [
    [{ venue_code: venue.code, guest: { full_name: 'Bình', phone: '123' } }, 'guest.phone'],
    [{ venue_code: venue.code, guest: { full_name: '<script>', phone: '0987111222' } }, 'guest.full_name'],
    [{ venue_code: venue.code, guest: { full_name: 'Bình', phone: '0987111222', age: 3 } }, 'guest.age'],
  ]) {
    const res = await server.request('POST', '/api/v1/checkins', { body });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.field, field);
  }
  const anonymous = await server.request('POST', '/api/v1/checkins', { body: { venue_code: venue.code } });
  assert.equal(anonymous.status, 401);
});

test('unknown, forged and malformed venue codes are refused and nothing is written', async () => {
  const token = await citizenToken(server, '0912000005');
  const before = await guestLog(owner, venue.id);
  const unknown = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: 'abcdefghjk' } });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'venue_not_found');
  for (const code of ['abc', 'abcdefghj!', '../../etc', 'x'.repeat(41)]) {
    const r = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: code } });
    assert.equal(r.status, 400, code);
    assert.equal(r.json.error.field, 'venue_code');
  }
  assert.equal((await server.request('GET', '/api/v1/venues/by-code/abcdefghjk')).status, 404);
  assert.equal((await server.request('GET', '/api/v1/venues/by-code/nope')).status, 400);
  const forgedKiosk = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code, kiosk: '1.deadbeef' } });
  assert.equal(forgedKiosk.status, 400);
  assert.equal(forgedKiosk.json.error.code, 'invalid_kiosk_code');
  const notMine = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code, person_ids: [1] } });
  assert.equal(notMine.status, 403);
  const noVisit = await server.request('POST', '/api/v1/checkouts', { token, body: { visit_id: 999999 } });
  assert.equal(noVisit.status, 404);
  const after = await guestLog(owner, venue.id);
  assert.equal(after.json.counts.in, before.json.counts.in);
});

let staff;        // token of a venue_staff account created by the manager
let otherVenue;   // a second venue with its own manager
test('the manager adds a staff account that then scans a CCCD card', async () => {
  const added = await server.request('POST', `/api/v1/venues/${venue.id}/staff`, {
    token: owner, body: { username: 'ben.thanh.gate', password: 'door guard password 1' },
  });
  assert.equal(added.status, 201, added.text);
  assert.equal(added.json.role, 'staff');
  const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'ben.thanh.gate', password: 'door guard password 1' } });
  assert.equal(login.status, 200, login.text);
  assert.equal(login.json.user.role, 'venue_staff');
  staff = login.json.token;
  const list = await server.request('GET', `/api/v1/venues/${venue.id}/staff`, { token: owner });
  assert.deepEqual(list.json.staff.map((s) => s.role).sort(), ['manager', 'staff']);
  const staffVenues = await server.request('GET', '/api/v1/venues', { token: staff });
  assert.deepEqual(staffVenues.json.venues.map((v) => [v.id, v.role]), [[venue.id, 'staff']]);
  // Staff do not manage: no staff list, no status changes.
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/staff`, { token: staff })).status, 403);

  const scan = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: CCCD_AN } });
  assert.equal(scan.status, 201, scan.text);
  assert.equal(scan.json.result, 'checked_in');
  assert.equal(scan.json.masked_name, 'N*** V*** An');
  assert.equal(scan.json.trust, 'cccd');
  assert.equal(scan.json.visit.source, 'staff_scan');
  const again = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: CCCD_AN + '\r\n' } });
  assert.equal(again.status, 200);
  assert.equal(again.json.visit.id, scan.json.visit.id);
});

test('bad scans are refused with a clear reason and nothing is written', async () => {
  const before = await guestLog(staff, venue.id);
  const mismatch = CCCD_AN.replace('|Nam|', '|Nữ|');
  const cases = [
    [mismatch, 'id_number_mismatch'],
    ['079090001234|025123456|Nguyễn Văn An|1503|Nam|x|20042021', 'invalid_birth_date'],
    ['079090001234|only|three', 'invalid_cccd_qr'],
    ['hello world', 'unrecognised_payload'],
    [`${server.base}/v/${venue.code}`, 'venue_qr'],
    ['KB1.not-a-real-token', null],
  ];
  for (const [payload, code] of cases) {
    const r = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload } });
    assert.ok(r.status >= 400 && r.status < 500, `${payload}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.field, 'payload', payload);
    if (code) assert.equal(r.json.error.code, code, payload);
  }
  // Staff of another venue cannot scan here.
  const otherOwner = await citizenToken(server, '0912000006');
  otherVenue = (await register(otherOwner, { ...NEW_VENUE, name: 'Nhà sách', kind: 'shop' })).json;
  await server.request('POST', `/api/v1/venues/${otherVenue.id}/staff`, {
    token: otherOwner, body: { username: 'bookshop.gate', password: 'door guard password 2' },
  });
  const otherStaff = (await server.request('POST', '/api/v1/auth/login', { body: { username: 'bookshop.gate', password: 'door guard password 2' } })).json.token;
  const foreign = await server.request('POST', '/api/v1/scans', { token: otherStaff, body: { venue_id: venue.id, payload: CCCD_AN } });
  assert.equal(foreign.status, 403);
  assert.equal(foreign.json.error.code, 'not_venue_staff');
  assert.equal((await guestLog(otherStaff, venue.id)).status, 403);
  const after = await guestLog(staff, venue.id);
  assert.equal(after.json.counts.in, before.json.counts.in);
});

test('staff scan a BHYT card and check in a visitor by phone with a texted code', async () => {
  const bhyt = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: BHYT_HONG } });
  assert.equal(bhyt.status, 201, bhyt.text);
  assert.equal(bhyt.json.trust, 'bhyt');
  assert.equal(bhyt.json.masked_name, 'L*** T*** Hồng');

  const sent = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: '0903 555 666' } });
  assert.equal(sent.status, 202, sent.text);
  assert.equal(sent.json.result, 'code_sent');
  assert.match(sent.json.phone, /666$/);
  const code = server.lastOtp('+84903555666');
  assert.match(code, /^\d{6}$/);
  const wrong = await server.request('POST', '/api/v1/scans', {
    token: staff, body: { venue_id: venue.id, payload: '0903555666', code: code === '000000' ? '111111' : '000000' },
  });
  assert.equal(wrong.status, 403);
  assert.equal(wrong.json.error.code, 'wrong_code');
  const ok = await server.request('POST', '/api/v1/scans', {
    token: staff, body: { venue_id: venue.id, payload: '0903555666', code, full_name: 'Phạm Minh Châu' },
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.trust, 'phone_otp');
  assert.equal(ok.json.masked_name, 'P*** M*** Châu');
  // The code is spent.
  const reuse = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: '0903555666', code } });
  assert.equal(reuse.status, 403);
  assert.equal(reuse.json.error.code, 'no_code_requested');

  const manual = await server.request('POST', `/api/v1/venues/${venue.id}/visits`, { token: staff, body: { full_name: 'Đỗ Văn Em' } });
  assert.equal(manual.status, 201, manual.text);
  assert.equal(manual.json.visit.trust, 'manual');
});

test('a personal QR from a declaration checks its holder in', async (t) => {
  const citizen = await citizenToken(server, '0912000007');
  const person = await server.request('POST', '/api/v1/me/people', {
    token: citizen,
    body: { full_name: 'Vũ Thị Giang', id_kind: 'cccd', id_number: '001305012345', birth_date: '2005-06-01', sex: 'female',
      province_code: '79', ward_code: NEW_VENUE.ward_code, street: '2 Hàm Nghi' },
  });
  if (person.status === 404) {
    t.skip('people API not available');
    return;
  }
  assert.equal(person.status, 201, person.text);
  const decl = await server.request('POST', '/api/v1/declarations', {
    token: citizen,
    body: { person_id: person.json.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
  });
  if (decl.status === 404) {
    t.skip('declarations not available');
    return;
  }
  assert.equal(decl.status, 201, decl.text);
  const qr = typeof decl.json.qr === 'string' ? decl.json.qr : decl.json.qr.payload;
  const r = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: qr } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.trust, 'personal_qr');
  assert.ok(['green', 'yellow', 'red'].includes(r.json.colour));
  assert.equal(r.json.masked_name, 'V*** T*** Giang');
  const tampered = qr.slice(0, -4) + (qr.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  const bad = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: tampered } });
  assert.equal(bad.status, 400, bad.text);
});

test('a kiosk code gives a stronger trust level than the printed poster', async () => {
  const k = await server.request('GET', `/api/v1/venues/${venue.id}/kiosk-code`, { token: staff });
  assert.equal(k.status, 200, k.text);
  assert.ok(k.json.url.startsWith(`${venue.url}?k=`));
  assert.ok(k.json.refresh_in > 0 && k.json.refresh_in <= 60);
  const citizen = await citizenToken(server, '0912000008');
  const r = await server.request('POST', '/api/v1/checkins', { token: citizen, body: { venue_code: venue.code, kiosk: k.json.token } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.visits[0].trust, 'self_kiosk');
  assert.ok(r.json.visits[0].trust_level > 2);
  // The code of one venue does not work at another.
  const elsewhere = await server.request('POST', '/api/v1/checkins', { token: citizen, body: { venue_code: otherVenue.code, kiosk: k.json.token } });
  assert.equal(elsewhere.status, 400);
  assert.equal((await server.request('GET', `/api/v1/venues/${venue.id}/kiosk-code`, { token: citizen })).status, 403);
});

test('the guest log counts the day and exports CSV with a BOM and no formulas', async () => {
  // A guest whose name a spreadsheet would run as a formula, were it not neutralised.
  await server.request('POST', `/api/v1/venues/${venue.id}/visits`, { token: staff, body: { full_name: '-Hacker', phone: '0977123123' } });
  const log = await guestLog(owner, venue.id);
  assert.equal(log.status, 200, log.text);
  assert.match(log.json.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.ok(log.json.counts.in >= 7, JSON.stringify(log.json.counts));
  assert.ok(log.json.counts.out >= 2);
  assert.equal(log.json.days.at(-1).date, log.json.date);
  assert.equal(log.json.days.at(-1).in, log.json.counts.in);
  assert.ok(log.json.counts.inside_now >= 1);
  const trusts = new Set(log.json.visits.map((v) => v.trust));
  for (const tr of ['self_poster', 'guest_form', 'cccd', 'bhyt', 'phone_otp', 'manual', 'self_kiosk']) assert.ok(trusts.has(tr), tr);

  // Data minimisation: the venue's own people see masked names and phones by default.
  assert.equal(log.json.view, 'masked');
  assert.ok(!log.json.visits.some((v) => v.full_name === 'Nguyễn Văn An'), 'a full name without a reason');
  assert.ok(log.json.visits.every((v) => v.phone === null || v.phone.includes('•••')), 'a full phone without a reason');
  const staffFull = await guestLog(staff, venue.id, '?reason=' + encodeURIComponent('a guest lost a wallet'));
  assert.equal(staffFull.status, 403);
  const full = await guestLog(owner, venue.id, '?reason=' + encodeURIComponent('health station asked for it'));
  assert.equal(full.status, 200, full.text);
  assert.equal(full.json.view, 'full');
  assert.ok(full.json.visits.some((v) => v.full_name === 'Nguyễn Văn An'));

  const reason = encodeURIComponent('health station asked for it');
  const res = await fetch(`${server.base}/api/v1/venues/${venue.id}/visits?format=csv&reason=${reason}`, { headers: { authorization: `Bearer ${owner}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/csv/);
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
  assert.equal(lines.length, log.json.counts.in + 1);
  assert.ok(lines.some((l) => l.includes(",'-Hacker,'+84977123123,")), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('Nguyễn Văn An')));
  for (const l of lines.slice(1)) for (const cell of l.split(',')) assert.ok(!/^[=+\-@\t]/.test(cell), cell);

  const yesterday = await guestLog(owner, venue.id, '?date=2020-01-01');
  assert.equal(yesterday.json.counts.in, 0);
  for (const q of ['?date=2020-13-01', '?date=today', '?format=xlsx']) {
    const r = await guestLog(owner, venue.id, q);
    assert.equal(r.status, 400, q);
  }
});

test('officials read guest logs in their jurisdiction only, with a reason that is audited', async () => {
  const hcm = await staffToken(server, { username: 'hcm.tracer', role: 'official', jurisdiction: '79' });
  const hanoi = await staffToken(server, { username: 'hn.tracer', role: 'official', jurisdiction: '01' });
  const list = await server.request('GET', '/api/v1/venues', { token: hcm });
  assert.ok(list.json.venues.some((v) => v.id === venue.id));
  assert.equal((await server.request('GET', '/api/v1/venues', { token: hanoi })).json.venues.length, 0);
  const noReason = await guestLog(hcm, venue.id);
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  const ok = await guestLog(hcm, venue.id, '?reason=' + encodeURIComponent('F0 case 123 visited on this day'));
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.visits.every((v) => typeof v.trust === 'string' && v.trust_level >= 1));
  const outside = await guestLog(hanoi, venue.id, '?reason=curious');
  assert.equal(outside.status, 403);
});

test('a closed venue refuses check-ins; a suspended one only an official reopens', async () => {
  const citizen = await citizenToken(server, '0912000009');
  const closed = await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: owner, body: { status: 'closed' } });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.status, 'closed');
  const before = await guestLog(owner, venue.id);
  const r = await server.request('POST', '/api/v1/checkins', { token: citizen, body: { venue_code: venue.code } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'venue_closed');
  const s = await server.request('POST', '/api/v1/scans', { token: staff, body: { venue_id: venue.id, payload: CCCD_AN } });
  assert.equal(s.status, 409);
  assert.equal((await guestLog(owner, venue.id)).json.counts.in, before.json.counts.in);
  assert.equal((await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: staff, body: { status: 'open' } })).status, 403);
  assert.equal((await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: owner, body: { status: 'suspended' } })).status, 403);

  const official = await staffToken(server, { username: 'hcm.inspector', role: 'official', jurisdiction: '79' });
  assert.equal((await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: official, body: { status: 'suspended' } })).status, 200);
  const reopen = await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: owner, body: { status: 'open' } });
  assert.equal(reopen.status, 403);
  assert.equal(reopen.json.error.code, 'venue_suspended');
  assert.equal((await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: official, body: { status: 'open' } })).status, 200);
  assert.equal((await server.request('POST', '/api/v1/checkins', { token: citizen, body: { venue_code: venue.code } })).status, 201);
  assert.equal((await server.request('PATCH', `/api/v1/venues/${venue.id}`, { token: owner, body: { status: 'gone' } })).status, 400);
});
