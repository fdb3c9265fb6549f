// Accounts beyond the happy path: one-time code throttles and expiry, tokens that are not ours,
// secrets kept hashed at rest, password lockout, and the admin CLI's refusals.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, admin, adminToken, citizenToken, staffToken, dbKind, ADMIN_PASSWORD } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const otp = (s, phone) => s.request('POST', '/api/v1/auth/otp', { body: { phone } });
const verify = (s, phone, code) => s.request('POST', '/api/v1/auth/otp/verify', { body: { phone, code } });
const users = (s) => JSON.parse(admin(s, ['stats'])).users;

// Each [what, args, message]: the admin command fails, with a non-zero exit and `message` on stderr.
function adminRefuses(cases) {
  for (const [what, args, message] of cases) {
    let failed;
    try {
      admin(server, args);
    } catch (e) {
      failed = e;
    }
    assert.ok(failed, `${what}: accepted`);
    assert.notEqual(failed.status, 0, what);
    assert.match(failed.stderr, message, `${what}: ${failed.stderr}`);
  }
}

test('codes per client IP are limited (--otp-ip-limit), whatever the phone', async () => {
  const s = await startServer({ args: ['--otp-ip-limit', '3'] });
  try {
    for (const phone of ['0912000001', '0912000002', '0912000003']) {
      const r = await otp(s, phone);
      assert.equal(r.status, 200, r.text);
    }
    const sent = s.outbox().length;
    const r = await otp(s, '0912000004');
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'rate_limited');
    assert.equal(s.outbox().length, sent, 'no SMS for a refused request');
    assert.equal(s.lastOtp('+84912000004'), undefined);
  } finally {
    await s.stop();
  }
});

test('codes per phone are limited per hour even when resends are allowed at once', async () => {
  const s = await startServer({ args: ['--otp-resend-after', '0'] });
  try {
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const r = await otp(s, '0933000111');
      assert.equal(r.status, 200, `send ${i + 1}: ${r.text}`);
      assert.equal(r.json.resend_after, 0);
      codes.push(s.lastOtp('+84933000111'));
    }
    const r = await otp(s, '+84 933 000 111');  // the same phone in another form
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'rate_limited');
    // Only the newest code works: a new code replaces the one before.
    const older = codes[3];
    const newest = codes[4];
    if (older !== newest) {
      const stale = await verify(s, '0933000111', older);
      assert.equal(stale.status, 401);
      assert.equal(stale.json.error.code, 'wrong_code');
    }
    assert.equal((await verify(s, '0933000111', newest)).status, 200);
  } finally {
    await s.stop();
  }
});

test('a code is refused once it expires (--otp-ttl)', async () => {
  const s = await startServer({ args: ['--otp-ttl', '1'] });
  try {
    const sent = await otp(s, '0944000111');
    assert.equal(sent.status, 200);
    assert.equal(sent.json.expires_in, 1);
    const code = await s.waitForOtp('+84944000111');
    await new Promise((r) => setTimeout(r, 2100));
    const r = await verify(s, '0944000111', code);
    assert.equal(r.status, 410);
    assert.equal(r.json.error.code, 'code_expired');
    assert.equal(r.json.error.field, 'code');
    assert.equal(users(s), 1, 'no citizen account was created (only the first administrator exists)');
  } finally {
    await s.stop();
  }
});

