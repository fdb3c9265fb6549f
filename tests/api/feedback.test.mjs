// Citizen feedback end to end against the real binary: a citizen sends a report and gets a
// tracking number; an official records a hotline caller's; the area's officials (and no others)
// list and triage them new → in progress → closed with notes, and each change reaches the
// sender's inbox (or, for a caller without an account, their phone); a phone sends at most five
// a day; bad input is refused naming the field, with nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let hcm;          // official of province 79
let hanoi;        // official of province 01
let wardOfficial; // official of the first ward of 79
let otherWard;    // official of the second ward of 79
let citizen;
let ward;
let ward2;
let venueCode;

const rowCounts = () => JSON.parse(admin(server, ['stats']));

async function inbox(token) {
  const r = await server.request('GET', '/api/v1/me/inbox', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

before(async () => {
  server = await startServer();
  const wards = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
  ward = wards[0].code;
  ward2 = wards[1].code;
  hcm = await staffToken(server, { username: 'hcm.feedback', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.feedback', role: 'official', jurisdiction: '01' });
  wardOfficial = await staffToken(server, { username: 'ward.feedback', role: 'official', jurisdiction: ward });
  otherWard = await staffToken(server, { username: 'ward2.feedback', role: 'official', jurisdiction: ward2 });
  citizen = await citizenToken(server, '0912700001');
  const owner = await citizenToken(server, '0912700002');
  const v = await server.request('POST', '/api/v1/venues', { token: owner, body: {
    name: 'Quán ăn Bình Minh', kind: 'restaurant', province_code: '79', ward_code: ward, street: '5 Lê Lợi', capacity: 40 } });
  assert.equal(v.status, 201, v.text);
  venueCode = v.json.code;
});
after(async () => { await server?.stop(); });

test('bad reports are refused naming the field, and nothing is written', async () => {
  const before = rowCounts();
  const cases = [
    [{ kind: 'gossip', text: 'x', province_code: '79' }, 'kind', 'invalid_kind'],
    [{ kind: 'other', text: '   ', province_code: '79' }, 'text', 'empty'],
    [{ kind: 'other', province_code: '79' }, 'text', 'missing_field'],
    [{ kind: 'other', text: 'á'.repeat(2001), province_code: '79' }, 'text', 'too_long'],
    [{ kind: 'other', text: 'x', province_code: '99' }, 'province_code', 'unknown_province'],
    [{ kind: 'other', text: 'x', province_code: '79', ward_code: '00001' }, 'ward_code', 'unknown_ward'],
    [{ kind: 'other', text: 'x', province_code: '01', ward_code: ward }, 'ward_code', 'ward_not_in_province'],
    [{ kind: 'other', text: 'x', venue_code: 'NOPE1234' }, 'venue_code', 'unknown_venue'],
    // The citizen has declared no address: a report must say where.
    [{ kind: 'crowding', text: 'Đông người' }, 'province_code', 'missing_field'],
    [{ kind: 'other', text: 'x', province_code: '79', colour: 'red' }, 'colour', 'unknown_field'],
  ];
  for (const [body, field, code] of cases) {
    const r = await server.request('POST', '/api/v1/feedback', { token: citizen, body });
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)} → ${r.text.slice(0, 200)}`);
    assert.equal(r.json.error.field, field, r.text.slice(0, 200));
    assert.equal(r.json.error.code, code, r.text.slice(0, 200));
  }
  const hotlineBad = await server.request('POST', '/api/v1/feedback/hotline', { token: hcm,
    body: { caller_phone: '12345', kind: 'other', text: 'x' } });
  assert.equal(hotlineBad.status, 400);
  assert.equal(hotlineBad.json.error.field, 'caller_phone');
  // Who may send where: officials use the hotline route, citizens the app's.
  assert.equal((await server.request('POST', '/api/v1/feedback', { token: hcm, body: { kind: 'other', text: 'x', province_code: '79' } })).status, 403);
  assert.equal((await server.request('POST', '/api/v1/feedback/hotline', { token: citizen,
    body: { caller_phone: '0912700009', kind: 'other', text: 'x' } })).status, 403);
  assert.equal((await server.request('POST', '/api/v1/feedback', { body: { kind: 'other', text: 'x', province_code: '79' } })).status, 401);
  // A Hà Nội official cannot file a report in HCM.
  const outside = await server.request('POST', '/api/v1/feedback/hotline', { token: hanoi,
    body: { caller_phone: '0912700009', kind: 'other', text: 'x', province_code: '79' } });
  assert.equal(outside.status, 403, outside.text);
  assert.deepEqual(rowCounts(), before);
});

test('a citizen reports a venue; the ward officials triage it and each change reaches the inbox', async () => {
  const sent = await server.request('POST', '/api/v1/feedback', { token: citizen,
    body: { kind: 'venue_not_scanning', text: '  Quán không quét mã QR ở cửa  ', venue_code: venueCode } });
  assert.equal(sent.status, 201, sent.text);
  const report = sent.json;
  assert.match(report.tracking_number, /^PA-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  assert.equal(report.status, 'new');
  assert.equal(report.text, 'Quán không quét mã QR ở cửa');
  assert.equal(report.venue_name, 'Quán ăn Bình Minh');
  assert.equal(report.ward_code, ward, 'the venue’s ward is the report’s');
  assert.equal(report.channel, 'app');
  assert.equal(report.sender_phone, undefined, 'the sender does not see their own phone echoed');

  let items = await inbox(citizen);
  assert.ok(items.some((i) => i.title.includes(report.tracking_number) && i.title.includes('đã tiếp nhận')), JSON.stringify(items));

  // The ward's officials and the province's see it; another ward's and another province's do not.
  const listed = await server.request('GET', '/api/v1/feedback?status=new', { token: wardOfficial });
  assert.equal(listed.status, 200, listed.text);
  assert.deepEqual(listed.json.reports.map((r) => r.id), [report.id]);
  assert.equal(listed.json.reports[0].sender_phone, '+84 ••• ••• 001');
  assert.equal((await server.request('GET', '/api/v1/feedback', { token: hcm })).json.reports.length, 1);
  assert.deepEqual((await server.request('GET', '/api/v1/feedback', { token: otherWard })).json.reports, []);
  assert.deepEqual((await server.request('GET', '/api/v1/feedback', { token: hanoi })).json.reports, []);
  assert.equal((await server.request('GET', `/api/v1/feedback/${report.id}`, { token: otherWard })).status, 404);
  assert.equal((await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: hanoi,
    body: { status: 'in_progress' } })).status, 404);
  const byNumber = await server.request('GET', `/api/v1/feedback?tracking_number=${report.tracking_number}`, { token: hcm });
  assert.deepEqual(byNumber.json.reports.map((r) => r.id), [report.id]);

  const moved = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: wardOfficial,
    body: { status: 'in_progress', note: 'Đã cử cán bộ đến kiểm tra' } });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.status, 'in_progress');
  items = await inbox(citizen);
  assert.ok(items.some((i) => i.title.includes('đang xử lý') && i.body === 'Đã cử cán bộ đến kiểm tra'), JSON.stringify(items));

  // Back to new, or a bare repeat with nothing to say: refused.
  const back = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: wardOfficial, body: { status: 'new' } });
  assert.equal(back.status, 400);
  assert.equal(back.json.error.code, 'invalid_transition');
  const bare = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: wardOfficial, body: { status: 'in_progress' } });
  assert.equal(bare.status, 400);
  assert.equal(bare.json.error.field, 'note');
  const badStatus = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: wardOfficial, body: { status: 'done' } });
  assert.equal(badStatus.json.error.code, 'invalid_status');

  const closed = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: hcm,
    body: { status: 'closed', note: 'Quán đã dán mã QR và bố trí người nhắc quét' } });
  assert.equal(closed.status, 200, closed.text);
  const again = await server.request('POST', `/api/v1/feedback/${report.id}/status`, { token: hcm,
    body: { status: 'closed', note: 'x' } });
  assert.equal(again.status, 409);

  // The citizen reads the whole history; the inbox holds one message per change.
  const mine = await server.request('GET', '/api/v1/me/feedback', { token: citizen });
  assert.equal(mine.status, 200, mine.text);
  const own = mine.json.reports.find((r) => r.id === report.id);
  assert.deepEqual(own.events.map((e) => [e.status, e.note]), [
    ['new', ''], ['in_progress', 'Đã cử cán bộ đến kiểm tra'], ['closed', 'Quán đã dán mã QR và bố trí người nhắc quét']]);
  items = await inbox(citizen);
  assert.equal(items.filter((i) => i.title.includes(report.tracking_number)).length, 3);
  assert.ok(items.every((i) => !i.link || i.link.endsWith('/feedback')));
  // The desk's default list holds what is still to be done.
  const open = await server.request('GET', '/api/v1/feedback?status=open', { token: hcm });
  assert.ok(!open.json.reports.some((r) => r.id === report.id));
  const closedList = await server.request('GET', '/api/v1/feedback?status=closed', { token: hcm });
  assert.deepEqual(closedList.json.reports.map((r) => r.id), [report.id]);
  assert.equal((await server.request('GET', '/api/v1/feedback?status=done', { token: hcm })).json.error.field, 'status');
  // Another citizen cannot read it.
  const stranger = await citizenToken(server, '0912700003');
  assert.equal((await server.request('GET', `/api/v1/feedback/${report.id}`, { token: stranger })).status, 404);
  assert.equal((await server.request('GET', `/api/v1/feedback/${report.id}`, { token: citizen })).status, 200);
});

test('a hotline call recorded by an official reaches the caller, in the inbox once they sign in', async () => {
  const audits = rowCounts().audit_log;
  const r = await server.request('POST', '/api/v1/feedback/hotline', { token: wardOfficial,
    body: { caller_phone: '0912 700 004', kind: 'returned_from_outbreak', text: 'Hàng xóm mới về từ vùng dịch, chưa khai báo' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.channel, 'hotline');
  assert.equal(r.json.ward_code, ward, 'the official’s ward by default');
  assert.equal(r.json.sender_phone, '+84 ••• ••• 004');
  assert.equal(rowCounts().audit_log, audits + 1, 'the official who took the call is on record');
  // The caller has no account: the news goes to their phone.
  let sms;
  for (let i = 0; i < 60 && !sms; i++) {
    sms = server.outbox().find((m) => m.to === '+84912700004' && m.text.includes(r.json.tracking_number));
    if (!sms) await new Promise((res) => setTimeout(res, 50));
  }
  assert.ok(sms, JSON.stringify(server.outbox().slice(-3)));
  // Once they sign in with that phone, the report is theirs to follow.
  const caller = await citizenToken(server, '0912700004');
  const mine = await server.request('GET', '/api/v1/me/feedback', { token: caller });
  assert.deepEqual(mine.json.reports.map((p) => p.tracking_number), [r.json.tracking_number]);
});

test('one phone sends at most five reports a day', async () => {
  const phone = '0912700005';
  const token = await citizenToken(server, phone);
  for (let i = 0; i < 5; i++) {
    const r = await server.request('POST', '/api/v1/feedback', { token, body: { kind: 'crowding', text: `Đông người ${i}`, province_code: '79' } });
    assert.equal(r.status, 201, r.text);
  }
  const before = rowCounts();
  const sixth = await server.request('POST', '/api/v1/feedback', { token, body: { kind: 'crowding', text: 'Lần 6', province_code: '79' } });
  assert.equal(sixth.status, 429, sixth.text);
  assert.equal(sixth.json.error.code, 'too_many_reports');
  assert.ok(Number(sixth.headers.get('retry-after')) > 80000, sixth.headers.get('retry-after'));
  // The hotline counts against the same phone.
  const byPhone = await server.request('POST', '/api/v1/feedback/hotline', { token: hcm,
    body: { caller_phone: phone, kind: 'other', text: 'Gọi lần nữa' } });
  assert.equal(byPhone.status, 429);
  assert.equal(byPhone.json.error.field, 'caller_phone');
  assert.deepEqual(rowCounts(), before);
});
