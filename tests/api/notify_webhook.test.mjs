// Outside delivery through an HTTP webhook: a local receiver that fails the first attempts
// proves every message arrives exactly once by its idempotency id — after retries, after a
// `kill -9` of the server with deliveries pending, with dead-lettering and recall.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, staffToken } from '../lib/server.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

/** A webhook receiver: fails the first `failFirst` attempts of each id, dedupes, counts. */
function receiver() {
  const r = {
    failFirst: 2,
    down: false,             // answer 503 to everything
    attempts: new Map(),     // id → attempts seen
    delivered: new Map(),    // id → accepted body (first success)
    acceptedTimes: new Map(),// id → how many 2xx answers it gave (repeats after a crash are fine)
    alwaysFail: (body) => body.title?.includes('[fail]'),
  };
  r.server = http.createServer((req, res) => {
    let data = '';
    req.on('data', (d) => { data += d; });
    req.on('end', () => {
      const body = JSON.parse(data);
      assert.equal(req.headers['idempotency-key'], body.id);
      const n = (r.attempts.get(body.id) || 0) + 1;
      r.attempts.set(body.id, n);
      if (r.down || n <= r.failFirst || r.alwaysFail(body)) { res.writeHead(503); res.end('try later'); return; }
      if (!r.delivered.has(body.id)) r.delivered.set(body.id, body);
      r.acceptedTimes.set(body.id, (r.acceptedTimes.get(body.id) || 0) + 1);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  return new Promise((resolve) => r.server.listen(0, '127.0.0.1', () => { r.url = `http://127.0.0.1:${r.server.address().port}/hook`; resolve(r); }));
}

async function until(pred, ms, what) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

let hook;
before(async () => { hook = await receiver(); });
after(async () => { hook.server.close(); });

// With a webhook, sign-in codes go out through it too (the urgent lane): a test citizen's code is
// read from what the receiver accepted, once its retries are through.
function codesFromHook(server) {
  server.lastOtp = async (phone) => {
    let found;
    await until(() => {
      const sent = [...hook.delivered.values()].filter((b) => b.channel === 'sms' && b.to === phone);
      found = sent.map((b) => /\b(\d{6})\b/.exec(b.body)).filter(Boolean).at(-1);
      return Boolean(found);
    }, 15000, `the sign-in code for ${phone}`);
    return found[1];
  };
  return server;
}

const args = () => ['--webhook-url', hook.url, '--webhook-backoff', '1', '--webhook-max-attempts', '4'];
const msg = (title, wards) => ({ kind: 'urgent', title, body: 'Nội dung', audience: { wards } });

test('every message arrives exactly once by id, after retries and after a kill -9 mid-queue', async () => {
  let server = codesFromHook(await startServer({ args: args(), keepDataDir: true }));
  const wards = await wardsOf(server, '79');
  const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
  const citizen = await citizenAt(server, '0912200001', '79', wards[0]);

  // Round 1: the receiver fails the first two attempts of each id.
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const r = await server.request('POST', '/api/v1/broadcasts', { token: official, body: msg(`Đợt 1 tin ${i}`, [wards[0]]) });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.deliveries.queued, 1);
    ids.push(r.json.id);
  }
  const personal = await server.request('POST', '/api/v1/messages', { token: official, body: { person_ids: [citizen.personId], kind: 'tracing', title: 'Tin riêng', body: 'F1' } });
  assert.equal(personal.status, 201, personal.text);
  await until(() => hook.delivered.size === 6, 20000, 'round 1 deliveries (and the sign-in code)');
  const sms = [...hook.delivered.values()].find((b) => b.channel === 'sms' && b.kind === 'tracing');
  assert.equal(sms.to, citizen.phone);
  assert.equal(sms.kind, 'tracing');
  const bc = [...hook.delivered.values()].find((b) => b.message_id === ids[0]);
  assert.equal(bc.channel, 'broadcast');
  assert.deepEqual(bc.audience.wards, [wards[0]]);
  for (const [id, n] of hook.attempts) assert.equal(n, 3, `${id}: two refusals, then accepted once`);
  await until(async () => (await server.request('GET', `/api/v1/broadcasts/${ids[3]}`, { token: official })).json.deliveries.sent === 1, 5000, 'sent figure');
  const figures = (await server.request('GET', `/api/v1/broadcasts/${ids[0]}`, { token: official })).json.deliveries;
  assert.deepEqual(figures, { queued: 0, sent: 1, failed: 0, cancelled: 0 });

  // Round 2: the receiver is down; the server dies with everything pending; it comes back.
  hook.down = true;
  const before = hook.delivered.size;
  const round2 = [];
  for (let i = 0; i < 5; i++) {
    const r = await server.request('POST', '/api/v1/broadcasts', { token: official, body: msg(`Đợt 2 tin ${i}`, [wards[0]]) });
    round2.push(r.json.id);
  }
  await until(() => [...hook.attempts.values()].length >= before + 5, 10000, 'first attempts of round 2');
  await server.kill9();
  hook.down = false;
  hook.failFirst = 0;
  server = await startServer({ args: args(), db: server.db, dataDir: server.dataDir });
  await until(() => hook.delivered.size === before + 5, 20000, 'round 2 after the restart');
  const round2Ids = [...hook.delivered.values()].filter((b) => round2.includes(b.message_id)).map((b) => b.message_id).sort((a, b) => a - b);
  assert.deepEqual(round2Ids, [...round2].sort((a, b) => a - b), 'each message once');
  assert.equal(new Set([...hook.delivered.values()].map((b) => b.message_id)).size, hook.delivered.size);
  await server.stop();
});

test('a delivery that keeps failing is dead-lettered; a recall stops pending deliveries', async () => {
  hook.failFirst = 0;
  hook.attempts.clear(); // delivery ids are per database: this test has a fresh one
  hook.delivered.clear();
  const server = await startServer({ args: args() });
  const wards = await wardsOf(server, '79');
  const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
  const dead = await server.request('POST', '/api/v1/broadcasts', { token: official, body: msg('[fail] mãi không tới', [wards[1]]) });
  // Four attempts 1 s, 2 s, 4 s apart, then the dead-letter state.
  await until(async () => (await server.request('GET', `/api/v1/broadcasts/${dead.json.id}`, { token: official })).json.deliveries.failed === 1, 15000, 'dead letter');
  const attempts = hook.attempts.size;
  assert.equal(attempts, 1);
  assert.equal([...hook.attempts.values()][0], 4, 'max attempts');

  const pending = await server.request('POST', '/api/v1/broadcasts', { token: official, body: msg('[fail] sẽ thu hồi', [wards[1]]) });
  await until(() => [...hook.attempts.keys()].length > attempts, 5000, 'a first attempt');
  const recalled = await server.request('POST', `/api/v1/broadcasts/${pending.json.id}/recall`, { token: official, body: { reason: 'sai nội dung' } });
  assert.equal(recalled.status, 200, recalled.text);
  assert.deepEqual(recalled.json.deliveries, { queued: 0, sent: 0, failed: 0, cancelled: 1 });
  const id = [...hook.attempts.keys()].at(-1);
  const seen = hook.attempts.get(id);
  await new Promise((res) => setTimeout(res, 2500));
  assert.equal(hook.attempts.get(id), seen, 'no attempt after the recall');
  await server.stop();
});
