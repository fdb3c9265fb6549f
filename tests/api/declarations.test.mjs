// Health declarations, managed people and the signed personal QR, end to end against the
// real binary: declare for yourself and dependants, verify each QR online and with the
// published public key (as the offline verifier page does), tamper, revoke, rotate keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.stop(); });

const address = { province_code: '79', ward_code: '26882', street: '12  Lê Lợi' };
const selfDetails = {
  full_name: '  nguyễn   văn  An ', id_kind: 'cccd', id_number: '079 090 123456', birth_date: '1990-05-12', sex: 'male', ...address,
};
const child = { full_name: 'Nguyễn Thị Bé', id_kind: 'cccd', id_number: '079315000001', birth_date: '2015-03-01', sex: 'female', ...address };
const grandma = { full_name: 'Trần Thị Lan', id_kind: 'cccd', id_number: '001150000777', birth_date: '1950-08-20', sex: 'female', ...address };
const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };

function stats() { return JSON.parse(admin(server, ['stats'])); }

async function selfOf(token) {
  const r = await server.request('GET', '/api/v1/me/people', { token });
  assert.equal(r.status, 200, r.text);
  return r.json.people.find((p) => p.is_self);
}

async function declare(token, body) {
  return server.request('POST', '/api/v1/declarations', { token, body });
}

