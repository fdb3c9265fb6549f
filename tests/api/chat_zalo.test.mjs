// The Zalo official account channel end to end: a fake platform (tests/lib/fake_zalo.mjs)
// signs events and posts them to our webhook, takes our replies and holds us to its rules.
// Bad events are refused with nothing written; a follower links their phone by a code sent by
// SMS, agrees to health data over the chat, declares for a dependant step by step (across a
// server restart) and gets the personal QR as an image; a step left too long starts over.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, citizenToken } from '../lib/server.mjs';
import { startFakeZalo, sign } from '../lib/fake_zalo.mjs';

let server; let zalo; let dataDir; let clockFile;
const PHONE = '0987000001';
const E164 = '+84987000001';
const address = { province_code: '79', ward_code: '26882', street: '12 Lê Lợi' };
const self = { full_name: 'Nguyễn Văn Chat', id_kind: 'cccd', id_number: '079080777001', birth_date: '1980-01-02', sex: 'male', ...address };
const child = { full_name: 'Nguyễn Thị Nhỏ', id_kind: 'cccd', id_number: '079315777002', birth_date: '2015-03-01', sex: 'female', ...address };

async function start(db) {
  return startServer({
    dataDir, db, keepDataDir: true,
    args: [...zalo.args(), '--otp-resend-after', '0', '--clock-offset-file', clockFile],
    env: zalo.env(),
  });
}

before(async () => {
  zalo = await startFakeZalo();
  dataDir = mkdtempSync(join(tmpdir(), 'kb-chat-'));
  clockFile = join(dataDir, 'clock-offset');
  writeFileSync(clockFile, '0');
  server = await start();
});
after(async () => { await server?.stop(); await zalo?.close(); });

const lastText = (user) => zalo.to(user).at(-1).body.message.text;

async function say(user, text, expectReplies = 1) {
  const before = zalo.to(user).length;
  const r = await zalo.post(server, zalo.text(user, text));
  assert.equal(r.status, 200, r.text);
  return (await zalo.waitFor(user, before + expectReplies)).slice(before);
}

test('bad events are refused and write nothing', async () => {
  const follow = zalo.event('follow', 'stranger');
  // Unsigned, wrongly signed, signed with another secret.
  assert.equal((await zalo.post(server, follow, { signature: null })).status, 401);
  assert.equal((await zalo.post(server, follow, { signature: 'mac=' + '0'.repeat(64) })).status, 401);
  const body = JSON.stringify(follow);
  assert.equal((await zalo.post(server, follow, { signature: sign(body, follow.timestamp, 'not-the-secret') })).status, 401);
  // The signature covers the body: a changed body with the old signature is refused.
  const tampered = { ...follow, follower: { id: 'someone-else' } };
  assert.equal((await zalo.post(server, tampered, { signature: sign(body, follow.timestamp) })).status, 401);
  // Stale: ten minutes old.
  const stale = zalo.event('follow', 'stranger', {}, Date.now() - 600_000);
  const r1 = await zalo.post(server, stale);
  assert.equal(r1.status, 400, r1.text);
  assert.equal(r1.json.error.code, 'stale_event');
  // An event this channel does not take.
  const odd = await zalo.post(server, zalo.event('user_send_sticker', 'stranger', { message: { msg_id: 'x1' } }));
  assert.equal(odd.status, 400);
  assert.equal(odd.json.error.code, 'unknown_event');
  // A 1 MB text: over the body limit, or over the text limit when it fits.
  const huge = await zalo.post(server, zalo.text('stranger', 'a'.repeat(1 << 20)));
  assert.ok(huge.status === 413 || huge.status === 400, huge.text);
  const long = await zalo.post(server, zalo.text('stranger', 'ă'.repeat(3000)));
  assert.equal(long.status, 400);
  assert.equal(long.json.error.field, 'message.text');
  // Someone who never followed.
  const unknown = await zalo.post(server, zalo.text('stranger', 'xin chào'));
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error.code, 'unknown_follower');
  // Nothing was written: the stranger is still unknown, and nobody was answered.
  assert.equal((await zalo.post(server, zalo.text('stranger', 'xin chào'))).status, 404);
  assert.equal(zalo.to('stranger').length, 0);
  // A replayed event does nothing the second time.
  const hello = zalo.event('follow', 'replayer');
  assert.equal((await zalo.post(server, hello)).status, 200);
  await zalo.waitFor('replayer', 1);
  const again = await zalo.post(server, hello);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'replayed_event');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(zalo.to('replayer').length, 1, 'a replay is not answered');
});