test('the SMS says how long the code lasts: 5 minutes by default', async () => {
  const r = await otp(server, '0955000111');
  assert.equal(r.status, 200);
  assert.equal(r.json.expires_in, 300);
  assert.equal(r.json.resend_after, 60);
  await server.waitForOtp('+84955000111');
  const msg = server.outbox().filter((m) => m.to === '+84955000111').pop();
  assert.equal(msg.channel, 'sms');
  assert.match(msg.text, /\b\d{6}\b/);
  assert.match(msg.text, /5 phut/);
  assert.match(msg.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
});

test('every form of one phone number reaches the same citizen account', async () => {
  const s = await startServer({ args: ['--otp-resend-after', '0'] });
  try {
    const ids = new Set();
    for (const form of ['0966 123 456', '+84966123456', '84966123456', '0966.123.456']) {
      const token = await citizenToken(s, form);
      const me = await s.request('GET', '/api/v1/me', { token });
      assert.equal(me.json.phone, '+84966123456');
      ids.add(me.json.id);
    }
    assert.equal(ids.size, 1);
  } finally {
    await s.stop();
  }
});

test('tokens that are not ours, or are damaged, are refused with 401', async () => {
  const good = await citizenToken(server, '0977123456');
  assert.equal((await server.request('GET', '/api/v1/me', { token: good })).status, 200);
  const flip = (t, i) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  for (const [what, header] of [
    ['an unknown kind of token', `Bearer ${good.replace(/^kb_/, 'xx_')}`],
    ['a token without its prefix', `Bearer ${good.slice(3)}`],
    ['a truncated token', `Bearer ${good.slice(0, -1)}`],
    ['one character changed', `Bearer ${flip(good, good.length - 5)}`],
    ['a token with more appended', `Bearer ${good}x`],
    ['a very long token', `Bearer ${good}${'a'.repeat(2000)}`],
    ['an empty bearer', 'Bearer '],
    ['another scheme', `Token ${good}`],
    ['the token alone', good],
  ]) {
    const r = await server.request('GET', '/api/v1/me', { headers: { authorization: header } });
    assert.equal(r.status, 401, what);
    assert.equal(r.json.error.code, 'unauthenticated', what);
  }
});

test('logout revokes only that token; other sessions of the account continue', async () => {
  const a = await staffToken(server, { username: 'two.sessions', role: 'official', jurisdiction: '01' });
  const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'two.sessions', password: 'correct horse battery 9' } });
  const b = login.json.token;
  assert.notEqual(a, b);
  assert.equal((await server.request('POST', '/api/v1/auth/logout', { token: a })).status, 204);
  assert.equal((await server.request('GET', '/api/v1/me', { token: a })).status, 401);
  assert.equal((await server.request('GET', '/api/v1/me', { token: b })).status, 200);
  assert.ok(Date.parse(login.json.expires_at) > Date.now(), 'sessions expire in the future');
  assert.ok(Date.parse(login.json.expires_at) <= Date.now() + 13 * 3600 * 1000, 'staff sessions last at most half a day');
});

test('ten wrong passwords lock the account for a while, even for the right password', async () => {
  await staffToken(server, { username: 'locked.out', role: 'official', jurisdiction: '79' });
  for (let i = 0; i < 10; i++) {
    const r = await server.request('POST', '/api/v1/auth/login', { body: { username: 'locked.out', password: `wrong password ${i}` } });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
  }
  const r = await server.request('POST', '/api/v1/auth/login', { body: { username: 'locked.out', password: 'correct horse battery 9' } });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'rate_limited');
  const wait = Number(r.headers.get('retry-after'));
  assert.ok(wait > 840 && wait <= 900, `the first lock lasts 15 minutes: ${wait}`);
});

test('a second lock within a day lasts twice as long as the first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-clock-'));
  const clock = join(dir, 'offset');
  writeFileSync(clock, '0');
  const s = await startServer({ args: ['--clock-offset-file', clock] });
  try {
    await staffToken(s, { username: 'guessed.at', role: 'official', jurisdiction: '79' });
    const tenWrong = async () => {
      for (let i = 0; i < 10; i++) {
        const w = await s.request('POST', '/api/v1/auth/login', { body: { username: 'guessed.at', password: `guess ${i}` } });
        assert.equal(w.status, 401, `attempt ${i + 1}`);
      }
      const r = await s.request('POST', '/api/v1/auth/login', { body: { username: 'guessed.at', password: 'correct horse battery 9' } });
      assert.equal(r.status, 429);
      return Number(r.headers.get('retry-after'));
    };
    const first = await tenWrong();
    assert.ok(first > 840 && first <= 900, `first lock ${first}`);
    writeFileSync(clock, '901');
    await new Promise((r) => setTimeout(r, 250));  // the server re-reads the offset every 100 ms
    const second = await tenWrong();
    assert.ok(second > 1740 && second <= 1800, `second lock ${second}`);
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the one-time administrator password must be changed, then only the new one works', async () => {
  const s = await startServer();
  try {
    const first = await s.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: s.adminPassword } });
    assert.equal(first.json.user.must_change_password, true);
    const changed = await s.request('POST', '/api/v1/me/password', {
      token: first.json.token, body: { current_password: s.adminPassword, new_password: 'the operator chose this one' },
    });
    assert.equal(changed.status, 204, changed.text);
    const me = await s.request('GET', '/api/v1/me', { token: first.json.token });
    assert.equal(me.json.must_change_password, false);
    assert.equal((await s.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: s.adminPassword } })).status, 401);
    assert.equal((await s.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'the operator chose this one' } })).status, 200);
  } finally {
    await s.stop();
  }
});

