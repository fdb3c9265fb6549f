// The OpenAPI document (api/openapi.json) against the routes the binary really serves: every
// route documented, nothing documented that does not exist, the served copy equal to the file,
// and live responses matching the documented schemas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, binary, staffToken, adminToken } from '../lib/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = JSON.parse(readFileSync(join(root, 'api', 'openapi.json'), 'utf8'));
const kMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** `khaibao routes`: one `METHOD /pattern\tsummary` a line. */
function servedRoutes() {
  return execFileSync(binary, ['routes'], { encoding: 'utf8' })
    .split('\n').filter(Boolean)
    .map((line) => {
      const m = /^([A-Z]+) (\S+)\t(.*)$/.exec(line);
      assert.ok(m, `unexpected routes line: ${JSON.stringify(line)}`);
      return { method: m[1].toLowerCase(), path: m[2], summary: m[3] };
    });
}

function documentedOperations() {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of kMethods) if (item[method]) ops.push({ method, path, item, op: item[method] });
  }
  return ops;
}

/** Resolves a local `#/…` reference. */
function resolve(ref) {
  assert.match(ref, /^#\//, `only local references: ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  assert.ok(node !== undefined, `dangling reference ${ref}`);
  return node;
}

/** Every `$ref` anywhere under `node`. */
function refsIn(node, out = []) {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/**
 * Checks `value` against the subset of OpenAPI 3.0 schema this document uses; returns a list
 * of problems (empty when it conforms).
 */
function conform(schema, value, at = '$') {
  if (schema.$ref) return conform(resolve(schema.$ref), value, at);
  if (value === null) return schema.nullable ? [] : [`${at}: null but not nullable`];
  const problems = [];
  if (schema.allOf) for (const s of schema.allOf) problems.push(...conform(s, value, at));
  const type = schema.type;
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) {
    return [...problems, `${at}: ${actual}, expected ${type}`];
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if (schema.pattern && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    problems.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (actual === 'array' && schema.items) value.forEach((v, i) => problems.push(...conform(schema.items, v, `${at}[${i}]`)));
  if (actual === 'object') {
    for (const key of schema.required || []) if (!(key in value)) problems.push(`${at}: missing ${key}`);
    for (const [key, v] of Object.entries(value)) {
      if (schema.properties?.[key]) problems.push(...conform(schema.properties[key], v, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}: undocumented property ${key}`);
    }
  }
  return problems;
}

/** Asserts that a live response matches what the document says for (method, path pattern). */
function assertDocumented(method, pattern, res) {
  const op = doc.paths[pattern]?.[method];
  assert.ok(op, `${method} ${pattern} is not documented`);
  let response = op.responses[String(res.status)];
  assert.ok(response, `${method.toUpperCase()} ${pattern} answered ${res.status}, which is not documented: ${res.text}`);
  if (response.$ref) response = resolve(response.$ref);
  const media = response.content?.['application/json'];
  if (!media) return;
  assert.match(res.headers.get('content-type') || '', /^application\/json/);
  assert.deepEqual(conform(media.schema, res.json), [], `${method.toUpperCase()} ${pattern} → ${res.status}: ${res.text.slice(0, 300)}`);
}

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

test('every route the binary serves is documented with its method, and nothing else is', () => {
  const served = servedRoutes();
  assert.ok(served.length >= 10, 'khaibao routes printed too little');
  const documented = documentedOperations();
  const key = (r) => `${r.method.toUpperCase()} ${r.path}`;
  const servedKeys = new Set(served.map(key));
  const documentedKeys = new Set(documented.map(key));
  assert.deepEqual([...servedKeys].filter((k) => !documentedKeys.has(k)), [], 'served but not in api/openapi.json');
  assert.deepEqual([...documentedKeys].filter((k) => !servedKeys.has(k)), [], 'in api/openapi.json but not served');
  assert.equal(servedKeys.size, served.length, 'a route is registered twice');
});

test('the document is well formed: OpenAPI 3, resolvable references, declared path parameters', () => {
  assert.match(doc.openapi, /^3\.\d+\.\d+$/);
  assert.ok(doc.info?.title && doc.info?.version);
  for (const ref of refsIn(doc)) resolve(ref);
  const bearer = doc.components.securitySchemes.bearerAuth;
  assert.equal(bearer.type, 'http');
  assert.equal(bearer.scheme, 'bearer');
  const error = doc.components.schemas.Error;
  assert.deepEqual(error.required, ['error']);
  assert.deepEqual(error.properties.error.required, ['code', 'message']);
  assert.ok(error.properties.error.properties.field, 'Error documents field');

  const operationIds = new Set();
  for (const { method, path, item, op } of documentedOperations()) {
    const where = `${method.toUpperCase()} ${path}`;
    assert.ok(op.summary, `${where}: no summary`);
    assert.ok(op.operationId && !operationIds.has(op.operationId), `${where}: missing or repeated operationId`);
    operationIds.add(op.operationId);
    assert.ok(op.responses && Object.keys(op.responses).length, `${where}: no responses`);
    // Path parameters: exactly those in the template, each declared in: path, required.
    const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
    const declared = [...(item.parameters || []), ...(op.parameters || [])]
      .map((p) => (p.$ref ? resolve(p.$ref) : p)).filter((p) => p.in === 'path');
    assert.deepEqual(declared.map((p) => p.name).sort(), inTemplate, `${where}: path parameters`);
    for (const p of declared) assert.equal(p.required, true, `${where}: path parameter ${p.name} must be required`);
    // Every error response is the Error object; every request body is JSON with a schema.
    for (const [status, r0] of Object.entries(op.responses)) {
      const r = r0.$ref ? resolve(r0.$ref) : r0;
      assert.ok(r.description, `${where} ${status}: no description`);
      if (Number(status) >= 400 && path.startsWith('/api/')) {
        assert.equal(r.content?.['application/json']?.schema?.$ref, '#/components/schemas/Error', `${where} ${status}`);
      }
    }
    if (op.requestBody) {
      const schema = op.requestBody.content?.['application/json']?.schema ?? op.requestBody.content?.['text/csv']?.schema;
      assert.ok(schema, `${where}: request body without an application/json (or text/csv) schema`);
      assert.ok(op.responses['400'] && op.responses['415'] && op.responses['413'], `${where}: takes a body, so 400/413/415 are possible`);
    }
    if (op.security?.some((s) => 'bearerAuth' in s)) assert.ok(op.responses['401'], `${where}: bearer route without 401`);
  }
});

test('GET /api/v1/openapi.json serves the document in the repository', async () => {
  const r = await server.request('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.json, doc);
});

test('live responses match the documented schemas', async () => {
  const check = async (method, pattern, path, opts) => {
    const r = await server.request(method.toUpperCase(), path, opts);
    assertDocumented(method, pattern, r);
    return r;
  };
  await check('get', '/healthz', '/healthz');
  await check('get', '/api/v1/areas/provinces', '/api/v1/areas/provinces');
  await check('get', '/api/v1/areas/provinces/{code}/wards', '/api/v1/areas/provinces/79/wards');
  await check('get', '/api/v1/areas/provinces/{code}/wards', '/api/v1/areas/provinces/00/wards');
  await check('get', '/api/v1/areas/wards/{code}', '/api/v1/areas/wards/26882');
  await check('get', '/api/v1/areas/wards/{code}', '/api/v1/areas/wards/99999');
  await check('get', '/api/v1/areas/old-wards/{code}', '/api/v1/areas/old-wards/26881');
  await check('get', '/api/v1/areas/old-wards/{code}', '/api/v1/areas/old-wards/00000');

  const phone = '0912000111';
  const sent = await check('post', '/api/v1/auth/otp', '/api/v1/auth/otp', { body: { phone } });
  await check('post', '/api/v1/auth/otp', '/api/v1/auth/otp', { body: { phone } });  // 429
  await check('post', '/api/v1/auth/otp/verify', '/api/v1/auth/otp/verify', { body: { phone, code: 'x' } });  // 400
  const code = server.lastOtp(sent.json.phone);
  const wrong = code === '000000' ? '111111' : '000000';
  await check('post', '/api/v1/auth/otp/verify', '/api/v1/auth/otp/verify', { body: { phone, code: wrong } });  // 401
  const session = await check('post', '/api/v1/auth/otp/verify', '/api/v1/auth/otp/verify', { body: { phone, code } });
  await check('get', '/api/v1/me', '/api/v1/me', { token: session.json.token });
  await check('get', '/api/v1/me', '/api/v1/me');  // 401

  const admin = await check('post', '/api/v1/auth/login', '/api/v1/auth/login',
    { body: { username: 'admin', password: server.adminPassword } });
  await check('post', '/api/v1/auth/login', '/api/v1/auth/login', { body: { username: 'admin', password: 'not it at all' } });
  await check('get', '/api/v1/me', '/api/v1/me', { token: admin.json.token });
  const body = { username: 'doc.official', password: 'a long enough password', role: 'official', jurisdiction: '79' };
  await check('post', '/api/v1/admin/users', '/api/v1/admin/users', { token: admin.json.token, body });  // 403 until changed
  await check('post', '/api/v1/me/password', '/api/v1/me/password',
    { token: admin.json.token, body: { current_password: server.adminPassword, new_password: 'the operator chose this one' } });
  await check('post', '/api/v1/admin/users', '/api/v1/admin/users', { token: admin.json.token, body });
  await check('post', '/api/v1/admin/users', '/api/v1/admin/users', { token: admin.json.token, body });  // 409
  await check('post', '/api/v1/admin/users', '/api/v1/admin/users', { token: session.json.token, body });  // 403
  await check('post', '/api/v1/admin/users', '/api/v1/admin/users', { token: admin.json.token, raw: '{}' });  // 415

  const staff = await staffToken(server, { username: 'doc.staff', role: 'official', jurisdiction: '26882' });
  await check('post', '/api/v1/me/password', '/api/v1/me/password',
    { token: staff, body: { current_password: 'wrong wrong wrong', new_password: 'another long password' } });  // 403
  await check('post', '/api/v1/me/password', '/api/v1/me/password',
    { token: staff, body: { current_password: 'correct horse battery 9', new_password: 'another long password' } });
  await check('post', '/api/v1/auth/logout', '/api/v1/auth/logout', { token: staff });
  await check('post', '/api/v1/auth/logout', '/api/v1/auth/logout', { token: staff });  // 401 now
});

test('live answers of the account administration routes match the documented schemas', async () => {
  const s = await startServer();
  try {
    const check = async (method, pattern, path, opts) => {
      const r = await s.request(method.toUpperCase(), path, opts);
      assertDocumented(method, pattern, r);
      return r;
    };
    const token = await adminToken(s);
    const official = await staffToken(s, { username: 'doc.accounts', role: 'official', jurisdiction: '79' });
    const list = await check('get', '/api/v1/admin/accounts', '/api/v1/admin/accounts?q=doc&role=official&jurisdiction=79', { token });
    assert.equal(list.json.accounts.length, 1);
    const id = list.json.accounts[0].id;
    await check('get', '/api/v1/admin/accounts', '/api/v1/admin/accounts?role=king', { token });  // 400
    await check('get', '/api/v1/admin/accounts', '/api/v1/admin/accounts', { token: official });  // 403
    await check('get', '/api/v1/admin/accounts/{id}', `/api/v1/admin/accounts/${id}`, { token });
    await check('get', '/api/v1/admin/accounts/{id}', '/api/v1/admin/accounts/999999', { token });  // 404
    await check('post', '/api/v1/admin/accounts/{id}/disable', `/api/v1/admin/accounts/${id}/disable`, { token });
    await check('post', '/api/v1/admin/accounts/{id}/enable', `/api/v1/admin/accounts/${id}/enable`, { token });
    await check('post', '/api/v1/admin/accounts/{id}/password-reset', `/api/v1/admin/accounts/${id}/password-reset`, { token });
    const me = await s.request('GET', '/api/v1/me', { token });
    await check('post', '/api/v1/admin/accounts/{id}/disable', `/api/v1/admin/accounts/${me.json.id}/disable`, { token });  // 409
    await check('post', '/api/v1/admin/accounts/{id}/enable', `/api/v1/admin/accounts/${id}/enable`);  // 401
  } finally {
    await s.stop();
  }
});
