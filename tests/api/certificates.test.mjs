// POST /api/v1/certificates/verify: EU Digital COVID Certificates from the EU's public test
// vectors (../shared/dgc-testdata), verified by a server given their signers with --dcc-trust.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const testdata = process.env.KB_DGC_TESTDATA || join(root, '..', 'shared', 'dgc-testdata');
const haveTestdata = existsSync(testdata);
if (!haveTestdata && !process.env.KB_DGC_TESTDATA_OPTIONAL) {
  throw new Error(`the DCC test data is missing at ${testdata} (set KB_DGC_TESTDATA, or KB_DGC_TESTDATA_OPTIONAL=1)`);
}
const vector = (name) => JSON.parse(readFileSync(join(testdata, 'common', '2DCode', 'raw', `${name}.json`), 'utf8'));
const schemas = JSON.parse(readFileSync(join(root, 'api', 'openapi.json'), 'utf8')).components.schemas;
/** Every property of `value` is documented in `schema`, and every required one is there. */
function assertDocumented(schema, value, what) {
  for (const key of schema.required || []) assert.ok(key in value, `${what}: missing ${key}`);
  for (const key of Object.keys(value)) assert.ok(schema.properties[key], `${what}: undocumented ${key}`);
}
const pem = (base64) => `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g).join('\n')}\n-----END CERTIFICATE-----\n`;

let server;
let v;
before(async () => {
  if (!haveTestdata) return;
  v = {
    ec: vector('CO3'), // VALID: EC 256 key
    rsa: vector('CO1'), // VALID: RSA 2048 key (PS256)
    badSignature: vector('CO5'),
    vaccinationSignerOnTest: vector('CO8'), // OID for vaccination present, but the DGC is a test
    wrongKid: vector('CO22'),
  };
  const signers = new Set([v.ec, v.rsa, v.badSignature, v.vaccinationSignerOnTest].map((x) => x.TESTCTX.CERTIFICATE));
  const dir = mkdtempSync(join(tmpdir(), 'kb-dcc-'));
  const bundle = join(dir, 'dcc-trust.pem');
  writeFileSync(bundle, `# foreign DCC document signers\n${[...signers].map(pem).join('\n')}`);
  server = await startServer({ args: ['--dcc-trust', bundle] });
});
after(async () => { await server?.stop(); });

const verify = (body) => server.request('POST', '/api/v1/certificates/verify', { body });
const skip = !haveTestdata && 'no DCC test data';

test('a certificate of the EU test vectors verifies valid at its clock, holder and entry decoded', { skip }, async () => {
  const r = await verify({ payload: v.ec.PREFIX, at: v.ec.TESTCTX.VALIDATIONCLOCK });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'valid', r.text);
  assert.equal(r.json.reason, null);
  assert.equal(r.json.algorithm, 'ES256');
  assert.equal(r.json.issuer_country, 'AT');
  assert.equal(r.json.checked_at, '2021-05-04T01:00:00+07:00');
  const name = v.ec.JSON.nam;
  assert.deepEqual(r.json.holder, {
    family_name: name.fn, family_name_transliterated: name.fnt,
    given_name: name.gn, given_name_transliterated: name.gnt, date_of_birth: v.ec.JSON.dob,
  });
  assert.equal(r.json.kind, 'vaccination');
  assert.equal(r.json.entries.length, 1);
  const [entry] = r.json.entries;
  const expected = v.ec.JSON.v[0];
  for (const key of ['tg', 'vp', 'mp', 'ma', 'dn', 'sd', 'dt', 'co', 'is', 'ci']) assert.equal(entry[key], expected[key], key);
  assert.equal(entry.mp_name, 'Comirnaty');
  assert.equal(entry.tg_name, 'COVID-19');
  assert.deepEqual(r.json.problems, []);
  assertDocumented(schemas.CertificateVerification, r.json, 'verification');
  assertDocumented(schemas.CertificateEntry, entry, 'entry');
  assertDocumented(schemas.CertificateVerification.properties.holder, r.json.holder, 'holder');

  const rsa = await verify({ payload: v.rsa.PREFIX, at: v.rsa.TESTCTX.VALIDATIONCLOCK });
  assert.equal(rsa.json.status, 'valid', rsa.text);
  assert.equal(rsa.json.algorithm, 'PS256');
});