test('tokens and passwords are stored only as hashes (SQLite file)', { skip: dbKind() !== 'sqlite' && 'reads the SQLite file' }, async () => {
  const token = await citizenToken(server, '0988123456');
  const staff = await staffToken(server, { username: 'hash.check', role: 'official', jurisdiction: '79', password: 'plain text never stored' });
  const files = ['khaibao.db', 'khaibao.db-wal'].map((f) => join(server.dataDir, f)).filter(existsSync);
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  for (const secret of [token, staff, token.slice(3), 'plain text never stored']) {
    assert.equal(bytes.indexOf(secret), -1, `found in clear: ${secret.slice(0, 12)}…`);
  }
  assert.notEqual(bytes.indexOf('$argon2id$'), -1, 'passwords are argon2id hashes');
});

test('admin user add refuses bad input, writes nothing, and says why', async () => {
  const pw = join(server.dataDir, 'pw-good');
  writeFileSync(pw, 'a long enough password\n', { mode: 0o600 });
  const weak = join(server.dataDir, 'pw-weak');
  writeFileSync(weak, 'short\n', { mode: 0o600 });
  const before = users(server);
  const base = ['user', 'add', '--username', 'cli.user', '--password-file', pw];
  adminRefuses([
    ['a weak password', ['user', 'add', '--username', 'cli.user', '--role', 'official', '--jurisdiction', '79', '--password-file', weak], /at least 10 characters/],
    ['an unknown role', [...base, '--role', 'superuser', '--jurisdiction', '79'], /role/],
    ['the citizen role', [...base, '--role', 'citizen'], /role|phone/],
    ['an unknown jurisdiction', [...base, '--role', 'official', '--jurisdiction', '99'], /jurisdiction/],
    ['a jurisdiction that is not a code', [...base, '--role', 'official', '--jurisdiction', 'Hà Nội'], /jurisdiction/],
    ['an official without a jurisdiction', [...base, '--role', 'official'], /jurisdiction/],
    ['venue staff with a jurisdiction', [...base, '--role', 'venue_staff', '--jurisdiction', '79'], /jurisdiction|venue/],
    ['a username with spaces', ['user', 'add', '--username', 'Cli User', '--role', 'admin', '--password-file', pw], /username/],
    ['a taken username', ['user', 'add', '--username', 'admin', '--role', 'admin', '--password-file', pw], /already in use/],
    ['a missing password file', ['user', 'add', '--username', 'cli.user', '--role', 'admin', '--password-file', join(server.dataDir, 'nope')], /cannot read/],
    ['no role at all', base, /role/],
  ]);
  assert.equal(users(server), before, 'no account was created');

  // And the same command with good input works, and the account signs in.
  const out = admin(server, [...base, '--role', 'official', '--jurisdiction', '26882']);
  assert.match(out, /created official cli\.user/);
  const r = await server.request('POST', '/api/v1/auth/login', { body: { username: 'cli.user', password: 'a long enough password' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.user.jurisdiction, { level: 'ward', code: '26882', name: r.json.user.jurisdiction.name });
  assert.equal(users(server), before + 1);
});

test('admin user disable locks an account out and revokes its sessions; enable lets it back', async () => {
  const password = 'correct horse battery 9';
  const token = await staffToken(server, { username: 'leaving.official', role: 'official', jurisdiction: '79', password });
  const phone = '0933444555';
  const citizen = await citizenToken(server, phone);
  assert.equal((await server.request('GET', '/api/v1/me', { token })).status, 200);

  adminRefuses([
    ['neither account', ['user', 'disable'], /--username.*--phone/],
    ['both accounts', ['user', 'disable', '--username', 'leaving.official', '--phone', phone], /--username.*--phone/],
    ['an unknown username', ['user', 'disable', '--username', 'nobody.here'], /no such account \(username\)/],
    ['an unknown phone', ['user', 'disable', '--phone', '0999888777'], /no such account \(phone\)/],
    ['a phone that is not one', ['user', 'disable', '--phone', '12'], /phone/],
  ]);

  const off = JSON.parse(admin(server, ['user', 'disable', '--username', 'leaving.official']));
  assert.deepEqual({ ...off, id: 0 }, { id: 0, role: 'official', disabled: true, sessions_revoked: 1 });
  assert.equal(JSON.parse(admin(server, ['user', 'disable', '--phone', phone])).sessions_revoked, 1);
  // The server may accept a token from its session cache for up to 10 s.
  let status;
  for (let i = 0; i < 60; i++) {
    status = (await server.request('GET', '/api/v1/me', { token })).status;
    if (status === 401) break;
    await new Promise((res) => setTimeout(res, 250));
  }
  assert.equal(status, 401);
  assert.equal((await server.request('GET', '/api/v1/me', { token: citizen })).status, 401);
  const refused = await server.request('POST', '/api/v1/auth/login', { body: { username: 'leaving.official', password } });
  assert.equal(refused.status, 401, refused.text);  // as a wrong password: the login page tells nothing more
  assert.equal(refused.json.error.code, 'bad_credentials');

  const on = JSON.parse(admin(server, ['user', 'enable', '--username', 'leaving.official']));
  assert.equal(on.disabled, false);
  const back = await server.request('POST', '/api/v1/auth/login', { body: { username: 'leaving.official', password } });
  assert.equal(back.status, 200, back.text);
  assert.equal((await server.request('GET', '/api/v1/me', { token: back.json.token })).status, 200);
});

test('until a one-time password is changed, the session may only read itself, change it and sign out', async () => {
  const s = await startServer();
  try {
    const first = await s.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: s.adminPassword } });
    const token = first.json.token;
    const me = await s.request('GET', '/api/v1/me', { token });
    assert.equal(me.status, 200);
    assert.equal(me.json.must_change_password, true);
    const staff = { username: 'too.early', password: 'a long enough password', role: 'official', jurisdiction: '79' };
    for (const [method, path, body] of [
      ['POST', '/api/v1/admin/users', staff], ['GET', '/api/v1/admin/accounts'], ['GET', '/api/v1/venues'],
      ['GET', '/api/v1/cases'], ['GET', '/api/v1/me/people'],
    ]) {
      const r = await s.request(method, path, { token, body });
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      assert.equal(r.json.error.code, 'password_change_required', `${method} ${path}`);
    }
    assert.equal(JSON.parse(admin(s, ['stats'])).users, 1, 'nothing was created');
    const changed = await s.request('POST', '/api/v1/me/password', {
      token, body: { current_password: s.adminPassword, new_password: ADMIN_PASSWORD },
    });
    assert.equal(changed.status, 204, changed.text);
    const created = await s.request('POST', '/api/v1/admin/users', { token, body: staff });
    assert.equal(created.status, 201, created.text);
    assert.equal((await s.request('POST', '/api/v1/auth/logout', { token })).status, 204);
  } finally {
    await s.stop();
  }
});

