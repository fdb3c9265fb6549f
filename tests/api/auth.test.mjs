// Sign-in end to end against the real binary: phone + one-time code, staff passwords, tokens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('a citizen signs in with any common phone form and the code from the outbox', async () => {
  const r1 = await server.request('POST', '/api/v1/auth/otp', { body: { phone: '0168.123.4567' } });
  assert.equal(r1.status, 200, r1.text);
  assert.equal(r1.json.phone, '+84381234567');
  const code = await server.waitForOtp('+84381234567');
  assert.match(code, /^\d{6}$/);
  const r2 = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone: '+84 38 123 4567', code } });
  assert.equal(r2.status, 200, r2.text);
  assert.match(r2.json.token, /^kb_/);
  const me = await server.request('GET', '/api/v1/me', { token: r2.json.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.role, 'citizen');
  assert.equal(me.json.phone, '+84381234567');
  // The same code cannot be used twice.
  const again = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone: '0381234567', code } });
  assert.equal(again.status, 401);
});

test('five wrong codes lock the code; the right one no longer works', async () => {
  const phone = '0987654321';
  await server.request('POST', '/api/v1/auth/otp', { body: { phone } });
  const code = await server.waitForOtp('+84987654321');
  const wrong = code === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) {
    const r = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone, code: wrong } });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'wrong_code');
    assert.equal(r.json.error.field, 'code');
  }
  const r = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone, code } });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'too_many_attempts');
});

test('a resend within a minute is refused', async () => {
  const phone = '0909000111';
  assert.equal((await server.request('POST', '/api/v1/auth/otp', { body: { phone } })).status, 200);
  const r = await server.request('POST', '/api/v1/auth/otp', { body: { phone } });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'rate_limited');
});

test('staff sign in with a password; logout revokes the token', async () => {
  const token = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
  const me = await server.request('GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.role, 'official');
  assert.deepEqual(me.json.jurisdiction, { level: 'province', code: '79', name: 'Thành phố Hồ Chí Minh' });
  const bad = await server.request('POST', '/api/v1/auth/login', { body: { username: 'hcm.cdc', password: 'wrong password!' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.code, 'bad_credentials');
  assert.equal((await server.request('POST', '/api/v1/auth/logout', { token })).status, 204);
  assert.equal((await server.request('GET', '/api/v1/me', { token })).status, 401);
});

test('the first start prints a one-time administrator password that works once changed', async () => {
  assert.ok(server.adminPassword, 'no administrator password printed');
  const r = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: server.adminPassword } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.role, 'admin');
  assert.equal(r.json.user.must_change_password, true);
  const changed = await server.request('POST', '/api/v1/me/password', {
    token: r.json.token, body: { current_password: server.adminPassword, new_password: 'the operator chose this one' },
  });
  assert.equal(changed.status, 204, changed.text);
  const created = await server.request('POST', '/api/v1/admin/users', {
    token: r.json.token, body: { username: 'ward.official', password: 'a long enough password', role: 'official', jurisdiction: '26882' },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.json.jurisdiction.level, 'ward');
  const citizen = await citizenToken(server, '0977000111');
  const refused = await server.request('POST', '/api/v1/admin/users', {
    token: citizen, body: { username: 'sneaky', password: 'a long enough password', role: 'admin' },
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.json.error.code, 'admins_only');
});

test('asking for a code again within the limit says how long to wait, and the code sent still works', async () => {
  const phone = '0909000222';
  const first = await server.request('POST', '/api/v1/auth/otp', { body: { phone } });
  assert.equal(first.status, 200);
  const code = await server.waitForOtp(first.json.phone);
  const again = await server.request('POST', '/api/v1/auth/otp', { body: { phone } });
  assert.equal(again.status, 429);
  assert.equal(again.json.error.code, 'rate_limited');
  const wait = again.json.error.retry_after;
  assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= first.json.resend_after, `retry_after ${wait}`);
  assert.equal(again.headers.get('retry-after'), String(wait));
  assert.equal(server.lastOtp(first.json.phone), code, 'no second code was sent');
  const signedIn = await server.request('POST', '/api/v1/auth/otp/verify', { body: { phone, code } });
  assert.equal(signedIn.status, 200, signedIn.text);
});
