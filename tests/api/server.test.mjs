// The HTTP server itself: keep-alive, body limits, JSON errors for unknown paths and methods,
// the web app's files and caching headers, metrics, health, and a graceful stop on SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, webDist } from '../lib/server.mjs';

/** A raw HTTP/1.1 connection, to see what fetch hides: reuse, pipelining, closes. */
class RawConnection {
  constructor(port) {
    this.socket = net.connect(port, '127.0.0.1');
    this.buffer = Buffer.alloc(0);
    this.closed = false;
    this.waiters = [];
    this.socket.on('data', (d) => { this.buffer = Buffer.concat([this.buffer, d]); this.wake(); });
    this.socket.on('close', () => { this.closed = true; this.wake(); });
    this.socket.on('error', () => {});
    this.ready = new Promise((resolve, reject) => { this.socket.once('connect', resolve); this.socket.once('error', reject); });
  }
  wake() { const w = this.waiters; this.waiters = []; w.forEach((f) => f()); }
  /** Writes raw bytes; resolves once they are handed to the kernel. */
  send(text) { return new Promise((resolve) => this.socket.write(text, resolve)); }
  /** The next complete response: { status, headers, body }, or null when the connection closed first. */
  async response() {
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0) {
        const lines = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
        const status = Number(lines[0].split(' ')[1]);
        const headers = {};
        for (const l of lines.slice(1)) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
        }
        const length = Number(headers['content-length'] || 0);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
          this.buffer = this.buffer.subarray(end + 4 + length);
          return { status, headers, body };
        }
      }
      if (this.closed) return null;
      await new Promise((r) => this.waiters.push(r));
    }
  }
  async closedByPeer() {
    while (!this.closed) await new Promise((r) => this.waiters.push(r));
  }
  close() { this.socket.destroy(); }
}

function get(path, extra = '') {
  return `GET ${path} HTTP/1.1\r\nHost: test\r\n${extra}\r\n`;
}
function post(path, body, extra = '') {
  return `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('GET /healthz answers 200 with the database up', async () => {
  const r = await server.request('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('one connection serves many requests (keep-alive), pipelined ones in order', async () => {
  const c = new RawConnection(server.port);
  await c.ready;
  for (let i = 0; i < 3; i++) {
    await c.send(get('/healthz'));
    const r = await c.response();
    assert.equal(r.status, 200);
    assert.notEqual(r.headers.connection, 'close');
  }
  await c.send(get('/api/v1/areas/provinces') + get('/api/v1/areas/wards/26882') + get('/api/v1/nothing'));
  assert.equal((await c.response()).status, 200);
  const ward = await c.response();
  assert.equal(ward.status, 200);
  assert.equal(JSON.parse(ward.body).code, '26882');
  assert.equal((await c.response()).status, 404);
  // The connection survives a 4xx, and closes when the client asks.
  await c.send(get('/healthz', 'Connection: close\r\n'));
  const last = await c.response();
  assert.equal(last.status, 200);
  assert.equal(last.headers.connection, 'close');
  await c.closedByPeer();
});

test('bodies up to 1 MiB are read; a larger one gets 413 JSON before the body is sent', async () => {
  const limit = 1 << 20;
  const frame = (padding) => `{"phone":"0912345678","pad":"${'x'.repeat(padding)}"}`;
  const overhead = frame(0).length;
  const atLimit = await server.request('POST', '/api/v1/auth/otp', { raw: frame(limit - overhead), headers: { 'content-type': 'application/json' } });
  assert.equal(atLimit.status, 400);  // read and parsed: the unknown field is what is wrong
  assert.equal(atLimit.json.error.code, 'unknown_field');
  const over = await server.request('POST', '/api/v1/auth/otp', { raw: frame(limit - overhead + 1), headers: { 'content-type': 'application/json' } });
  assert.equal(over.status, 413);
  assert.equal(over.json.error.code, 'payload_too_large');

  // A client announcing 100 MiB is answered from the headers alone, and the connection closed.
  const c = new RawConnection(server.port);
  await c.ready;
  await c.send(`POST /api/v1/auth/otp HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${100 << 20}\r\n\r\n{"phone":`);
  const r = await c.response();
  assert.equal(r.status, 413);
  assert.equal(JSON.parse(r.body).error.code, 'payload_too_large');
  await c.closedByPeer();
  c.close();
});

test('a malformed request line gets a 400 JSON error, not a dropped connection', async () => {
  const c = new RawConnection(server.port);
  await c.ready;
  await c.send('GET /healthz HTTP/1.1\r\nHost test\r\n\r\n');
  const r = await c.response();
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).error.code, 'bad_request');
  c.close();
});

test('unknown API paths are 404 JSON, known paths with another method 405 JSON', async () => {
  for (const [method, path, status, code] of [
    ['GET', '/api/v1/nothing', 404, 'not_found'],
    ['POST', '/api/v1/nothing', 404, 'not_found'],
    ['GET', '/api/nothing', 404, 'not_found'],
    ['DELETE', '/api/v1/me', 405, 'method_not_allowed'],
    ['GET', '/api/v1/auth/login', 405, 'method_not_allowed'],
    ['POST', '/healthz', 405, 'method_not_allowed'],
    ['GET', '/assets/no-such-file.js', 404, 'not_found'],
    ['GET', '/favicon.ico', 404, 'not_found'],
  ]) {
    const r = await server.request(method, path);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.match(r.headers.get('content-type'), /^application\/json/, `${method} ${path}`);
    assert.equal(r.json.error.code, code, `${method} ${path}`);
    assert.ok(r.json.error.message);
  }
});

test('hashed assets are cached for a year; index.html and other files are revalidated', async () => {
  const assets = readdirSync(join(webDist, 'assets'));
  const js = assets.find((f) => f.endsWith('.js'));
  const css = assets.find((f) => f.endsWith('.css'));
  assert.ok(js && css, 'web/dist has no built assets: run npm run build');
  for (const [file, type] of [[js, /^text\/javascript/], [css, /^text\/css/]]) {
    const r = await fetch(`${server.base}/assets/${file}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), type);
    assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await r.text(), readFileSync(join(webDist, 'assets', file), 'utf8'));
  }
  const index = readFileSync(join(webDist, 'index.html'), 'utf8');
  for (const path of ['/', '/index.html']) {
    const r = await fetch(server.base + path);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
    assert.equal(await r.text(), index);
  }
  const icon = await fetch(`${server.base}/favicon.svg`);
  assert.equal(icon.status, 200);
  assert.match(icon.headers.get('content-type'), /^image\/svg\+xml/);
  assert.equal(icon.headers.get('cache-control'), 'no-cache');
  // HEAD: the same headers, no body (plain here; encodings: compression.test.mjs).
  const head = await fetch(`${server.base}/assets/${js}`, { method: 'HEAD', headers: { 'accept-encoding': 'identity' } });
  assert.equal(head.status, 200);
  assert.equal(Number(head.headers.get('content-length')), readFileSync(join(webDist, 'assets', js)).length);
  assert.equal(await head.text(), '');
});

