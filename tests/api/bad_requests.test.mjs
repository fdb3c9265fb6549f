// A table of bad requests: each must get the error JSON of SPEC.md ({"error": {code, message,
// field}}) with the right 4xx status, code and field — never a 500 — and together they must write
// nothing (row counts of every table and the outbox are unchanged), except the failed sign-in
// that is deliberately counted and audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, admin, adminToken, citizenToken, staffToken, dbKind } from '../lib/server.mjs';

const json = (value) => ({ raw: JSON.stringify(value), headers: { 'content-type': 'application/json' } });
const rawJson = (text) => ({ raw: text, headers: { 'content-type': 'application/json' } });
const phone = '0912345678';
const staffBody = { username: 'new.official', password: 'a long enough password', role: 'official', jurisdiction: '79' };
const withStaff = (patch) => json({ ...staffBody, ...patch });
const withoutKey = (o, key) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

// [name, method, path, request options, token ('admin' | 'citizen' | 'revoked' | 'garbage' | raw
//  Authorization header via headers), status, error.code, error.field (undefined: none), rows
//  the request is meant to write]
const table = [
  // Body shape
  ['malformed JSON', 'POST', '/api/v1/auth/otp', rawJson('{"phone": "0912'), null, 400, 'malformed_json'],
  ['trailing garbage after JSON', 'POST', '/api/v1/auth/otp', rawJson('{"phone": "0912345678"} x'), null, 400, 'malformed_json'],
  ['empty body', 'POST', '/api/v1/auth/otp', rawJson(''), null, 400, 'malformed_json'],
  ['invalid UTF-8', 'POST', '/api/v1/auth/otp',
    { raw: Buffer.from([0x7b, 0x22, 0x70, 0x68, 0x6f, 0x6e, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      headers: { 'content-type': 'application/json' } }, null, 400, 'malformed_json'],
  ['nesting deeper than 32', 'POST', '/api/v1/auth/otp', rawJson(`{"phone":${'['.repeat(100)}${']'.repeat(100)}}`), null, 400, 'malformed_json'],
  ['JSON array body', 'POST', '/api/v1/auth/otp', json([phone]), null, 400, 'not_an_object'],
  ['JSON string body', 'POST', '/api/v1/auth/otp', json(phone), null, 400, 'not_an_object'],
  ['JSON null body', 'POST', '/api/v1/auth/otp', json(null), null, 400, 'not_an_object'],
  ['text/plain content type', 'POST', '/api/v1/auth/otp',
    { raw: JSON.stringify({ phone }), headers: { 'content-type': 'text/plain' } }, null, 415, 'unsupported_media_type', 'content-type'],
  ['no content type', 'POST', '/api/v1/auth/otp', { raw: Buffer.from(JSON.stringify({ phone })) }, null, 415, 'unsupported_media_type', 'content-type'],
  ['form-encoded body', 'POST', '/api/v1/auth/login',
    { raw: 'username=admin&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, null, 415, 'unsupported_media_type', 'content-type'],
  ['body over 1 MiB', 'POST', '/api/v1/auth/otp', json({ phone, pad: 'x'.repeat(1100 * 1024) }), null, 413, 'payload_too_large'],
  // Fields
  ['missing phone', 'POST', '/api/v1/auth/otp', json({}), null, 400, 'missing_field', 'phone'],
  ['null phone', 'POST', '/api/v1/auth/otp', json({ phone: null }), null, 400, 'missing_field', 'phone'],
  ['blank phone', 'POST', '/api/v1/auth/otp', json({ phone: '   ' }), null, 400, 'empty', 'phone'],
  ['phone as a number', 'POST', '/api/v1/auth/otp', json({ phone: 912345678 }), null, 400, 'wrong_type', 'phone'],
  ['phone as an array', 'POST', '/api/v1/auth/otp', json({ phone: [phone] }), null, 400, 'wrong_type', 'phone'],
  ['unknown field', 'POST', '/api/v1/auth/otp', json({ phone, name: 'An' }), null, 400, 'unknown_field', 'name'],
  ['over-long phone', 'POST', '/api/v1/auth/otp', json({ phone: '0'.repeat(41) }), null, 400, 'too_long', 'phone'],
  // Phone numbers
  ['phone with letters', 'POST', '/api/v1/auth/otp', json({ phone: '09123abc78' }), null, 400, 'invalid_phone', 'phone'],
  ['phone with 9 digits', 'POST', '/api/v1/auth/otp', json({ phone: '091234567' }), null, 400, 'invalid_phone', 'phone'],
  ['phone with 11 digits', 'POST', '/api/v1/auth/otp', json({ phone: '09123456789' }), null, 400, 'invalid_phone', 'phone'],
  ['foreign phone', 'POST', '/api/v1/auth/otp', json({ phone: '+1 415 555 0100' }), null, 400, 'invalid_phone', 'phone'],
  ['landline', 'POST', '/api/v1/auth/otp', json({ phone: '024 3825 1234' }), null, 400, 'invalid_phone', 'phone'],
  ['unknown pre-2018 prefix', 'POST', '/api/v1/auth/otp', json({ phone: '01301234567' }), null, 400, 'invalid_phone', 'phone'],
  // Codes
  ['code with 5 digits', 'POST', '/api/v1/auth/otp/verify', json({ phone, code: '12345' }), null, 400, 'invalid_code', 'code'],
  ['code with 7 digits', 'POST', '/api/v1/auth/otp/verify', json({ phone, code: '1234567' }), null, 400, 'invalid_code', 'code'],
  ['code with letters', 'POST', '/api/v1/auth/otp/verify', json({ phone, code: '12a456' }), null, 400, 'invalid_code', 'code'],
  ['code as an object', 'POST', '/api/v1/auth/otp/verify', json({ phone, code: { value: '123456' } }), null, 400, 'wrong_type', 'code'],
  ['code as a number', 'POST', '/api/v1/auth/otp/verify', json({ phone, code: 123456 }), null, 400, 'wrong_type', 'code'],
  ['missing code', 'POST', '/api/v1/auth/otp/verify', json({ phone }), null, 400, 'missing_field', 'code'],
  ['verify with a bad phone', 'POST', '/api/v1/auth/otp/verify', json({ phone: '12345', code: '123456' }), null, 400, 'invalid_phone', 'phone'],
  ['verify without asking for a code', 'POST', '/api/v1/auth/otp/verify', json({ phone: '0987000999', code: '123456' }), null, 401, 'no_code_requested', 'code'],
  // Staff sign-in
  ['login without password', 'POST', '/api/v1/auth/login', json({ username: 'admin' }), null, 400, 'missing_field', 'password'],
  ['login with a numeric username', 'POST', '/api/v1/auth/login', json({ username: 42, password: 'whatever it is' }), null, 400, 'wrong_type', 'username'],
  ['login with an over-long password', 'POST', '/api/v1/auth/login', json({ username: 'admin', password: 'p'.repeat(201) }), null, 400, 'too_long', 'password'],
  ['login with an unknown field', 'POST', '/api/v1/auth/login', json({ username: 'admin', password: 'whatever it is', otp: '1' }), null, 400, 'unknown_field', 'otp'],
  // A failed sign-in is counted towards the lockout and audited: those two rows are intended.
  ['login as an unknown user', 'POST', '/api/v1/auth/login', json({ username: 'nobody.here', password: 'whatever it is' }), null,
    401, 'bad_credentials', 'password', { audit_log: 1, rate_limits: 1 }],
  // Tokens
  ['me without a token', 'GET', '/api/v1/me', {}, null, 401, 'unauthenticated'],
  ['me with a garbage token', 'GET', '/api/v1/me', {}, 'garbage', 401, 'unauthenticated'],
  ['me with a revoked token', 'GET', '/api/v1/me', {}, 'revoked', 401, 'unauthenticated'],
  ['me with Basic auth', 'GET', '/api/v1/me', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } }, null, 401, 'unauthenticated'],
  ['me with an over-long token', 'GET', '/api/v1/me', { headers: { authorization: `Bearer kb_${'a'.repeat(5000)}` } }, null, 401, 'unauthenticated'],
  ['logout with a revoked token', 'POST', '/api/v1/auth/logout', {}, 'revoked', 401, 'unauthenticated'],
  // Administration
  ['create staff without a token', 'POST', '/api/v1/admin/users', withStaff({}), null, 401, 'unauthenticated'],
  ['citizen creates staff', 'POST', '/api/v1/admin/users', withStaff({}), 'citizen', 403, 'admins_only'],
  ['create staff with a bad role', 'POST', '/api/v1/admin/users', withStaff({ role: 'superuser' }), 'admin', 400, 'invalid_role', 'role'],
  ['create a citizen as staff', 'POST', '/api/v1/admin/users', withStaff({ role: 'citizen' }), 'admin', 400, 'invalid_role', 'role'],
  ['create staff with an unknown province', 'POST', '/api/v1/admin/users', withStaff({ jurisdiction: '99' }), 'admin', 400, 'invalid_jurisdiction', 'jurisdiction'],
  ['create staff with an unknown ward', 'POST', '/api/v1/admin/users', withStaff({ jurisdiction: '00000' }), 'admin', 400, 'invalid_jurisdiction', 'jurisdiction'],
  ['official without a jurisdiction', 'POST', '/api/v1/admin/users', json(withoutKey(staffBody, 'jurisdiction')), 'admin', 400, 'missing_field', 'jurisdiction'],
  ['venue staff with a jurisdiction', 'POST', '/api/v1/admin/users', withStaff({ role: 'venue_staff' }), 'admin', 400, 'not_applicable', 'jurisdiction'],
  ['username with capitals and spaces', 'POST', '/api/v1/admin/users', withStaff({ username: 'New Official' }), 'admin', 400, 'invalid_username', 'username'],
  ['username too short', 'POST', '/api/v1/admin/users', withStaff({ username: 'ab' }), 'admin', 400, 'invalid_username', 'username'],
  ['weak password', 'POST', '/api/v1/admin/users', withStaff({ password: 'short' }), 'admin', 400, 'weak_password', 'password'],
  ['duplicate username', 'POST', '/api/v1/admin/users', withStaff({ username: 'admin', role: 'admin', jurisdiction: 'national' }), 'admin', 409, 'username_taken', 'username'],
  ['create staff with an unknown field', 'POST', '/api/v1/admin/users', withStaff({ email: 'a@b.vn' }), 'admin', 400, 'unknown_field', 'email'],
  ['role as a number', 'POST', '/api/v1/admin/users', withStaff({ role: 3 }), 'admin', 400, 'wrong_type', 'role'],
  ['weak new password', 'POST', '/api/v1/me/password', json({ current_password: 'whatever', new_password: 'short' }), 'admin', 400, 'weak_password', 'new_password'],
  ['wrong current password', 'POST', '/api/v1/me/password', json({ current_password: 'not the password', new_password: 'a long enough password' }), 'admin', 403, 'wrong_password', 'current_password'],
  ['citizen changes a password', 'POST', '/api/v1/me/password', json({ current_password: 'whatever', new_password: 'a long enough password' }), 'citizen', 403, 'wrong_password', 'current_password'],
  // Areas and routing
  ['wards of an unknown province', 'GET', '/api/v1/areas/provinces/99/wards', {}, null, 404, 'unknown_province', 'code'],
  ['wards of a non-numeric province', 'GET', '/api/v1/areas/provinces/abc/wards', {}, null, 404, 'unknown_province', 'code'],
  ['unknown ward', 'GET', '/api/v1/areas/wards/00000', {}, null, 404, 'unknown_ward', 'code'],
  ['unknown old ward', 'GET', '/api/v1/areas/old-wards/99999', {}, null, 404, 'unknown_old_ward', 'code'],
  ['unknown API path', 'GET', '/api/v1/nothing-here', {}, null, 404, 'not_found'],
  ['unknown API version', 'POST', '/api/v2/auth/otp', json({ phone }), null, 404, 'not_found'],
  ['GET on a POST route', 'GET', '/api/v1/auth/otp', {}, null, 405, 'method_not_allowed'],
  ['DELETE on a GET route', 'DELETE', '/api/v1/me', {}, null, 405, 'method_not_allowed'],
  ['PUT on the provinces', 'PUT', '/api/v1/areas/provinces', json({}), null, 405, 'method_not_allowed'],
  // Path and query must decode to text (PostgreSQL refused these with a 500, SQLite stored them)
  ['a path that is not UTF-8', 'GET', '/api/v1/venues/by-code/%FF', {}, null, 400, 'invalid_path', 'path'],
  ['a NUL in the path', 'GET', '/api/v1/areas/wards/00%0000', {}, null, 400, 'invalid_path', 'path'],
  ['a reason that is not UTF-8', 'GET', '/api/v1/cases/1?reason=%FF%FE%FD', {}, 'admin', 400, 'invalid_query', 'reason'],
  ['a NUL in a query parameter', 'GET', '/api/v1/me/inbox?cursor=1%002', {}, 'citizen', 400, 'invalid_query', 'cursor'],
  ['a NUL in a JSON string', 'POST', '/api/v1/auth/login', rawJson('{"username":"ad\\u0000min","password":"whatever it is"}'), null, 400, 'invalid_text', 'username'],
  // Boost.JSON reads 0e400 as NaN and 1e400 as Infinity; neither is a number to keep
  ['a number that is NaN once read', 'POST', '/api/v1/auth/login', rawJson('{"username":"admin","password":"whatever it is","x":[0e400]}'), null, 400, 'not_finite', 'x'],
];

let server;
const tokens = {};
before(async () => {
  server = await startServer();
  tokens.admin = await adminToken(server);
  tokens.citizen = await citizenToken(server, '0903000111');
  tokens.revoked = await staffToken(server, { username: 'gone.official', role: 'official', jurisdiction: '79' });
  assert.equal((await server.request('POST', '/api/v1/auth/logout', { token: tokens.revoked })).status, 204);
  tokens.garbage = 'kb_' + 'x'.repeat(43);
});
after(async () => { await server?.stop(); });

function snapshot() {
  return { rows: JSON.parse(admin(server, ['stats'])), outbox: server.outbox().length };
}

test(`the table has at least 30 bad requests (${dbKind()})`, () => {
  assert.ok(table.length >= 30, `${table.length} rows`);
  assert.equal(new Set(table.map((row) => row[0])).size, table.length, 'row names are unique');
});

test(`every bad request gets a precise 4xx error and nothing is written (${dbKind()})`, async () => {
  // The methods each path of a 405 above has (RFC 9110: a 405 lists them in Allow).
  const allow = { '/api/v1/auth/otp': 'POST', '/api/v1/me': 'GET, HEAD', '/api/v1/areas/provinces': 'GET, HEAD' };
  const before = snapshot();
  const expectedWrites = {};
  const failures = [];
  for (const [name, method, path, opts, token, status, code, field, writes] of table) {
    const r = await server.request(method, path, { ...opts, token: token ? tokens[token] : undefined });
    const got = { status: r.status, code: r.json?.error?.code, field: r.json?.error?.field };
    const want = { status, code, field };
    try {
      assert.deepEqual(got, want);
      assert.match(r.headers.get('content-type') || '', /^application\/json/);
      assert.deepEqual(Object.keys(r.json), ['error'], 'only an error object');
      const keys = Object.keys(r.json.error).sort();
      assert.deepEqual(keys, field === undefined ? ['code', 'message'] : ['code', 'field', 'message']);
      assert.ok(typeof r.json.error.message === 'string' && r.json.error.message.length > 0, 'a message');
      if (status === 401) assert.equal(r.headers.get('www-authenticate'), 'Bearer');
      if (status === 405) assert.equal(r.headers.get('allow'), allow[path], 'the Allow header');
    } catch (e) {
      const detail = e.code === 'ERR_ASSERTION' && e.message.startsWith('Expected values')
        ? `want ${JSON.stringify(want)}` : e.message.split('\n')[0];
      failures.push(`${name}: ${method} ${path} → ${r.status} ${r.text.slice(0, 200)}\n    ${detail}`);
    }
    for (const [t, n] of Object.entries(writes || {})) expectedWrites[t] = (expectedWrites[t] || 0) + n;
  }

  const after = snapshot();
  const expected = { ...before.rows };
  for (const [t, n] of Object.entries(expectedWrites)) expected[t] += n;
  for (const t of new Set([...Object.keys(expected), ...Object.keys(after.rows)])) {
    if (after.rows[t] !== expected[t]) failures.push(`table ${t}: ${after.rows[t]} rows after, expected ${expected[t]}`);
  }
  if (after.outbox !== before.outbox) failures.push(`outbox: ${after.outbox - before.outbox} messages sent`);
  assert.deepEqual(failures, [], `\n${failures.join('\n')}`);
  assert.equal((await server.request('GET', '/healthz')).status, 200, 'the server still answers');
});

test('no bad request produced a 5xx in the metrics', async () => {
  const metrics = (await server.request('GET', '/metrics')).text;
  const fivexx = metrics.split('\n').filter((l) => l.startsWith('khaibao_http_requests_total') && l.includes('status="5xx"'))
    .filter((l) => Number(l.split(' ').pop()) > 0);
  assert.deepEqual(fivexx, []);
});