async function verify(payload) {
  const r = await server.request('POST', '/api/v1/qr/verify', { body: { payload } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The offline check, as web/src/lib/personalQr.ts does it: base32 → body ‖ signature, then
// WebCrypto Ed25519 with the key from GET /api/v1/keys.
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out = [];
  let buffer = 0; let bits = 0;
  for (const ch of text) {
    const v = alphabet.indexOf(ch);
    if (v < 0) return null;
    buffer = (buffer << 5) | v; bits += 5;
    if (bits >= 8) { out.push((buffer >> (bits - 8)) & 0xff); bits -= 8; }
    buffer &= (1 << bits) - 1;
  }
  return Uint8Array.from(out);
}
async function offlineVerify(payload, keys) {
  const raw = base32(payload.slice(4));
  if (!payload.startsWith('KB1.') || !raw || raw.length !== 94) return { verdict: 'malformed' };
  const body = raw.slice(0, 30); const sig = raw.slice(30);
  const keyId = [...body.slice(2, 6)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const key = keys.find((k) => k.key_id === keyId);
  if (!key) return { verdict: 'forged' };
  const pub = Buffer.from(key.public_key, 'base64url');
  const imported = await webcrypto.subtle.importKey('raw', pub, { name: 'Ed25519' }, true, ['verify']);
  const ok = await webcrypto.subtle.verify({ name: 'Ed25519' }, imported, sig, body);
  if (!ok) return { verdict: 'forged' };
  const dv = new DataView(body.buffer, body.byteOffset);
  return { verdict: 'valid', colour: ['green', 'yellow', 'red'][body[1]], personId: Number(dv.getBigUint64(14)), expiresAt: dv.getUint32(26) };
}

test('a citizen declares for themselves and two dependants; each QR verifies online and offline with its colour', async () => {
  const token = await citizenToken(server, '0912000001');
  const self = await selfOf(token);
  assert.equal(self.phone, '+84912000001');
  assert.equal(self.complete, false);
  const incomplete = await declare(token, { ...healthy, person_id: self.id });
  assert.equal(incomplete.status, 409);
  assert.equal(incomplete.json.error.code, 'profile_incomplete');

  const edited = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: selfDetails });
  assert.equal(edited.status, 200, edited.text);
  assert.equal(edited.json.full_name, 'nguyễn văn An');
  assert.equal(edited.json.id_number, '079090123456');
  assert.equal(edited.json.street, '12 Lê Lợi');
  assert.equal(edited.json.phone, '+84912000001');

  const kid = await server.request('POST', '/api/v1/me/people', { token, body: child });
  assert.equal(kid.status, 201, kid.text);
  assert.equal(kid.json.phone, '');
  const gran = await server.request('POST', '/api/v1/me/people', { token, body: { ...grandma, phone: '0168 123 4567' } });
  assert.equal(gran.status, 201, gran.text);
  assert.equal(gran.json.phone, '+84381234567');

  const list = await server.request('GET', '/api/v1/me/people', { token });
  assert.deepEqual(list.json.people.map((p) => p.full_name), ['nguyễn văn An', 'Nguyễn Thị Bé', 'Trần Thị Lan']);

  const d1 = await declare(token, { ...healthy, person_id: self.id, travel_provinces: ['01'] });
  assert.equal(d1.status, 201, d1.text);
  assert.ok(d1.json.id > 0);
  assert.match(d1.json.qr, /^KB1\.[A-Z2-7]+$/);
  assert.ok(d1.json.qr.length <= 213);
  assert.match(d1.json.qr_svg, /^<svg/);
  assert.equal(d1.json.colour, 'green');
  const d2 = await declare(token, { ...healthy, person_id: kid.json.id, symptoms: ['fever', 'cough'] });
  assert.equal(d2.status, 201, d2.text);
  assert.equal(d2.json.colour, 'yellow');
  assert.equal(d2.json.reason, 'symptoms');
  const d3 = await declare(token, { ...healthy, person_id: gran.json.id, exposures: ['outbreak_area'], vaccine_doses: 3 });
  assert.equal(d3.status, 201, d3.text);
  assert.equal(d3.json.colour, 'yellow');
  assert.equal(d3.json.reason, 'exposure');

  const { keys } = (await server.request('GET', '/api/v1/keys')).json;
  assert.equal(keys.length, 1);
  assert.equal(keys[0].algorithm, 'Ed25519');
  for (const [d, name, year, colour] of [[d1, 'n*** v*** An', 1990, 'green'], [d2, 'N*** T*** Bé', 2015, 'yellow'], [d3, 'T*** T*** Lan', 1950, 'yellow']]) {
    const online = await verify(d.json.qr);
    assert.equal(online.verdict, 'valid');
    assert.equal(online.valid, true);
    assert.equal(online.colour, colour);
    assert.equal(online.masked_name, name);
    assert.equal(online.birth_year, year);
    assert.equal(online.person_id, d.json.person_id);
    const offline = await offlineVerify(d.json.qr, keys);
    assert.equal(offline.verdict, 'valid');
    assert.equal(offline.colour, colour);
    assert.equal(offline.personId, d.json.person_id);
    // The QR page shows the same token.
    const qr = await server.request('GET', `/api/v1/people/${d.json.person_id}/qr`, { token });
    assert.equal(qr.status, 200, qr.text);
    assert.equal(qr.json.payload, d.json.qr);
    assert.equal(qr.json.colour, colour);
  }
});

test('a forged or tampered QR is rejected online and offline', async () => {
  const token = await citizenToken(server, '0912000002');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123457' } });
  const d = await declare(token, { ...healthy, person_id: self.id });
  assert.equal(d.status, 201, d.text);
  const { keys } = (await server.request('GET', '/api/v1/keys')).json;
  const raw = base32(d.json.qr.slice(4));
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const encode = (bytes) => {
    let out = ''; let buffer = 0; let bits = 0;
    for (const b of bytes) { buffer = (buffer << 8) | b; bits += 8; while (bits >= 5) { out += alphabet[(buffer >> (bits - 5)) & 31]; bits -= 5; } buffer &= (1 << bits) - 1; }
    if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
    return out;
  };
  for (let i = 0; i < raw.length; i++) {
    const t = Uint8Array.from(raw); t[i] ^= 0x01;
    const payload = `KB1.${encode(t)}`;
    const online = await verify(payload);
    assert.ok(['forged', 'malformed'].includes(online.verdict), `byte ${i}: ${online.verdict}`);
    assert.equal(online.valid, false);
    assert.equal(online.person_id, undefined);
    const offline = await offlineVerify(payload, keys);
    assert.ok(['forged', 'malformed'].includes(offline.verdict), `offline byte ${i}: ${offline.verdict}`);
  }
  // Turn green into red by hand: the signature no longer matches.
  const red = Uint8Array.from(raw); red[1] = 2;
  assert.equal((await verify(`KB1.${encode(red)}`)).verdict, 'forged');
  assert.equal((await verify('KB1.HELLO')).verdict, 'malformed');
  assert.equal((await verify('https://example.vn/v/abc')).verdict, 'malformed');
  const empty = await server.request('POST', '/api/v1/qr/verify', { body: { payload: '' } });
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.field, 'payload');
});