describe('account administration', () => {
  let s;
  let token;
  const ids = {};
  before(async () => {
    s = await startServer();
    token = await adminToken(s);
    await staffToken(s, { username: 'hcm.city', role: 'official', jurisdiction: '79' });
    await staffToken(s, { username: 'ben.nghe', role: 'official', jurisdiction: '26882' });
    await staffToken(s, { username: 'hanoi.city', role: 'official', jurisdiction: '01' });
    await staffToken(s, { username: 'shop.door', role: 'venue_staff', jurisdiction: '' });
    await citizenToken(s, '0912 345 678');
    await citizenToken(s, '0987 000 111');
    const all = await list('');
    for (const a of all.accounts) ids[a.username ?? a.phone] = a.id;
  });
  after(async () => { await s?.stop(); });

  async function list(query, who = token) {
    const r = await s.request('GET', `/api/v1/admin/accounts${query ? `?${query}` : ''}`, { token: who });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }
  const names = (r) => r.accounts.map((a) => a.username ?? a.phone);

  test('lists every account newest first and searches by username, phone, role and jurisdiction', async () => {
    const all = await list('');
    assert.deepEqual(names(all), ['+84987000111', '+84912345678', 'shop.door', 'hanoi.city', 'ben.nghe', 'hcm.city', 'admin']);
    assert.equal(all.next_before, null);
    const first = all.accounts.find((a) => a.username === 'hcm.city');
    assert.equal(first.role, 'official');
    assert.equal(first.disabled, false);
    assert.deepEqual(first.jurisdiction, { level: 'province', code: '79', name: 'Thành phố Hồ Chí Minh' });
    assert.match(first.created_at, /\+07:00$/);
    assert.match(first.last_sign_in_at, /\+07:00$/);

    assert.deepEqual(names(await list('q=CITY')), ['hanoi.city', 'hcm.city']);
    for (const form of ['0912345678', '+84 912 345 678', '091.234.5678']) {
      assert.deepEqual(names(await list(`q=${encodeURIComponent(form)}`)), ['+84912345678'], form);
    }
    // Phones are sealed at rest and found whole, by their blind index: not by a part.
    for (const form of ['912 345', '345678']) assert.deepEqual(names(await list(`q=${encodeURIComponent(form)}`)), [], form);
    assert.deepEqual(names(await list('role=citizen')), ['+84987000111', '+84912345678']);
    assert.deepEqual(names(await list('role=venue_staff')), ['shop.door']);
    assert.deepEqual(names(await list('jurisdiction=79')), ['ben.nghe', 'hcm.city'], 'a province includes its wards');
    assert.deepEqual(names(await list('jurisdiction=26882')), ['ben.nghe']);
    assert.deepEqual(names(await list('jurisdiction=national')), ['admin']);
    assert.deepEqual(names(await list('q=a_c')), [], 'LIKE wildcards are taken literally');
    const page1 = await list('limit=2');
    assert.deepEqual(names(page1), ['+84987000111', '+84912345678']);
    const page2 = await list(`limit=2&before=${page1.next_before}`);
    assert.deepEqual(names(page2), ['shop.door', 'hanoi.city']);

    for (const [query, code, field] of [['role=king', 'invalid_role', 'role'], ['jurisdiction=99', 'invalid_jurisdiction', 'jurisdiction'],
      ['limit=0', 'out_of_range', 'limit'], ['before=x', 'invalid_number', 'before'], [`q=${'x'.repeat(65)}`, 'too_long', 'q']]) {
      const r = await s.request('GET', `/api/v1/admin/accounts?${query}`, { token });
      assert.equal(r.status, 400, query);
      assert.deepEqual([r.json.error.code, r.json.error.field], [code, field], query);
    }
    const official = await staffToken(s, { username: 'not.admin', role: 'official', jurisdiction: '79' });
    const refused = await s.request('GET', '/api/v1/admin/accounts', { token: official });
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'admins_only');
  });

  test('disabling ends the sessions of the account at once; enabling lets it sign in again; both audited', async () => {
    const password = 'correct horse battery 9';
    const victim = await staffToken(s, { username: 'leaving.soon', role: 'official', jurisdiction: '79', password });
    const me = await s.request('GET', '/api/v1/me', { token: victim });
    const audits = JSON.parse(admin(s, ['stats'])).audit_log;
    const off = await s.request('POST', `/api/v1/admin/accounts/${me.json.id}/disable`, { token });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.disabled, true);
    assert.equal((await s.request('GET', '/api/v1/me', { token: victim })).status, 401, 'no wait for the session cache');
    assert.equal((await s.request('POST', '/api/v1/auth/login', { body: { username: 'leaving.soon', password } })).status, 401);
    assert.equal((await list('q=leaving')).accounts[0].disabled, true);
    const on = await s.request('POST', `/api/v1/admin/accounts/${me.json.id}/enable`, { token });
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.disabled, false);
    assert.equal((await s.request('POST', '/api/v1/auth/login', { body: { username: 'leaving.soon', password } })).status, 200);
    assert.equal(JSON.parse(admin(s, ['stats'])).audit_log, audits + 4, 'disable, the refused sign-in, enable, the sign-in');

    const citizen = await s.request('POST', `/api/v1/admin/accounts/${ids['+84987000111']}/disable`, { token });
    assert.equal(citizen.status, 200, 'citizens can be disabled too');
    await s.request('POST', `/api/v1/admin/accounts/${ids['+84987000111']}/enable`, { token });
  });

  test('an administrator cannot lock themselves out; unknown accounts are 404', async () => {
    const self = await s.request('POST', `/api/v1/admin/accounts/${ids.admin}/disable`, { token });
    assert.equal(self.status, 409);
    assert.equal(self.json.error.code, 'own_account');
    const reset = await s.request('POST', `/api/v1/admin/accounts/${ids.admin}/password-reset`, { token });
    assert.equal(reset.status, 409);
    assert.equal(reset.json.error.code, 'own_account');
    for (const path of ['/api/v1/admin/accounts/999999', '/api/v1/admin/accounts/999999/disable', '/api/v1/admin/accounts/x/enable']) {
      const r = await s.request(path.endsWith('999999') ? 'GET' : 'POST', path, { token });
      assert.equal(r.status, 404, path);
      assert.equal(r.json.error.code, 'no_such_account', path);
    }
    const citizen = await s.request('POST', `/api/v1/admin/accounts/${ids['+84912345678']}/password-reset`, { token });
    assert.equal(citizen.status, 409);
    assert.equal(citizen.json.error.code, 'no_password');
  });

  test('a password reset gives a one-time password, shown once, that must be changed before anything else', async () => {
    const password = 'correct horse battery 9';
    const old = await staffToken(s, { username: 'forgot.it', role: 'official', jurisdiction: '01', password });
    const id = (await s.request('GET', '/api/v1/me', { token: old })).json.id;
    for (let i = 0; i < 10; i++) {
      await s.request('POST', '/api/v1/auth/login', { body: { username: 'forgot.it', password: `not it ${i}` } });
    }
    const reset = await s.request('POST', `/api/v1/admin/accounts/${id}/password-reset`, { token });
    assert.equal(reset.status, 200, reset.text);
    const once = reset.json.one_time_password;
    assert.ok(typeof once === 'string' && once.length >= 10, once);
    assert.equal(reset.json.account.must_change_password, true);
    assert.equal((await s.request('GET', `/api/v1/admin/accounts/${id}`, { token })).json.one_time_password, undefined);
    assert.equal((await s.request('GET', '/api/v1/me', { token: old })).status, 401, 'its sessions were revoked');
    assert.equal((await s.request('POST', '/api/v1/auth/login', { body: { username: 'forgot.it', password } })).status, 401);

    const login = await s.request('POST', '/api/v1/auth/login', { body: { username: 'forgot.it', password: once } });
    assert.equal(login.status, 200, `a reset lifts the lockout: ${login.text}`);
    assert.equal(login.json.user.must_change_password, true);
    const early = await s.request('GET', '/api/v1/cases', { token: login.json.token });
    assert.equal(early.status, 403);
    assert.equal(early.json.error.code, 'password_change_required');
    assert.equal((await s.request('POST', '/api/v1/auth/logout', { token: login.json.token })).status, 204);
    const again = await s.request('POST', '/api/v1/auth/login', { body: { username: 'forgot.it', password: once } });
    const changed = await s.request('POST', '/api/v1/me/password', {
      token: again.json.token, body: { current_password: once, new_password: 'my own new password' },
    });
    assert.equal(changed.status, 204, changed.text);
    assert.equal((await s.request('GET', '/api/v1/cases', { token: again.json.token })).status, 200);
  });
});
