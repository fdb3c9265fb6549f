// Notifications end to end: area broadcasts reach exactly the people living there (stored
// once, merged into inboxes), jurisdiction limits, the approval brake, recall, personal
// messages, bad input, and the live stream (SSE) with resume and heartbeats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, staffToken, admin, dbKind } from '../lib/server.mjs';
import { citizenAt, wardsOf, openStream } from '../lib/notify.mjs';

let server;
let hcm;          // province official of 79
let hcm2;         // a second official of 79
let hanoi;        // province official of 01
let national;
let national2;    // a second national official
let wardOfficial; // official of one ward of 79
let wards79;
let wards01;
let inWard;       // citizen in wards79[0]
let elsewhere;    // citizen in wards79[1]
let inHanoi;      // citizen in Hà Nội

const stats = () => JSON.parse(admin(server, ['stats']));
const msg = (extra = {}) => ({ kind: 'urgent', title: 'Thông báo khẩn', body: 'Ở nhà, đeo khẩu trang.', ...extra });

before(async () => {
  // Threshold 2 people: a ward of one person is sent at once, the whole province waits.
  server = await startServer({ args: ['--broadcast-approval-threshold', '2', '--sse-heartbeat', '1'] });
  wards79 = await wardsOf(server, '79');
  wards01 = await wardsOf(server, '01');
  hcm = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
  hcm2 = await staffToken(server, { username: 'hcm.cdc2', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.cdc', role: 'official', jurisdiction: '01' });
  national = await staffToken(server, { username: 'moh', role: 'official', jurisdiction: 'national' });
  national2 = await staffToken(server, { username: 'moh2', role: 'official', jurisdiction: 'national' });
  wardOfficial = await staffToken(server, { username: 'ward.cdc', role: 'official', jurisdiction: wards79[0] });
  inWard = await citizenAt(server, '0912100001', '79', wards79[0]);
  elsewhere = await citizenAt(server, '0912100002', '79', wards79[1]);
  inHanoi = await citizenAt(server, '0912100003', '01', wards01[0]);
});
after(async () => { await server?.stop(); });

async function inbox(token, query = '') {
  const r = await server.request('GET', `/api/v1/me/inbox${query}`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

test('a ward broadcast reaches the people of that ward only, stored once', async () => {
  const before = stats();
  const pv = await server.request('POST', '/api/v1/broadcasts/preview', { token: hcm, body: { audience: { wards: [wards79[0]] } } });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.json.people, 1);
  assert.equal(pv.json.needs_approval, false);
  const r = await server.request('POST', '/api/v1/broadcasts', {
    token: hcm, body: msg({ title: 'Phong tỏa phường', link: 'https://moh.gov.vn/a', audience: { wards: [wards79[0]] } }),
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'sent');
  assert.equal(r.json.audience_size, 1);
  assert.equal(r.json.audience.wards[0].code, wards79[0]);
  const after = stats();
  assert.equal(after.messages - before.messages, 1);
  assert.equal(after.message_areas - before.message_areas, 1);

  const mine = await inbox(inWard.token);
  const item = mine.items.find((i) => i.id === r.json.id);
  assert.ok(item, JSON.stringify(mine));
  assert.equal(item.title, 'Phong tỏa phường');
  assert.equal(item.kind, 'urgent');
  assert.equal(item.broadcast, true);
  assert.equal(item.read, false);
  assert.equal(item.link, 'https://moh.gov.vn/a');
  assert.match(item.published_at, /\+07:00$/);
  assert.equal(item.sender.jurisdiction, '79');
  assert.ok(mine.unread >= 1);
  assert.ok(!(await inbox(elsewhere.token)).items.some((i) => i.id === r.json.id));
  assert.ok(!(await inbox(inHanoi.token)).items.some((i) => i.id === r.json.id));

  // Read state per account.
  assert.equal((await server.request('POST', `/api/v1/me/inbox/${r.json.id}/read`, { token: inWard.token })).status, 204);
  const again = await inbox(inWard.token);
  assert.equal(again.items.find((i) => i.id === r.json.id).read, true);
  assert.equal(again.unread, mine.unread - 1);
  const figures = await server.request('GET', `/api/v1/broadcasts/${r.json.id}`, { token: hcm });
  assert.equal(figures.json.reads, 1);
});

test('a province broadcast covers every ward of it; people who manage dependants see theirs too', async () => {
  // A Hà Nội citizen manages a parent living in HCM: the parent's area counts for their inbox.
  const add = await server.request('POST', '/api/v1/me/people', {
    token: inHanoi.token,
    body: { full_name: 'Trần Thị Lan', id_kind: 'passport', id_number: `P${Date.now() % 1e8}`, birth_date: '1950-03-04',
      sex: 'female', province_code: '79', ward_code: wards79[2], street: '3 Hai Bà Trưng' },
  });
  assert.equal(add.status, 201, add.text);
  const r = await server.request('POST', '/api/v1/broadcasts', { token: national, body: msg({ title: 'Toàn thành phố', audience: { provinces: ['79'] } }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'pending_approval', 'three people in 79 exceed the threshold of 2');
  assert.ok(!(await inbox(inWard.token)).items.some((i) => i.id === r.json.id), 'pending is invisible');
  const self = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: national });
  assert.equal(self.status, 403);
  assert.equal(self.json.error.code, 'same_official');
  const outsider = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: hanoi });
  assert.equal(outsider.status, 403);
  const lower = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: hcm });
  assert.equal(lower.status, 403, 'the province does not release what the ministry sent');
  const ok = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: national2 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'sent');
  assert.equal((await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: hcm2 })).status, 409);
  for (const c of [inWard, elsewhere, inHanoi]) {
    assert.ok((await inbox(c.token)).items.some((i) => i.id === r.json.id), 'province broadcast reaches every ward');
  }
  const parentOnly = await inbox(inHanoi.token, `?person_id=${add.json.id}`);
  assert.ok(parentOnly.items.some((i) => i.id === r.json.id));
  const selfOnly = await inbox(inHanoi.token, `?person_id=${inHanoi.personId}`);
  assert.ok(!selfOnly.items.some((i) => i.id === r.json.id));
});

