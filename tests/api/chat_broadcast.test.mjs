// A broadcast reaches 1,000 followers of the Zalo official account who chose the chat: outside
// their interaction window, so as the registered template by phone; the fake platform refuses
// some sends on purpose, and every follower still gets it exactly once, with the broadcast's
// figures counting the chat rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, staffToken, admin } from '../lib/server.mjs';
import { startFakeZalo } from '../lib/fake_zalo.mjs';
import { wardsOf } from '../lib/notify.mjs';

let server; let zalo;
before(async () => {
  zalo = await startFakeZalo();
  server = await startServer({
    args: [...zalo.args(), '--zalo-rate', '400', '--webhook-backoff', '1', '--broadcast-approval-threshold', '100000'],
    env: zalo.env(),
  });
});
after(async () => { await server?.stop(); await zalo?.close(); });

async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a broadcast reaches 1,000 chat followers once each, through failures', async () => {
  const [ward, otherWard] = await wardsOf(server, '79');
  const made = JSON.parse(admin(server, ['synth-chat-followers', '--province', '79', '--ward', ward, '--count', '1000']));
  assert.equal(made.followers, 1000);
  // Followers elsewhere are not in the audience.
  admin(server, ['synth-chat-followers', '--province', '79', '--ward', otherWard, '--first', '5001', '--count', '20']);
  const official = await staffToken(server, { username: 'hcm.chat', role: 'official', jurisdiction: '79' });
  zalo.state.failEvery = 9;  // every ninth send is refused (over quota), then retried
  zalo.state.failNext = 3;   // and the first three meet a platform hiccup
  const started = Date.now();
  const r = await server.request('POST', '/api/v1/broadcasts', {
    token: official,
    body: { kind: 'urgent', title: 'Thông báo khẩn', body: 'Người dân phường khai báo y tế trước 17 giờ.', audience: { wards: [ward] } },
  });
  assert.equal(r.status, 201, r.text);
  const templates = () => zalo.state.sent.filter((s) => s.kind === 'template');
  await until(() => templates().length >= 1000, 60000, '1,000 template messages');
  const seconds = (Date.now() - started) / 1000;
  await new Promise((res) => setTimeout(res, 1500));  // nothing more may come
  const phones = templates().map((s) => s.to);
  assert.equal(phones.length, 1000, 'no follower got it twice');
  assert.equal(new Set(phones).size, 1000);
  assert.ok(phones.every((p) => /^84390\d{6}$/.test(p) && Number(p.slice(5)) <= 1000), 'only the ward\'s followers');
  assert.ok(zalo.state.refused.length >= 100, `sends were refused and retried (${zalo.state.refused.length})`);
  const sent = templates()[0].body;
  assert.equal(sent.template_data.title, 'Thông báo khẩn');
  assert.match(sent.tracking_id, /^kb-delivery-\d+$/);
  const figures = async () => (await server.request('GET', `/api/v1/broadcasts/${r.json.id}`, { token: official })).json.deliveries;
  await until(async () => (await figures()).sent === 1001, 10000, 'the sent figure');
  const f = await figures();
  assert.equal(f.failed, 0);
  assert.equal(f.queued, 0);
  console.log(`# 1,000 chat followers reached in ${seconds.toFixed(1)} s with ${zalo.state.refused.length} refusals retried`);
});

test('a citizen chooses their channels', async () => {
  const { citizenToken } = await import('../lib/server.mjs');
  const token = await citizenToken(server, '0912300001');
  let r = await server.request('GET', '/api/v1/me/channels', { token });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { channels: ['sms'], chat_linked: false });
  r = await server.request('PUT', '/api/v1/me/channels', { token, body: { channels: ['chat', 'sms'] } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.channels, ['chat', 'sms']);
  r = await server.request('PUT', '/api/v1/me/channels', { token, body: { channels: ['fax'] } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'channels[0]');
  r = await server.request('PUT', '/api/v1/me/channels', { token, body: { channels: [] } });
  assert.equal(r.status, 400);
  assert.equal((await server.request('GET', '/api/v1/me/channels')).status, 401);
});
