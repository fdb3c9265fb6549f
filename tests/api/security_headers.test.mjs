// Security headers on every response: an API answer, an error, a page, a static asset, the
// refusal of a malformed request. HSTS only when the server is reached by https.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { startServer, webDist } from '../lib/server.mjs';

// The inline scripts of the built index.html run, and no others: their hashes are listed.
const inlineScripts = [...readFileSync(join(webDist, 'index.html'), 'utf8')
  .matchAll(/<script(?![^>]* src=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const scriptSrc = ["'self'", ...inlineScripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`)];
const CSP = `default-src 'self'; script-src ${scriptSrc.join(' ')}; style-src 'self'; img-src 'self' data: blob:; `
  + "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

/** Headers as a lower-cased object, from a fetch Response or a raw response's header lines. */
function assertSecure(headers, what, { hsts = false } = {}) {
  const get = (name) => (headers instanceof Headers ? headers.get(name) : headers[name]) ?? null;
  assert.equal(get('content-security-policy'), CSP, what);
  assert.equal(get('x-content-type-options'), 'nosniff', what);
  assert.equal(get('referrer-policy'), 'no-referrer', what);
  assert.equal(get('strict-transport-security'), hsts ? 'max-age=31536000' : null, what);
}

/** Sends raw bytes and reads the answer until the server closes the connection. */
function rawExchange(port, bytes) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let data = Buffer.alloc(0);
    socket.on('data', (d) => { data = Buffer.concat([data, d]); });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head] = data.toString('latin1').split('\r\n\r\n');
      const lines = head.split('\r\n');
      const headers = {};
      for (const l of lines.slice(1)) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      resolve({ status: Number(lines[0].split(' ')[1]), headers });
    });
  });
}

test('API answers, errors, pages and static assets carry the security headers', async () => {
  const api = await fetch(`${server.base}/api/v1/areas/provinces`);
  assert.equal(api.status, 200);
  assertSecure(api.headers, 'API answer');
  const missing = await fetch(`${server.base}/api/v1/nothing`);
  assert.equal(missing.status, 404);
  assertSecure(missing.headers, 'API error');
  const page = await fetch(`${server.base}/login`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assertSecure(page.headers, 'page');
  const js = readdirSync(join(webDist, 'assets')).find((f) => f.endsWith('.js'));
  const asset = await fetch(`${server.base}/assets/${js}`);
  assert.equal(asset.status, 200);
  assertSecure(asset.headers, 'static asset');
  const head = await fetch(`${server.base}/healthz`, { method: 'HEAD' });
  assertSecure(head.headers, 'HEAD');
});

test('a malformed request is refused with the security headers too', async () => {
  const r = await rawExchange(server.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n');
  assert.equal(r.status, 400);
  assertSecure(r.headers, 'refusal');
});

test('HSTS is sent when the public URL is https', async () => {
  const tls = await startServer({ args: ['--public-url', 'https://khaibao.example.vn'] });
  try {
    const r = await fetch(`${tls.base}/healthz`);
    assertSecure(r.headers, 'https deployment', { hsts: true });
    const page = await fetch(`${tls.base}/`);
    assertSecure(page.headers, 'https deployment page', { hsts: true });
  } finally {
    await tls.stop();
  }
});