test('each field is validated with a clear error, and nothing is written on a refusal', async () => {
  const token = await citizenToken(server, '0912000003');
  const self = await selfOf(token);
  const before = stats();
  const cases = [
    [{ ...child, id_number: '079215000001' }, 'id_number', 'id_number_mismatch'],
    [{ ...child, birth_date: '2015-02-30' }, 'birth_date', 'invalid_date'],
    [{ ...child, sex: 'x' }, 'sex', 'invalid_sex'],
    [{ ...child, full_name: 'Bé <script>' }, 'full_name', 'invalid_name'],
    [{ ...child, ward_code: '00004' }, 'ward_code', 'ward_not_in_province'],
    [{ ...child, province_code: '99' }, 'province_code', 'unknown_province'],
    [{ ...child, id_kind: 'passport', id_number: 'B1' }, 'id_number', 'invalid_id_number'],
    [{ ...child, phone: '12345' }, 'phone', 'invalid_phone'],
    [{ ...child, nickname: 'Bé' }, 'nickname', 'unknown_field'],
  ];
  for (const [body, field, code] of cases) {
    const r = await server.request('POST', '/api/v1/me/people', { token, body });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123458' } });
  const mid = stats();
  const bad = [
    [{ symptoms: ['fever', 'sneezing'] }, 'symptoms[1]', 'unknown_answer'],
    [{ symptoms: ['none', 'fever'] }, 'symptoms', 'none_with_others'],
    [{ symptoms: [] }, 'symptoms', 'required'],
    [{ exposures: undefined }, 'exposures', 'missing_field'],
    [{ kind: 'abroad' }, 'kind', 'invalid_kind'],
    [{ travel_provinces: ['01', '999'] }, 'travel_provinces[1]', 'unknown_province'],
    [{ travel_countries: ['Korea'] }, 'travel_countries[0]', 'invalid_country'],
    [{ vaccine_doses: 11 }, 'vaccine_doses', 'out_of_range'],
    [{ kind: 'entry' }, 'entry', 'required'],
    [{ entry: { transport: 'flight', vehicle_number: 'VN1', departure_country: 'KR', arrival_date: '2020-01-01', quarantine_province_code: '79', quarantine_ward_code: '26882', quarantine_street: 'x' } }, 'entry', 'not_for_domestic'],
    [{ kind: 'entry', entry: { transport: 'rocket', vehicle_number: 'VN1', departure_country: 'KR', arrival_date: '2020-01-01', quarantine_province_code: '79', quarantine_ward_code: '26882', quarantine_street: 'x' } }, 'entry.transport', 'invalid_transport'],
    [{ kind: 'entry', entry: { transport: 'flight', departure_country: 'KR' } }, 'entry.vehicle_number', 'missing_field'],
  ];
  for (const [patch, field, code] of bad) {
    const r = await declare(token, { ...healthy, person_id: self.id, ...patch });
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  const after = stats();
  assert.equal(after.declarations, mid.declarations);
  assert.equal(after.personal_qr_tokens, mid.personal_qr_tokens);
  assert.equal(mid.people, before.people);
});

test('an entry declaration records the arrival details', async () => {
  const token = await citizenToken(server, '0912000004');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123459' } });
  const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
  const entry = { transport: 'flight', vehicle_number: 'vn 417', seat: '12a', departure_country: 'kr', arrival_date: today, quarantine_province_code: '79', quarantine_ward_code: '26882', quarantine_street: '5 Nguyễn Huệ' };
  const r = await declare(token, { ...healthy, person_id: self.id, kind: 'entry', travel_countries: ['KR', 'jp'], entry });
  assert.equal(r.status, 201, r.text);
  const h = await server.request('GET', `/api/v1/me/people/${self.id}/declarations`, { token });
  const d = h.json.declarations[0];
  assert.equal(d.kind, 'entry');
  assert.deepEqual(d.travel_countries, ['JP', 'KR']);
  assert.equal(d.entry.vehicle_number, 'VN 417');
  assert.equal(d.entry.seat, '12A');
  assert.equal(d.entry.departure_country, 'KR');
  assert.equal(d.entry.arrival_date, today);
});

test('a new declaration supersedes the last; a colour change revokes the old QR', async () => {
  const token = await citizenToken(server, '0912000005');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123460' } });
  const green = await declare(token, { ...healthy, person_id: self.id });
  const again = await declare(token, { ...healthy, person_id: self.id, vaccine_doses: 3 });
  assert.equal(again.json.qr, green.json.qr, 'same colour keeps the same QR');
  const yellow = await declare(token, { ...healthy, person_id: self.id, symptoms: ['loss_of_taste_smell'] });
  assert.equal(yellow.json.colour, 'yellow');
  assert.notEqual(yellow.json.qr, green.json.qr);
  assert.equal((await verify(green.json.qr)).verdict, 'revoked');
  assert.equal((await verify(yellow.json.qr)).verdict, 'valid');
  const h = await server.request('GET', `/api/v1/me/people/${self.id}/declarations`, { token });
  assert.equal(h.status, 200);
  assert.equal(h.json.declarations.length, 3);
  assert.equal(h.json.declarations[0].id, yellow.json.id);
  assert.equal(h.json.declarations[0].superseded_at, null);
  assert.deepEqual(h.json.declarations[0].symptoms, ['loss_of_taste_smell']);
  assert.ok(h.json.declarations[1].superseded_at);
  assert.ok(h.json.declarations[2].superseded_at);
  const me = await server.request('GET', `/api/v1/me/people/${self.id}`, { token });
  assert.equal(me.json.status.colour, 'yellow');
  assert.equal(me.json.last_declaration_id, yellow.json.id);
});

test('a declaration sent again with its client id (a lost answer, the offline queue) is recorded once', async () => {
  const token = await citizenToken(server, '0912000015');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123470' } });
  const kid = await server.request('POST', '/api/v1/me/people', { token, body: { ...child, id_number: '079315000015' } });
  assert.equal(kid.status, 201, kid.text);
  const body = { ...healthy, person_id: self.id, client_id: 'decl-0a1b2c3d4e5f' };
  const first = await declare(token, body);
  assert.equal(first.status, 201, first.text);
  const again = await declare(token, body);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.json.qr, first.json.qr);
  const h = await server.request('GET', `/api/v1/me/people/${self.id}/declarations`, { token });
  assert.equal(h.json.declarations.length, 1, 'the repeat wrote nothing');

  const other = await declare(token, { ...healthy, person_id: kid.json.id, client_id: body.client_id });
  assert.equal(other.status, 409, other.text);
  assert.equal(other.json.error.code, 'client_id_reused');
  assert.equal(other.json.error.field, 'client_id');
  const bad = await declare(token, { ...healthy, person_id: self.id, client_id: 'no spaces; allowed' });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.field, 'client_id');
  // Ids belong to the account that sent them: another account's same id is a new declaration.
  const stranger = await citizenToken(server, '0912000016');
  const theirs = await selfOf(stranger);
  await server.request('PUT', `/api/v1/me/people/${theirs.id}`, { token: stranger, body: { ...selfDetails, id_number: '079090123471' } });
  const separate = await declare(stranger, { ...healthy, person_id: theirs.id, client_id: body.client_id });
  assert.equal(separate.status, 201, separate.text);
  assert.notEqual(separate.json.id, first.json.id);
});