test('a follower links their phone, declares for a dependant and gets the QR image', async () => {
  // The family's profiles exist on the web already (the chat declares, the web keeps records).
  const token = await citizenToken(server, PHONE);
  const people = (await server.request('GET', '/api/v1/me/people', { token })).json.people;
  const me = people.find((p) => p.is_self);
  const put = await server.request('PUT', `/api/v1/me/people/${me.id}`, { token, body: self });
  assert.equal(put.status, 200, put.text);
  assert.equal((await server.request('POST', '/api/v1/me/people', { token, body: child })).status, 201);

  const user = 'zalo-user-1';
  assert.equal((await zalo.post(server, zalo.event('follow', user))).status, 200);
  let [reply] = await zalo.waitFor(user, 1);
  assert.match(reply.body.message.text, /số điện thoại/);

  // Free text before linking gets the same useful question.
  [reply] = await say(user, 'tôi muốn khai báo');
  assert.match(reply.body.message.text, /số điện thoại/);

  const previous = server.lastOtp(E164);
  [reply] = await say(user, PHONE);
  assert.match(reply.body.message.text, /Mã xác nhận/);
  const code = await server.waitForOtp(E164, previous);
  assert.ok(code && code !== previous, 'a new code went out by SMS');

  [reply] = await say(user, '000000');
  assert.match(reply.body.message.text, /Mã chưa đúng/);
  let replies = await say(user, code, 2);
  assert.match(replies[0].body.message.text, /Đã liên kết/);
  assert.match(replies[1].body.message.text, /đồng ý/);
  const consentButtons = replies[1].body.message.attachment.payload.buttons;
  assert.deepEqual(consentButtons.map((b) => b.type), ['oa.query.hide', 'oa.query.hide']);

  // Nothing health-related before consent: a command just asks again.
  [reply] = await say(user, 'mã QR');
  assert.match(reply.body.message.text, /đồng ý/);
  [reply] = await say(user, consentButtons[0].payload);
  assert.match(reply.body.message.text, /Cảm ơn/);

  [reply] = await say(user, 'Khai báo lại');
  assert.match(reply.body.message.text, /khai báo cho ai/);
  const whom = reply.body.message.attachment.payload.buttons;
  assert.deepEqual(whom.map((b) => b.title), ['Nguyễn Văn Chat', 'Nguyễn Thị Nhỏ']);
  [reply] = await say(user, whom[1].payload);
  assert.match(reply.body.message.text, /triệu chứng/);
  [reply] = await say(user, 'trời đẹp quá');
  assert.match(reply.body.message.text, /Chưa hiểu/, 'free text gets a useful answer');

  // The conversation survives a restart.
  const db = server.db;
  await server.stop();
  server = await start(db);

  [reply] = await say(user, '0');
  assert.match(reply.body.message.text, /tiếp xúc/);
  [reply] = await say(user, '0');
  assert.match(reply.body.message.text, /Gửi tờ khai/);
  [reply] = await say(user, 'gửi');
  const message = reply.body.message;
  assert.match(message.text, /Đã nhận tờ khai/);
  const image = message.attachment.payload.elements[0];
  assert.equal(image.media_type, 'image');
  const png = await fetch(image.url);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = Buffer.from(await png.arrayBuffer());
  assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
  // A changed address is no image (the signature's first hex digit changed: replacing it with '0'
  // changed nothing one time in sixteen).
  const forged = image.url.replace(/sig=(.)/, (_, d) => `sig=${d === '0' ? '1' : '0'}`);
  assert.notEqual(forged, image.url);
  assert.equal((await fetch(forged)).status, 404, forged);

  // The declaration is the child's, as the web sees it.
  const kids = (await server.request('GET', '/api/v1/me/people', { token })).json.people;
  const kid = kids.find((p) => p.full_name === 'Nguyễn Thị Nhỏ');
  const history = await server.request('GET', `/api/v1/me/people/${kid.id}/declarations`, { token });
  assert.equal(history.status, 200, history.text);
  assert.equal(history.json.declarations.length, 1);

  [reply] = await say(user, 'lịch sử');
  assert.match(reply.body.message.text, /Nguyễn Thị Nhỏ/);
  [reply] = await say(user, 'hủy');
  assert.match(reply.body.message.text, /Đã hủy/);
  [reply] = await say(user, 'bạn là ai?');
  assert.match(reply.body.message.text, /Khai báo y tế/, 'free text gets the menu');

  // A step left for an hour starts over, and says so.
  await say(user, 'khai báo lại');
  writeFileSync(clockFile, '3600');
  zalo.state.clockOffset = 3600;
  await new Promise((r) => setTimeout(r, 250));
  replies = await say(user, '1', 2);
  assert.match(replies[0].body.message.text, /hết hạn/);
  writeFileSync(clockFile, '0');
  zalo.state.clockOffset = 0;
  await new Promise((r) => setTimeout(r, 250));
});
