// A fake Zalo Official Account platform for the API tests (docs/ZALO.md): it signs events as
// Zalo does (X-ZEvent-Signature: mac=sha256(app_id + body + timestamp + OA secret)) and posts
// them to our webhook, and it takes our sends (customer-service messages, template messages,
// token refreshes) holding us to the platform's rules: a customer-service message only within
// 48 hours of the user's last message and 8 messages at most, a template message only for a
// registered template, the access token we were given, a rate per second. It can be told to
// fail sends on purpose.
import http from 'node:http';
import { createHash } from 'node:crypto';

export const APP_ID = '1234567890123456789';
export const OA_ID = '9876543210987654321';
export const OA_SECRET = 'oa-secret-for-tests';
export const APP_SECRET = 'app-secret-for-tests';
export const TEMPLATE_ID = '245001';

export function sign(body, timestamp, secret = OA_SECRET, appId = APP_ID) {
  return 'mac=' + createHash('sha256').update(appId + body + timestamp + secret).digest('hex');
}

export async function startFakeZalo({ accessToken = 'token-1', refreshToken = 'refresh-1', perSecond = 1000 } = {}) {
  const state = {
    accessToken, refreshToken,
    sent: [],          // every accepted send: { kind: 'cs'|'template', to, body }
    refused: [],       // every refused send, with why
    failNext: 0,       // refuse this many sends with HTTP 500 (a platform hiccup)
    failEvery: 0,      // refuse every Nth send with error -32 (over quota)
    lastUserMessage: new Map(),  // user id → { at, replies }
    seen: 0,
    window: { seconds: 48 * 3600, messages: 8 },
    clockOffset: 0,    // seconds, like the server's test clock
  };
  const now = () => Date.now() / 1000 + state.clockOffset;
  let second = 0; let used = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const answer = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
      const refuse = (why, error = -1) => { state.refused.push({ path: req.url, why, body }); answer(200, { error, message: why }); };
      if (req.url === '/v4/oa/access_token') {
        const form = new URLSearchParams(body);
        if (req.headers.secret_key !== APP_SECRET || form.get('app_id') !== APP_ID || form.get('refresh_token') !== state.refreshToken) {
          return answer(200, { error: -14014, message: 'invalid refresh token' });
        }
        state.accessToken = `token-${Date.now()}`;
        state.refreshToken = `refresh-${Date.now()}`;  // single use
        return answer(200, { access_token: state.accessToken, refresh_token: state.refreshToken, expires_in: '90000' });
      }
      state.seen += 1;
      if (state.failNext > 0) { state.failNext -= 1; state.refused.push({ path: req.url, why: 'hiccup', body }); res.writeHead(500); return res.end('oops'); }
      if (req.headers.access_token !== state.accessToken) return refuse('bad access token', -216);
      const sec = Math.floor(Date.now() / 1000);
      if (sec !== second) { second = sec; used = 0; }
      if (++used > perSecond) return refuse('over rate', -32);
      if (state.failEvery && state.seen % state.failEvery === 0) return refuse('over quota (on purpose)', -32);
      let msg;
      try { msg = JSON.parse(body); } catch { return refuse('not json', -201); }
      if (req.url === '/v3.0/oa/message/cs') {
        const to = msg?.recipient?.user_id;
        const w = state.lastUserMessage.get(to);
        if (!w || now() - w.at >= state.window.seconds) return refuse('outside the interaction window', -230);
        if (w.replies >= state.window.messages) return refuse('window message quota used', -230);
        const buttons = msg?.message?.attachment?.payload?.buttons;
        if (buttons && buttons.length > 5) return refuse('more than 5 buttons', -201);
        w.replies += 1;
        state.sent.push({ kind: 'cs', to, body: msg });
        return answer(200, { error: 0, message: 'Success', data: { message_id: `m${state.sent.length}`, user_id: to } });
      }
      if (req.url === '/message/template') {
        if (msg.template_id !== TEMPLATE_ID) return refuse('template not registered', -124);
        if (!/^84\d{9}$/.test(msg.phone || '')) return refuse('bad phone', -108);
        state.sent.push({ kind: 'template', to: msg.phone, body: msg });
        return answer(200, { error: 0, message: 'Success', data: { msg_id: `z${state.sent.length}` } });
      }
      answer(404, { error: -1, message: 'no such API' });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  let counter = 0;
  const fake = {
    url, state,
    /** Server flags that connect khaibao to this platform. */
    args() {
      return ['--zalo-app-id', APP_ID, '--zalo-oa-id', OA_ID, '--zalo-api-url', url,
        '--zalo-access-token', state.accessToken, '--zalo-refresh-token', state.refreshToken,
        '--zalo-notice-template', TEMPLATE_ID];
    },
    env() { return { KB_ZALO_OA_SECRET: OA_SECRET, KB_ZALO_APP_SECRET: APP_SECRET }; },
    /** An event as Zalo shapes it. */
    event(name, userId, extra = {}, at = Date.now() + state.clockOffset * 1000) {
      const base = { app_id: APP_ID, user_id_by_app: `app-${userId}`, event_name: name, timestamp: String(Math.floor(at)) };
      if (name === 'follow' || name === 'unfollow') {
        return { ...base, oa_id: OA_ID, source: 'testing', follower: { id: userId }, ...extra };
      }
      return { ...base, sender: { id: userId }, recipient: { id: OA_ID }, ...extra };
    },
    text(userId, text) {
      counter += 1;
      return fake.event('user_send_text', userId, { message: { msg_id: `msg-${Date.now()}-${counter}`, text } });
    },
    /** Posts an event to our webhook, signed (or as `signature` says); the user's window opens. */
    async post(server, event, { signature, raw } = {}) {
      const body = raw ?? JSON.stringify(event);
      const headers = { 'content-type': 'application/json' };
      const sig = signature === undefined ? sign(body, event.timestamp) : signature;
      if (sig !== null) headers['X-ZEvent-Signature'] = sig;
      if (event.event_name?.startsWith('user_send') || event.event_name === 'follow') {
        const id = event.sender?.id ?? event.follower?.id;
        state.lastUserMessage.set(id, { at: Number(event.timestamp) / 1000, replies: 0 });
      }
      const r = await fetch(server.base + '/api/v1/chat/zalo/events', { method: 'POST', headers, body });
      const text = await r.text();
      let json; try { json = JSON.parse(text); } catch { json = undefined; }
      return { status: r.status, json, text };
    },
    /** The messages sent to a user so far. */
    to(userId) { return state.sent.filter((s) => s.to === userId); },
    async waitFor(userId, count, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      while (fake.to(userId).length < count) {
        if (Date.now() > deadline) throw new Error(`${userId}: ${fake.to(userId).length} of ${count} messages; refused: ${JSON.stringify(state.refused.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return fake.to(userId);
    },
    close() { return new Promise((r) => server.close(r)); },
  };
  return fake;
}