test('the owner revokes a QR; the next one is new and valid', async () => {
  const token = await citizenToken(server, '0912000006');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123461' } });
  const d = await declare(token, { ...healthy, person_id: self.id });
  const r = await server.request('POST', `/api/v1/people/${self.id}/qr/revoke`, { token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.revoked, 1);
  assert.equal((await verify(d.json.qr)).verdict, 'revoked');
  const fresh = await server.request('GET', `/api/v1/people/${self.id}/qr`, { token });
  assert.equal(fresh.status, 200);
  assert.notEqual(fresh.json.payload, d.json.qr);
  assert.equal((await verify(fresh.json.payload)).verdict, 'valid');
});

test('keys rotate; tokens of the old key still verify until they expire', async () => {
  const token = await citizenToken(server, '0912000007');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123462' } });
  const d = await declare(token, { ...healthy, person_id: self.id });
  const out = admin(server, ['keys', 'rotate']);
  assert.match(out, /new signing key [0-9a-f]{8}/);
  const { keys } = (await server.request('GET', '/api/v1/keys')).json;
  assert.ok(keys.length >= 2);
  assert.ok(keys.some((k) => k.retired_at && k.not_after));
  assert.equal(keys[0].retired_at, null);
  assert.equal((await verify(d.json.qr)).verdict, 'valid');
  assert.equal((await offlineVerify(d.json.qr, keys)).verdict, 'valid');
  const fresh = await server.request('GET', `/api/v1/people/${self.id}/qr`, { token });
  assert.equal(fresh.json.key_id, keys[0].key_id);
  assert.equal((await offlineVerify(fresh.json.payload, keys)).verdict, 'valid');
  assert.doesNotMatch(server.stdout(), /secret/i);
});

test('an ID number claimed by a second account is refused with an audit entry', async () => {
  const a = await citizenToken(server, '0912000008');
  const b = await citizenToken(server, '0912000009');
  const body = { ...child, id_number: '079315000099' };
  assert.equal((await server.request('POST', '/api/v1/me/people', { token: a, body })).status, 201);
  const again = await server.request('POST', '/api/v1/me/people', { token: a, body });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'already_managed');
  const before = stats();
  const r = await server.request('POST', '/api/v1/me/people', { token: b, body: { ...body, full_name: 'Ai Đó' } });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'id_number_taken');
  assert.equal(r.json.error.field, 'id_number');
  assert.match(r.json.error.message, /another account/);
  const after = stats();
  assert.equal(after.people, before.people);
  assert.equal(after.audit_log, before.audit_log + 1);
});