test('time: expired after exp, not yet valid before iat, and now by default', { skip }, async () => {
  const first = await verify({ payload: v.ec.PREFIX, at: v.ec.TESTCTX.VALIDATIONCLOCK });
  const exp = Date.parse(first.json.expires_at);
  const iat = Date.parse(first.json.issued_at);
  const late = await verify({ payload: v.ec.PREFIX, at: new Date(exp + 1000).toISOString() });
  assert.equal(late.json.status, 'expired');
  assert.equal(late.json.holder.family_name_transliterated, v.ec.JSON.nam.fnt);  // the signature holds
  const early = await verify({ payload: v.ec.PREFIX, at: new Date(iat - 1000).toISOString() });
  assert.equal(early.json.status, 'not_yet_valid');
  // Without `at`, now: the 2021 test certificates have long expired.
  const now = await verify({ payload: v.ec.PREFIX });
  assert.equal(now.json.status, 'expired');
  assert.ok(Math.abs(Date.parse(now.json.checked_at) - Date.now()) < 60_000);
});

test('signatures: forged, unknown signer, and a signer not allowed this kind', { skip }, async () => {
  const at = v.ec.TESTCTX.VALIDATIONCLOCK;
  const forged = await verify({ payload: v.badSignature.PREFIX, at });
  assert.equal(forged.json.status, 'invalid_signature');
  assert.equal(forged.json.reason, 'bad_signature');
  assert.equal(forged.json.holder, undefined);  // nothing of an unverified certificate
  assert.equal(forged.json.entries, undefined);

  const wrongKid = await verify({ payload: v.wrongKid.PREFIX, at });
  assert.equal(wrongKid.json.status, 'unknown_signer');

  const notAllowed = await verify({ payload: v.vaccinationSignerOnTest.PREFIX, at });
  assert.equal(notAllowed.json.status, 'invalid_signature');
  assert.equal(notAllowed.json.reason, 'signer_not_allowed');
});

test('malformed input is a status, not an error', { skip }, async () => {
  for (const payload of ['hello', 'HC1:', 'HC1:abc', 'HC2:6BFOXN%TS3DH', 'https://khaibao.example.vn/v/ABC',
    v.ec.PREFIX.slice(0, 100)]) {
    const r = await verify({ payload });
    assert.equal(r.status, 200, payload);
    assert.equal(r.json.status, 'malformed', payload);
    assert.equal(r.json.holder, undefined);
  }
});

test('bad JSON or wrong field types are 4xx naming the field', { skip }, async () => {
  const cases = [
    [{ raw: '{"payload": "HC1:', headers: { 'content-type': 'application/json' } }, 400, 'malformed_json', undefined],
    [{ raw: JSON.stringify({ payload: 'x' }), headers: { 'content-type': 'text/plain' } }, 415, 'unsupported_media_type', 'content-type'],
    [{ body: {} }, 400, 'missing_field', 'payload'],
    [{ body: { payload: 42 } }, 400, 'wrong_type', 'payload'],
    [{ body: { payload: 'HC1:x'.repeat(1000) } }, 400, 'too_long', 'payload'],
    [{ body: { payload: 'HC1:x', at: 1620064800 } }, 400, 'wrong_type', 'at'],
    [{ body: { payload: 'HC1:x', at: 'yesterday' } }, 400, 'invalid_time', 'at'],
    [{ body: { payload: 'HC1:x', trust: 'everyone' } }, 400, 'unknown_field', 'trust'],
  ];
  for (const [opts, status, code, field] of cases) {
    const r = await server.request('POST', '/api/v1/certificates/verify', opts);
    assert.equal(r.status, status, r.text);
    assert.equal(r.json.error.code, code, r.text);
    assert.equal(r.json.error.field, field, r.text);
  }
});

test('a trust bundle that cannot be read stops the server from starting', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-dcc-'));
  const broken = join(dir, 'broken.pem');
  writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  await assert.rejects(startServer({ args: ['--dcc-trust', broken], startTimeoutMs: 10000 }), /certificate 1/);
});
