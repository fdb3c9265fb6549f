// Abuse limits against the real binary: a session over its write limit is answered 429 with
// Retry-After (reads still pass, other sessions are not affected); behind a configured proxy
// each client address named in X-Forwarded-For has its own generous bucket, and a client
// cannot pick its own address when the proxy is not configured.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken } from '../lib/server.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

const declare = (server, token, person_id, headers = {}) => server.request('POST', '/api/v1/declarations', {
  token, headers, body: { person_id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
});

test('a session over its write limit gets 429 with Retry-After; others and reads go on', async () => {
  const server = await startServer({ args: ['--write-limit-caller', '1/3'] });
  servers.push(server);
  const a = await citizenToken(server, '0912780001');
  const b = await citizenToken(server, '0912780002');
  const self = (await server.request('GET', '/api/v1/me/people', { token: a })).json.people[0];
  const statuses = [];
  for (let i = 0; i < 5; i++) statuses.push((await declare(server, a, self.id)).status);
  const limited = statuses.indexOf(429);
  assert.ok(limited >= 3, `three writes pass first: ${statuses}`);
  const r = await declare(server, a, self.id);
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'rate_limited');
  assert.ok(Number(r.headers.get('retry-after')) >= 1);
  assert.equal((await server.request('GET', '/api/v1/me/people', { token: a })).status, 200, 'reads are not limited');
  const other = (await server.request('GET', '/api/v1/me/people', { token: b })).json.people[0];
  assert.notEqual((await declare(server, b, other.id)).status, 429, 'another session has its own bucket');
});

test('behind a trusted proxy each forwarded client has its own bucket; without one the header is ignored', async () => {
  const proxied = await startServer({ args: ['--trusted-proxy', '127.0.0.1', '--write-limit-address', '1/2', '--write-limit-caller', '0'] });
  servers.push(proxied);
  const send = (server, client) => server.request('POST', '/api/v1/auth/logout', { headers: { 'x-forwarded-for': client } });
  const first = [];
  for (let i = 0; i < 4; i++) first.push((await send(proxied, '198.51.100.7')).status);
  assert.ok(first.slice(0, 2).every((s) => s !== 429) && first.includes(429), `one address: ${first}`);
  assert.notEqual((await send(proxied, '198.51.100.8')).status, 429, 'another client behind the same proxy');
  // The client's own claim is not the address: the proxy appended the real one last.
  assert.equal((await send(proxied, '198.51.100.8, 198.51.100.7')).status, 429);

  const direct = await startServer({ args: ['--write-limit-address', '1/2', '--write-limit-caller', '0'] });
  servers.push(direct);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await send(direct, `198.51.100.${i}`)).status);
  assert.ok(!statuses.includes(429), `loopback without a proxy is a local tool: ${statuses}`);
});