test('a citizen acts only on the people their account manages', async () => {
  const owner = await citizenToken(server, '0912000010');
  const other = await citizenToken(server, '0912000011');
  const kid = await server.request('POST', '/api/v1/me/people', { token: owner, body: { ...child, id_number: '079315000100' } });
  const id = kid.json.id;
  await declare(owner, { ...healthy, person_id: id });
  for (const [method, path, body] of [
    ['GET', `/api/v1/me/people/${id}`], ['PUT', `/api/v1/me/people/${id}`, child], ['GET', `/api/v1/me/people/${id}/declarations`],
    ['GET', `/api/v1/people/${id}/qr`], ['POST', `/api/v1/people/${id}/qr/revoke`], ['POST', '/api/v1/declarations', { ...healthy, person_id: id }],
    ['GET', '/api/v1/me/people/abc'],
  ]) {
    const r = await server.request(method, path, { token: other, body });
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
  }
  assert.equal((await server.request('GET', '/api/v1/me/people')).status, 401);
  const staff = await staffToken(server, { username: 'hcm.staff', role: 'official', jurisdiction: '79' });
  assert.equal((await server.request('GET', '/api/v1/me/people', { token: staff })).status, 403);
  const noDecl = await server.request('POST', '/api/v1/me/people', { token: owner, body: { ...grandma, id_number: '001150000778' } });
  const q = await server.request('GET', `/api/v1/people/${noDecl.json.id}/qr`, { token: owner });
  assert.equal(q.status, 409);
  assert.equal(q.json.error.code, 'no_declaration');
});

test('verification says why a code is no longer accepted: the colour changed, or the holder revoked it', async () => {
  const token = await citizenToken(server, '0912000012');
  const self = await selfOf(token);
  await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...selfDetails, id_number: '079090123463' } });
  const green = await declare(token, { ...healthy, person_id: self.id });
  const valid = await verify(green.json.qr);
  assert.equal(valid.revoked_reason, null);
  assert.equal(valid.revoked_at, null);
  const yellow = await declare(token, { ...healthy, person_id: self.id, symptoms: ['cough'] });
  const changed = await verify(green.json.qr);
  assert.equal(changed.verdict, 'revoked');
  assert.equal(changed.revoked_reason, 'colour_changed');
  assert.match(changed.revoked_at, /\+07:00$/);
  assert.equal(changed.colour, 'green', 'the colour the revoked code carried');
  assert.equal((await server.request('POST', `/api/v1/people/${self.id}/qr/revoke`, { token })).status, 200);
  const byHolder = await verify(yellow.json.qr);
  assert.equal(byHolder.verdict, 'revoked');
  assert.equal(byHolder.revoked_reason, 'holder');
  assert.equal((await verify(green.json.qr)).revoked_reason, 'colour_changed', 'a later revocation keeps the first reason');
});