test('app routes without a file extension get the single page (SPA fallback)', async () => {
  const index = readFileSync(join(webDist, 'index.html'), 'utf8');
  for (const path of ['/login', '/staff-login', '/v/abc123', '/some/deep/app/route']) {
    const r = await fetch(server.base + path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /^text\/html/, path);
    assert.equal(r.headers.get('cache-control'), 'no-cache', path);
    assert.equal(await r.text(), index, path);
  }
  // Not for API paths, files that do not exist, or other methods.
  assert.equal((await fetch(`${server.base}/api/v1/login`)).status, 404);
  assert.equal((await fetch(`${server.base}/missing.png`)).status, 404);
  assert.equal((await fetch(`${server.base}/login`, { method: 'POST' })).status, 404);
});

/** The value of a Prometheus sample line with exactly these labels, or 0. */
function sample(metrics, name, labels) {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.lastIndexOf('}'));
    const have = inside.split(',').filter(Boolean);
    if (have.length === want.length && want.every((w) => have.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

test('/metrics counts requests and their latency by route pattern, method and status class', async () => {
  const m0 = (await server.request('GET', '/metrics')).text;
  const ward = { method: 'GET', route: '/api/v1/areas/wards/{code}' };
  const before2xx = sample(m0, 'khaibao_http_requests_total', { ...ward, status: '2xx' });
  const before4xx = sample(m0, 'khaibao_http_requests_total', { ...ward, status: '4xx' });
  const beforeCount = sample(m0, 'khaibao_http_request_duration_seconds_count', ward);
  const beforeUnmatched = sample(m0, 'khaibao_http_requests_total', { method: 'ANY', route: 'unmatched', status: '4xx' });
  for (const code of ['26882', '00004', '00001']) await server.request('GET', `/api/v1/areas/wards/${code}`);
  await server.request('GET', '/api/v1/not-a-route');

  const r = await server.request('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  const m = r.text;
  assert.match(m, /# TYPE khaibao_http_requests_total counter/);
  assert.match(m, /# TYPE khaibao_http_request_duration_seconds histogram/);
  assert.equal(sample(m, 'khaibao_http_requests_total', { ...ward, status: '2xx' }), before2xx + 2);
  assert.equal(sample(m, 'khaibao_http_requests_total', { ...ward, status: '4xx' }), before4xx + 1);
  assert.equal(sample(m, 'khaibao_http_request_duration_seconds_count', ward), beforeCount + 3);
  assert.ok(sample(m, 'khaibao_http_request_duration_seconds_bucket', { ...ward, le: '+Inf' }) >= 3);
  assert.equal(sample(m, 'khaibao_http_requests_total', { method: 'ANY', route: 'unmatched', status: '4xx' }), beforeUnmatched + 1);
  // Every route has its series, so dashboards see zeros rather than gaps; raw paths never appear.
  assert.ok(sample(m, 'khaibao_http_requests_total', { method: 'GET', route: '/healthz', status: '2xx' }) >= 1);
  assert.match(m, /khaibao_http_requests_total\{[^}]*route="\/api\/v1\/admin\/users"/);
  assert.doesNotMatch(m, /route="\/api\/v1\/areas\/wards\/26882"/);
});

test('SIGTERM: requests already sent all get complete answers, then the process exits 0', async () => {
  const s = await startServer({ args: ['--threads', '4'] });
  let stopped = false;
  try {
    const login = JSON.stringify({ username: 'admin', password: s.adminPassword });
    // Open the connections first (each answers once, so the server has accepted it), then send
    // a slow request on each: a password check (argon2id) takes tens of milliseconds of CPU.
    const n = 16;
    const conns = [];
    for (let i = 0; i < n; i++) {
      const c = new RawConnection(s.port);
      await c.ready;
      await c.send(get('/healthz'));
      assert.equal((await c.response()).status, 200);
      conns.push(c);
    }
    await Promise.all(conns.map((c) => c.send(post('/api/v1/auth/login', login))));
    await new Promise((r) => setTimeout(r, 20));
    const signalledAt = Date.now();
    s.proc.kill('SIGTERM');
    const answers = await Promise.all(conns.map((c) => c.response()));
    for (const [i, a] of answers.entries()) {
      assert.ok(a, `request ${i} got no answer`);
      assert.equal(a.status, 200, `request ${i}: ${a.body}`);
      assert.match(JSON.parse(a.body).token, /^kb_/);
    }
    // The test means something only if some were still being handled at the signal: those
    // answers were produced while draining, so they announce the connection's end.
    const drained = answers.filter((a) => a.headers.connection === 'close').length;
    assert.ok(drained > 0, 'every request finished before the signal: make them slower');
    // Then every connection is closed by the server.
    await Promise.all(conns.map((c) => c.closedByPeer()));
    const exit = await s.exited;
    stopped = true;
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.ok(Date.now() - signalledAt < 10000, 'stopped within the grace period');
    // A new connection is refused once stopped.
    await assert.rejects(fetch(`${s.base}/healthz`));
  } finally {
    if (!stopped) await s.kill9();
    await s.stop();
  }
});

test('SIGTERM: requests that arrive as the stop begins are answered too, and nothing crashes', async () => {
  // Many connections, each sending a fast request just before the signal: some are read before
  // the drain starts, some after. A stop that cancels a connection whose request already
  // arrived loses it; one that touches a finished connection crashes.
  for (let round = 0; round < 6; round++) {
    const s = await startServer({ args: ['--threads', '4'] });
    const conns = [];
    for (let i = 0; i < 48; i++) {
      const c = new RawConnection(s.port);
      await c.ready;
      conns.push(c);
    }
    await new Promise((r) => setTimeout(r, 50));  // accepted: the server waits for their requests
    await Promise.all(conns.map((c) => c.send(get('/api/v1/areas/provinces/79/wards'))));
    s.proc.kill('SIGTERM');
    const answers = await Promise.all(conns.map((c) => c.response()));
    const exit = await s.exited;
    const lost = answers.filter((a) => a?.status !== 200).length;
    await s.stop();
    assert.equal(lost, 0, `round ${round}: ${lost} of ${conns.length} requests sent before SIGTERM got no answer`);
    assert.deepEqual(exit, { code: 0, signal: null }, `round ${round}:\n${s.stdout().slice(-500)}`);
  }
});

test('SIGTERM with idle keep-alive connections open stops at once', async () => {
  const s = await startServer();
  const idle = new RawConnection(s.port);
  await idle.ready;
  await idle.send(get('/healthz'));
  assert.equal((await idle.response()).status, 200);
  const t0 = Date.now();
  s.proc.kill('SIGTERM');
  await idle.closedByPeer();
  const exit = await s.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  await s.stop();
});

test('SIGTERM with --drain-seconds: /healthz fails at once while requests are still served, then the process exits 0', async () => {
  const s = await startServer({ args: ['--drain-seconds', '2'] });
  const t0 = Date.now();
  s.proc.kill('SIGTERM');
  // A load balancer's health check sees the node going before the node stops accepting.
  for (;;) {
    const r = await s.request('GET', '/healthz');
    if (r.status === 503) { assert.equal(r.json.status, 'draining'); break; }
    assert.ok(Date.now() - t0 < 1000, 'still healthy 1 s after SIGTERM');
  }
  const served = await s.request('GET', '/api/v1/openapi.json');
  assert.equal(served.status, 200);
  const exit = await s.exited;
  assert.deepEqual(exit, { code: 0, signal: null });
  const took = Date.now() - t0;
  assert.ok(took >= 1900 && took < 6000, `stopped after ${took} ms`);
  await s.stop();
});