test('a national broadcast always needs a second official', async () => {
  const pv = await server.request('POST', '/api/v1/broadcasts/preview', { token: national, body: { audience: { national: true } } });
  assert.equal(pv.status, 200, pv.text);
  assert.equal(pv.json.needs_approval, true);
  assert.ok(pv.json.people >= 4);
  const r = await server.request('POST', '/api/v1/broadcasts', { token: national, body: msg({ audience: { national: true } }) });
  assert.equal(r.json.status, 'pending_approval');
  const refused = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/approve`, { token: hcm });
  assert.equal(refused.status, 403, 'a province official cannot release a national alert');
});

test('an official targets only inside their jurisdiction; nothing is written otherwise', async () => {
  const before = stats();
  const other = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ audience: { provinces: ['01'] } }) });
  assert.equal(other.status, 403, other.text);
  assert.equal(other.json.error.code, 'outside_jurisdiction');
  const otherWard = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ audience: { wards: [wards01[0]] } }) });
  assert.equal(otherWard.status, 403);
  const nat = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ audience: { national: true } }) });
  assert.equal(nat.status, 403);
  const wider = await server.request('POST', '/api/v1/broadcasts', { token: wardOfficial, body: msg({ audience: { provinces: ['79'] } }) });
  assert.equal(wider.status, 403);
  const own = await server.request('POST', '/api/v1/broadcasts/preview', { token: wardOfficial, body: { audience: { wards: [wards79[0]] } } });
  assert.equal(own.status, 200);
  const citizen = await server.request('POST', '/api/v1/broadcasts', { token: inWard.token, body: msg({ audience: { wards: [wards79[0]] } }) });
  assert.equal(citizen.status, 403);
  const anon = await server.request('POST', '/api/v1/broadcasts', { body: msg({ audience: { wards: [wards79[0]] } }) });
  assert.equal(anon.status, 401);
  const after = stats();
  assert.equal(after.messages, before.messages);
  assert.equal(after.message_areas, before.message_areas);
  assert.equal(after.deliveries, before.deliveries);
});

test('bad input is a clear 4xx naming the field, and writes nothing', async () => {
  const before = stats();
  const ward = { wards: [wards79[0]] };
  const cases = [
    [msg({ title: '   ', audience: ward }), 400, 'title'],
    [msg({ body: '', audience: ward }), 400, 'body'],
    [msg({ body: 'x'.repeat(2001), audience: ward }), 400, 'body'],
    [msg({ title: 'a\u0007b', audience: ward }), 400, 'title'],
    [msg({ audience: { wards: ['99999'] } }), 400, 'audience.wards[0]'],
    [msg({ audience: { provinces: ['00'] } }), 400, 'audience.provinces[0]'],
    [msg({ audience: {} }), 400, 'audience'],
    [msg({ audience: { wards: [wards79[0]], colour: 'red' } }), 400, 'audience.colour'],
    [msg({ audience: { wards: [wards79[0]], filter: 'rich' } }), 400, 'audience.filter'],
    [msg({}), 400, 'audience'],
    [msg({ kind: 'spam', audience: ward }), 400, 'kind'],
    [msg({ link: 'javascript:alert(1)', audience: ward }), 400, 'link'],
    [msg({ expires_at: '2020-01-01T00:00:00+07:00', audience: ward }), 400, 'expires_at'],
    [msg({ expires_at: 'tomorrow', audience: ward }), 400, 'expires_at'],
    [msg({ audience: ward, priority: 1 }), 400, 'priority'],
  ];
  for (const [body, status, field] of cases) {
    const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body });
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  const raw = await server.request('POST', '/api/v1/broadcasts', { token: hcm, raw: '{"title":', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400);
  const after = stats();
  assert.equal(after.messages, before.messages);
  assert.equal(after.deliveries, before.deliveries);
  assert.equal(after.audit_log, before.audit_log);
});

test('an expired broadcast leaves inboxes; a citizen cannot read or mark another inbox', async () => {
  const soon = new Date(Date.now() + 2000).toISOString();
  const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Sắp hết hạn', expires_at: soon, audience: { wards: [wards79[1]] } }) });
  assert.equal(r.status, 201, r.text);
  assert.ok((await inbox(elsewhere.token)).items.some((i) => i.id === r.json.id));
  // Someone else's message, someone else's person: 404, nothing learnt.
  const markOther = await server.request('POST', `/api/v1/me/inbox/${r.json.id}/read`, { token: inWard.token });
  assert.equal(markOther.status, 404);
  const otherPerson = await server.request('GET', `/api/v1/me/inbox?person_id=${elsewhere.personId}`, { token: inWard.token });
  assert.equal(otherPerson.status, 404);
  assert.equal(otherPerson.json.error.field, 'person_id');
  assert.equal((await server.request('GET', '/api/v1/me/inbox?limit=0', { token: inWard.token })).status, 400);
  assert.equal((await server.request('GET', '/api/v1/me/inbox?cursor=abc', { token: inWard.token })).json.error.field, 'cursor');
  assert.equal((await server.request('GET', '/api/v1/me/inbox', { token: hcm })).status, 403, 'staff have no inbox');
  assert.equal((await server.request('GET', '/api/v1/me/inbox')).status, 401);
  await new Promise((res) => setTimeout(res, 3100));
  assert.ok(!(await inbox(elsewhere.token)).items.some((i) => i.id === r.json.id), 'expired');
});

test('recall removes a broadcast from inboxes and is audited', async () => {
  const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Gửi nhầm', audience: { wards: [wards79[0]] } }) });
  assert.ok((await inbox(inWard.token)).items.some((i) => i.id === r.json.id));
  const noReason = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm, body: {} });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  const outsider = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hanoi, body: { reason: 'x' } });
  assert.equal(outsider.status, 403);
  const before = stats();
  const ok = await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm2, body: { reason: 'sent to the wrong ward' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'recalled');
  assert.equal(ok.json.recall_reason, 'sent to the wrong ward');
  assert.equal(stats().audit_log, before.audit_log + 1);
  assert.ok(!(await inbox(inWard.token)).items.some((i) => i.id === r.json.id));
  assert.equal((await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm, body: { reason: 'again' } })).status, 409);
  const list = await server.request('GET', '/api/v1/broadcasts', { token: hcm });
  assert.ok(list.json.broadcasts.some((b) => b.id === r.json.id && b.status === 'recalled'));
  assert.ok(!(await server.request('GET', '/api/v1/broadcasts', { token: hanoi })).json.broadcasts.some((b) => b.id === r.json.id));
});

test('approving and recalling belong to the sender and the levels above, never below', async () => {
  // Three people in one ward: over the threshold of 2, so a message to it waits for approval.
  const ward = wards79[7];
  for (const phone of ['0912100031', '0912100032', '0912100033']) await citizenAt(server, phone, '79', ward);
  const wardCdc = await staffToken(server, { username: 'ward7.cdc', role: 'official', jurisdiction: ward });
  const send = async (token, extra = {}) => {
    const r = await server.request('POST', '/api/v1/broadcasts', { token, body: msg({ audience: { wards: [ward] }, ...extra }) });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const act = async (token, id, what) => (await server.request('POST', `/api/v1/broadcasts/${id}/${what}`, {
    token, body: what === 'recall' ? { reason: 'kiểm tra quyền' } : undefined,
  })).status;

  // The city's message to the ward: the ward's official neither releases nor recalls it.
  const city = await send(hcm);
  assert.equal(city.status, 'pending_approval');
  assert.equal(await act(wardCdc, city.id, 'approve'), 403, 'a ward official approved the province\'s message');
  assert.equal(await act(wardCdc, city.id, 'recall'), 403, 'a ward official recalled the province\'s message');
  assert.equal(await act(hanoi, city.id, 'approve'), 403);
  assert.equal(await act(national, city.id, 'approve'), 200);
  assert.equal(await act(wardCdc, city.id, 'recall'), 403);
  assert.equal(await act(hanoi, city.id, 'recall'), 403);
  assert.equal(await act(national, city.id, 'recall'), 200);

  // The ward's own message: the province above approves and recalls it; another province does not.
  const own = await send(wardCdc, { title: 'Tin của phường' });
  assert.equal(await act(wardCdc, own.id, 'approve'), 403, 'never the sender');
  assert.equal(await act(hanoi, own.id, 'approve'), 403);
  assert.equal(await act(hcm, own.id, 'approve'), 200);
  assert.equal(await act(hanoi, own.id, 'recall'), 403);
  assert.equal(await act(hcm, own.id, 'recall'), 200);
  const mine = await send(wardCdc, { title: 'Tin thứ hai' });
  assert.equal(await act(wardCdc, mine.id, 'recall'), 200, 'the sender recalls their own');

  // What the list offers each official follows the same rule.
  const listed = async (token, id) => (await server.request('GET', '/api/v1/broadcasts', { token })).json.broadcasts.find((b) => b.id === id);
  const another = await send(hcm, { title: 'Tin của thành phố' });
  assert.deepEqual([(await listed(wardCdc, another.id)).may_approve, (await listed(wardCdc, another.id)).may_recall], [false, false]);
  assert.deepEqual([(await listed(hcm, another.id)).may_approve, (await listed(hcm, another.id)).may_recall], [false, true]);
  assert.deepEqual([(await listed(hcm2, another.id)).may_approve, (await listed(hcm2, another.id)).may_recall], [true, true]);
});

test('messages to listed people: inside the jurisdiction only, idempotent, SMS to the outbox', async () => {
  const before = stats();
  const refused = await server.request('POST', '/api/v1/messages', {
    token: hcm, body: { person_ids: [inWard.personId, inHanoi.personId], kind: 'tracing', title: 'Truy vết', body: 'Bạn là F1.' },
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.field, 'person_ids[1]');
  assert.equal(stats().messages, before.messages);
  const body = { person_ids: [inWard.personId, elsewhere.personId], kind: 'tracing', title: 'Truy vết', body: 'Bạn là F1.', request_id: 'req-1' };
  const r = await server.request('POST', '/api/v1/messages', { token: hcm, body });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.messages.map((m) => m.created), [true, true]);
  const again = await server.request('POST', '/api/v1/messages', { token: hcm, body });
  assert.deepEqual(again.json.messages.map((m) => m.created), [false, false]);
  assert.deepEqual(again.json.messages.map((m) => m.id), r.json.messages.map((m) => m.id));
  const mine = await inbox(inWard.token);
  const item = mine.items.find((i) => i.id === r.json.messages[0].id);
  assert.equal(item.kind, 'tracing');
  assert.equal(item.person_id, inWard.personId);
  assert.ok(!mine.items.some((i) => i.id === r.json.messages[1].id));
  // Outside delivery with no gateway: the outbox file, never under the sign-in "sms" channel.
  for (let i = 0; i < 50 && !server.outbox().some((m) => m.channel === 'notification' && m.to === inWard.phone); i++) {
    await new Promise((res) => setTimeout(res, 100));
  }
  const line = server.outbox().find((m) => m.channel === 'notification' && m.to === inWard.phone);
  assert.ok(line, JSON.stringify(server.outbox()));
  assert.match(line.text, /Truy vết: Bạn là F1\./);
});

test('the inbox pages newest first with a cursor; read-all clears the unread count', async () => {
  const c = await citizenAt(server, '0912100009', '79', wards79[3]);
  await server.request('POST', '/api/v1/me/inbox/read-all', { token: c.token }); // earlier province-wide alerts
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: `Tin ${i}`, audience: { wards: [wards79[3]] } }) });
    ids.push(r.json.id);
  }
  const p1 = await inbox(c.token, '?limit=2');
  assert.deepEqual(p1.items.map((i) => i.id), [ids[4], ids[3]]);
  assert.equal(p1.unread, 5);
  const p2 = await inbox(c.token, `?limit=2&cursor=${p1.next_cursor}`);
  assert.deepEqual(p2.items.map((i) => i.id), [ids[2], ids[1]]);
  const p3 = await inbox(c.token, `?limit=2&cursor=${p2.next_cursor}`);
  assert.equal(p3.items[0].id, ids[0]);
  assert.ok(p3.items.slice(1).every((i) => i.read), 'older alerts, read before');
  const all = await server.request('POST', '/api/v1/me/inbox/read-all', { token: c.token });
  assert.equal(all.json.marked, 5);
  assert.equal(p3.items[0].read, false);
  assert.equal((await inbox(c.token)).unread, 0);
});

test('an inbox longer than the first page looks ahead counts the same unread on every page', async () => {
  const c = await citizenAt(server, '0912100040', '79', wards79[12]);
  await server.request('POST', '/api/v1/me/inbox/read-all', { token: c.token }); // earlier province-wide alerts
  const sender = await staffToken(server, { username: 'hcm.many', role: 'official', jurisdiction: '79' });
  for (let i = 0; i < 104; i++) {
    const r = await server.request('POST', '/api/v1/broadcasts', { token: sender, body: msg({ title: `Tin ${i}`, audience: { wards: [wards79[12]] } }) });
    assert.equal(r.status, 201, r.text);
  }
  const first = await inbox(c.token, '?limit=100');
  assert.equal(first.unread, 104);
  for (const item of first.items.slice(0, 4)) {
    const r = await server.request('POST', `/api/v1/me/inbox/${item.id}/read`, { token: c.token });
    assert.equal(r.status, 204, r.text);
  }
  for (const query of ['', '?limit=3', '?limit=100', `?limit=20&cursor=${first.next_cursor}`]) {
    assert.equal((await inbox(c.token, query)).unread, 100, query);
  }
  const tail = await inbox(c.token, `?limit=100&cursor=${first.next_cursor}`);
  assert.ok(tail.items.length >= 4 && tail.next_cursor === null, JSON.stringify(tail));
  assert.equal(tail.unread, 100);
});

test('the live stream pushes new messages, resumes after Last-Event-ID, and sends heartbeats', async () => {
  const c = await citizenAt(server, '0912100010', '79', wards79[4]);
  const far = await citizenAt(server, '0912100011', '79', wards79[5]);
  const stream = await openStream(server, c.token);
  const farStream = await openStream(server, far.token);
  await new Promise((res) => setTimeout(res, 200));
  const started = Date.now();
  const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Trực tiếp', audience: { wards: [wards79[4]] } }) });
  const e = await stream.next((ev) => ev.event === 'message' && ev.json.id === r.json.id, 3000);
  assert.ok(Date.now() - started < 2000, 'pushed at once, not on the next poll');
  assert.equal(e.json.title, 'Trực tiếp');
  assert.match(e.id, /^\d+\.\d+$/);
  // A personal message wakes the stream too.
  const p = await server.request('POST', '/api/v1/messages', { token: hcm, body: { person_ids: [c.personId], title: 'Riêng', body: 'Cho bạn' } });
  await stream.next((ev) => ev.json.id === p.json.messages[0].id, 3000);
  // Recall: the open page is told to drop it.
  await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm, body: { reason: 'test' } });
  await stream.next((ev) => ev.event === 'recall' && ev.json.id === r.json.id, 3000);
  // Heartbeats (the server runs with --sse-heartbeat 1).
  await new Promise((res) => setTimeout(res, 1500));
  assert.ok(stream.comments.includes('heartbeat'), JSON.stringify(stream.comments));
  assert.ok(!farStream.events.some((ev) => ev.event === 'message'), 'the other ward saw nothing');
  stream.close();
  farStream.close();

  // Messages published while disconnected arrive on resume, after Last-Event-ID.
  const missed = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Lúc mất kết nối', audience: { wards: [wards79[4]] } }) });
  const resumed = await openStream(server, c.token, { 'last-event-id': e.id });
  const got = await resumed.next((ev) => ev.json.id === missed.json.id, 3000);
  assert.equal(got.json.title, 'Lúc mất kết nối');
  assert.ok(!resumed.events.some((ev) => ev.event === 'message' && ev.json.id === r.json.id), 'the recalled one is not replayed');
  resumed.close();
  const bad = await server.request('GET', '/api/v1/me/inbox/stream', { token: c.token, headers: { 'last-event-id': 'nope' } });
  assert.equal(bad.status, 400);
});

const delivered = async (srv = server) => {
  const r = await srv.request('GET', '/metrics');
  return Number(/^khaibao_inbox_events_delivered_total (\d+)/m.exec(r.text)[1]);
};

test('a broadcast reaches the covered streams from memory, as the inbox shows it; a filtered one is read', async () => {
  const a = await citizenAt(server, '0912100012', '79', wards79[8]);
  const b = await citizenAt(server, '0912100013', '79', wards79[8]);
  const streams = [await openStream(server, a.token), await openStream(server, a.token), await openStream(server, b.token)];
  const far = await openStream(server, elsewhere.token);
  await new Promise((res) => setTimeout(res, 200));
  const before = await delivered();
  const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Từ bộ nhớ', link: 'https://moh.gov.vn/a', audience: { wards: [wards79[8]] } }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'sent');
  const got = await Promise.all(streams.map((s) => s.next((ev) => ev.event === 'message' && ev.json.id === r.json.id, 3000)));
  // Handed over by the hub, one event each: the stream did not read its inbox for it.
  assert.equal(await delivered(), before + 3);
  const shown = (await server.request('GET', '/api/v1/me/inbox?limit=1', { token: a.token })).json.items[0];
  assert.deepEqual(got[0].json, shown, 'the event is the item the inbox shows');
  assert.equal(got[0].id, shown.cursor, 'and resumes where the inbox cursor would');
  // Sent once per stream, even when a later read of the inbox finds it too: a personal message
  // makes a's streams read theirs.
  const p = await server.request('POST', '/api/v1/messages', { token: hcm, body: { person_ids: [a.personId], title: 'Riêng', body: 'x' } });
  await Promise.all(streams.slice(0, 2).map((s) => s.next((ev) => ev.json.id === p.json.messages[0].id, 3000)));
  await new Promise((res) => setTimeout(res, 300));
  for (const s of streams) assert.equal(s.events.filter((ev) => ev.event === 'message' && ev.json.id === r.json.id).length, 1);
  assert.ok(!far.events.some((ev) => ev.json?.id === r.json.id), 'another ward saw nothing');
  // A recall is handed over the same way.
  await server.request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm, body: { reason: 'thử' } });
  await Promise.all(streams.map((s) => s.next((ev) => ev.event === 'recall' && ev.json.id === r.json.id, 3000)));
  assert.equal(await delivered(), before + 6);
  // Who a filtered broadcast covers depends on each person: streams read it from the database.
  const q = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Chỉ người cách ly', audience: { wards: [wards79[8]], filter: 'under_quarantine' } }) });
  assert.equal(q.status, 201, q.text);
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(await delivered(), before + 6);
  assert.ok(!streams[0].events.some((ev) => ev.json?.id === q.json.id), 'nobody here is in quarantine');
  for (const s of [...streams, far]) s.close();
});

const streamsOpen = async () => {
  const r = await server.request('GET', '/metrics');
  return Number(/^khaibao_inbox_streams_open (\d+)/m.exec(r.text)[1]);
};

test('an idle stream keeps getting heartbeats; a client that leaves is let go at once', async () => {
  const c = await citizenAt(server, '0912100014', '79', wards79[9]);
  const before = await streamsOpen();
  const stream = await openStream(server, c.token);
  await new Promise((res) => setTimeout(res, 200));
  assert.equal(await streamsOpen(), before + 1);
  // Nothing happens on it: heartbeats still come, one a second here (--sse-heartbeat 1).
  await new Promise((res) => setTimeout(res, 2600));
  assert.ok(stream.comments.filter((x) => x === 'heartbeat').length >= 2, JSON.stringify(stream.comments));
  assert.ok(!stream.events.some((ev) => ev.event === 'message'), 'nothing was sent to it');
  // And a message still arrives on it after the silence.
  const p = await server.request('POST', '/api/v1/messages', { token: hcm, body: { person_ids: [c.personId], title: 'Sau im lặng', body: 'x' } });
  await stream.next((ev) => ev.json.id === p.json.messages[0].id, 3000);
  stream.close();
  const deadline = Date.now() + 3000;
  while (await streamsOpen() > before && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
  assert.equal(await streamsOpen(), before, 'the stream left the hub when its client left');
});

test('PostgreSQL: a stream on one server process gets what another process stored (LISTEN/NOTIFY)', { skip: dbKind() !== 'postgres' }, async () => {
  // The second process polls only every 15 s (default heartbeat): arriving within 3 s proves
  // the notification woke it.
  // Every process of one database holds the same data keys (crypto/sealing.h): here through the
  // environment, the first server's key file in KHAIBAO_DATA_KEYS form.
  const keys = readFileSync(join(server.dataDir, 'data-keys'), 'utf8').split('\n')
    .filter((l) => /^[0-9a-f]{8} /.test(l)).map((l) => l.replace(' ', ':')).join(',');
  const other = await startServer({ db: server.db, env: { KHAIBAO_DATA_KEYS: keys } });
  try {
    const c = await citizenAt(server, '0912100020', '79', wards79[6]);
    const stream = await openStream(other, c.token);
    await new Promise((res) => setTimeout(res, 300));
    const r = await server.request('POST', '/api/v1/broadcasts', { token: hcm, body: msg({ title: 'Từ tiến trình khác', audience: { wards: [wards79[6]] } }) });
    assert.equal(r.status, 201, r.text);
    await stream.next((ev) => ev.event === 'message' && ev.json.id === r.json.id, 3000);
    const p = await server.request('POST', '/api/v1/messages', { token: hcm, body: { person_ids: [c.personId], title: 'Riêng', body: 'x' } });
    await stream.next((ev) => ev.json.id === p.json.messages[0].id, 3000);
    stream.close();
  } finally {
    await other.stop();
  }
});
