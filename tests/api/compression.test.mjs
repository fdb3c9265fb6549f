// Compression for weak networks: the web app's files go brotli or gzip by the browser's
// Accept-Encoding (precompressed at build time), large JSON answers go gzip on the fly, and
// the small check-in answer, clients that accept nothing and live event streams stay plain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer, webDist, citizenToken } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

/**
 * One request through node:http, which (unlike fetch) neither adds an Accept-Encoding of its
 * own nor decodes: { status, headers, body (raw bytes) }. `stream`: resolve on the headers.
 */
function raw(method, path, { headers = {}, body, stream = false } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.base}${path}`, { method, headers }, (res) => {
      if (stream) {
        resolve({ status: res.statusCode, headers: res.headers, close: () => req.destroy() });
        return;
      }
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The app's entry script, as index.html names it: /assets/index-HASH.js. */
function appScript() {
  const m = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(webDist, 'index.html'), 'utf8'));
  assert.ok(m, 'web/dist/index.html names no script: run npm run build');
  return m[1];
}

test('the app script answers brotli, gzip or plain by Accept-Encoding, with Vary and its encoded length', async () => {
  const path = appScript();
  const plain = readFileSync(join(webDist, path));
  const br = readFileSync(join(webDist, `${path}.br`));
  const gz = readFileSync(join(webDist, `${path}.gz`));
  assert.ok(br.length < gz.length && gz.length < plain.length / 2, `${plain.length} / ${gz.length} / ${br.length}`);

  // What `curl -sI -H 'Accept-Encoding: br'` sees.
  const head = await raw('HEAD', path, { headers: { 'accept-encoding': 'br' } });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-encoding'], 'br');
  assert.equal(Number(head.headers['content-length']), br.length);
  assert.equal(head.headers.vary, 'Accept-Encoding');
  assert.equal(head.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(head.headers['content-type'], /^text\/javascript/);
  assert.equal(head.body.length, 0);

  const cases = [
    // [Accept-Encoding, coding expected]: brotli first, then gzip, q=0 refuses, "*" covers the rest.
    ['gzip, deflate, br, zstd', 'br'],
    ['br', 'br'],
    ['gzip', 'gzip'],
    ['br;q=0, gzip;q=0.5', 'gzip'],
    ['BR;Q=0.000, *', 'gzip'],
    ['*', 'br'],
    ['deflate, identity', undefined],
    ['gzip;q=0, br;q=0', undefined],
    [undefined, undefined],
  ];
  for (const [accept, coding] of cases) {
    const r = await raw('GET', path, { headers: accept === undefined ? {} : { 'accept-encoding': accept } });
    assert.equal(r.status, 200, accept);
    assert.equal(r.headers['content-encoding'], coding, accept);
    assert.equal(r.headers.vary, 'Accept-Encoding', accept);
    assert.equal(Number(r.headers['content-length']), r.body.length, accept);
    const decoded = coding === 'br' ? brotliDecompressSync(r.body) : coding === 'gzip' ? gunzipSync(r.body) : r.body;
    assert.ok(decoded.equals(plain), accept);
  }
  // The variants are encodings of the file, not files of their own.
  assert.equal((await raw('GET', `${path}.br`)).status, 404);
});

test('index.html and app routes are precompressed too, and always revalidated', async () => {
  const index = readFileSync(join(webDist, 'index.html'));
  for (const path of ['/', '/v/abc123']) {
    const r = await raw('GET', path, { headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-encoding'], 'br');
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.ok(brotliDecompressSync(r.body).equals(index), path);
  }
});

test('large JSON answers go gzip when accepted; the check-in answer stays plain', async () => {
  const plain = await raw('GET', '/api/v1/openapi.json');
  assert.equal(plain.status, 200);
  assert.ok(plain.body.length > 10000, String(plain.body.length));
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers.vary, 'Accept-Encoding');

  const packed = await raw('GET', '/api/v1/openapi.json', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(packed.headers['content-encoding'], 'gzip');
  assert.equal(packed.headers.vary, 'Accept-Encoding');
  assert.equal(Number(packed.headers['content-length']), packed.body.length);
  assert.ok(packed.body.length < plain.body.length / 4, `${packed.body.length} of ${plain.body.length}`);
  assert.ok(gunzipSync(packed.body).equals(plain.body));
  const head = await raw('HEAD', '/api/v1/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(Number(head.headers['content-length']), packed.body.length);

  // A ward list: an everyday answer above the threshold.
  const wards = await raw('GET', '/api/v1/areas/provinces/79/wards', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(wards.headers['content-encoding'], 'gzip');
  const list = JSON.parse(gunzipSync(wards.body).toString('utf8'));
  assert.ok((list.wards || list).length > 10);

  // Small answers (the check-in path's) are not worth it: no encoding, no Vary.
  const token = await citizenToken(server, '0912000201');
  const created = await server.request('POST', '/api/v1/venues', {
    token,
    body: { name: 'Nhà sách Phương Nam', kind: 'shop', province_code: '79', ward_code: (list.wards || list)[0].code, street: '9 Lê Duẩn' },
  });
  assert.equal(created.status, 201, created.text);
  const checkin = await raw('POST', '/api/v1/checkins', {
    headers: { 'accept-encoding': 'gzip, br', 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ venue_code: created.json.code }),
  });
  assert.equal(checkin.status, 201, checkin.body.toString());
  assert.equal(checkin.headers['content-encoding'], undefined);
  assert.equal(checkin.headers.vary, undefined);
  assert.ok(JSON.parse(checkin.body.toString('utf8')).visits[0].id, checkin.body.toString());
  const health = await raw('GET', '/healthz', { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(health.headers['content-encoding'], undefined);
});

test('a live event stream is never compressed', async () => {
  const token = await citizenToken(server, '0912000202');
  const s = await raw('GET', '/api/v1/me/inbox/stream', {
    headers: { 'accept-encoding': 'gzip, br', authorization: `Bearer ${token}` }, stream: true,
  });
  try {
    assert.equal(s.status, 200);
    assert.match(s.headers['content-type'], /^text\/event-stream/);
    assert.equal(s.headers['content-encoding'], undefined);
  } finally {
    s.close();
  }
});
