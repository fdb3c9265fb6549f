// One person, many identifiers, through the API: a table of identity situations — cards,
// phones, lists, dependants, twins — each answered by the real server, then merges and
// unmerges as an official does them, tracing across merged records, and bad input. Every
// situation uses people of its own, so each reads alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let hcm;     // a health official of province 79
let hanoi;   // one of province 01
let owner;   // a citizen who runs the venues (a manager scans too)
let wardName;
const W = '26743';  // the ward everyone lives in (its name is read from the API)
const venues = {};
const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };
const REASON = 'kiểm tra trùng lặp hồ sơ';

let serial = 0;
/** A person of our own: a phone, a CCCD number that agrees with the birth date and sex. */
function newPerson(name, birth, sex) {
  serial += 1;
  const n = String(serial).padStart(4, '0');
  const centuryDigit = (birth < '2000' ? 0 : 2) + (sex === 'female' ? 1 : 0);
  return {
    name, birth, sex,
    phone: `09135${n}0`,
    e164: `+849135${n}0`,
    cccd: `079${centuryDigit}${birth.slice(2, 4)}00${n}`,
    bhyt: `DN47901${String(serial).padStart(8, '0')}`,
  };
}
const ddmmyyyy = (d) => `${d.slice(8, 10)}${d.slice(5, 7)}${d.slice(0, 4)}`;
const cccdCard = (p, { oldId = '', address = '12 Lê Lợi, TP HCM', id = p.cccd } = {}) =>
  `${id}|${oldId}|${p.name}|${ddmmyyyy(p.birth)}|${p.sex === 'male' ? 'Nam' : 'Nữ'}|${address}|01012022`;
const bhytCard = (p, address = 'TP Hồ Chí Minh') =>
  `${p.bhyt}|${hex(p.name)}|${p.birth.slice(8, 10)}/${p.birth.slice(5, 7)}/${p.birth.slice(0, 4)}|${p.sex === 'male' ? 1 : 2}|${hex(address)}`;

async function ok(r, status = [200, 201]) {
  const want = Array.isArray(status) ? status : [status];
  assert.ok(want.includes(r.status), `${r.status} ${r.text}`);
  return r.json;
}

/** A citizen who signed in and completed their profile; `declared` declares too. */
async function citizen(p, { declared = true } = {}) {
  const token = await citizenToken(server, p.phone);
  const me = await ok(await server.request('GET', '/api/v1/me/people', { token }));
  const id = me.people[0].id;
  const profile = { full_name: p.name, id_kind: 'cccd', id_number: p.cccd, birth_date: p.birth, sex: p.sex, province_code: '79', ward_code: W, street: '12 Lê Lợi' };
  await ok(await server.request('PUT', `/api/v1/me/people/${id}`, { token, body: profile }));
  if (declared) await ok(await server.request('POST', '/api/v1/declarations', { token, body: { ...healthy, person_id: id } }));
  return { ...p, token, id };
}

async function scan(venue, payload, extra = {}) {
  return ok(await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: venue.id, payload, ...extra } }));
}
async function poster(c, venue) {
  return ok(await server.request('POST', '/api/v1/checkins', { token: c.token, body: { venue_code: venue.code } }));
}
async function enter(body, token = hcm) {
  return server.request('POST', '/api/v1/identity/people', { token, body });
}
async function recordCase(person) {
  return ok(await server.request('POST', '/api/v1/cases', { token: hcm, body: { person_id: person.id ?? person, test_date: today() } }));
}
async function queue(token = hcm, status = 'open') {
  return ok(await server.request('GET', `/api/v1/identity/candidates?status=${status}&limit=200&reason=${encodeURIComponent(REASON)}`, { token }));
}
/** The queued pair of two records, in either order, or undefined. */
async function pairOf(a, b, token = hcm, status = 'open') {
  const q = await queue(token, status);
  return q.candidates.find((k) => (k.person_id === a && k.match_id === b) || (k.person_id === b && k.match_id === a));
}
async function pairFile(id) {
  return ok(await server.request('GET', `/api/v1/identity/candidates/${id}?reason=${encodeURIComponent(REASON)}`, { token: hcm }));
}
async function merge(pairId, reason = 'cùng một người: cùng thẻ BHYT') {
  return server.request('POST', `/api/v1/identity/candidates/${pairId}/merge`, { token: hcm, body: { reason } });
}
async function unmerge(mergeId, reason = 'gộp nhầm hai người') {
  return server.request('POST', `/api/v1/identity/merges/${mergeId}/unmerge`, { token: hcm, body: { reason } });
}
async function contactIds(caseId) {
  const r = await ok(await server.request('GET', `/api/v1/cases/${caseId}/contacts?reason=${encodeURIComponent(REASON)}`, { token: hcm }));
  return r.contacts.map((k) => k.person_id).sort((a, b) => a - b);
}
function stats() { return JSON.parse(admin(server, ['stats'])); }
let venueCount = 0;
/** A shop of its own, for a situation whose tracing must meet nobody else's visits. */
async function newVenue() {
  const body = { name: `Quán riêng ${++venueCount}`, kind: 'restaurant', province_code: '79', ward_code: W, street: '2 Lê Lợi' };
  return ok(await server.request('POST', '/api/v1/venues', { token: owner, body }));
}

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.identity', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.identity', role: 'official', jurisdiction: '01' });
  owner = await citizenToken(server, '0913500000');
  wardName = (await ok(await server.request('GET', '/api/v1/areas/provinces/79/wards'))).find((w) => w.code === W).name;
  for (const v of ['a', 'b', 'c', 'd', 'e']) {
    const body = { name: `Cửa hàng ${v}`, kind: 'shop', province_code: '79', ward_code: W, street: '1 Lê Lợi' };
    venues[v] = await ok(await server.request('POST', '/api/v1/venues', { token: owner, body }));
  }
});
after(async () => { await server?.stop(); });

// ---- the table of identity situations ----

const SITUATIONS = {
  async 'a chip ID card scanned twice is one person'() {
    const p = newPerson('Lý Văn Một', '1985-02-03', 'male');
    const first = await scan(venues.a, cccdCard(p));
    const second = await scan(venues.b, cccdCard(p));
    assert.equal(second.visit.person_id, first.visit.person_id);
    assert.equal(first.reason, 'card_not_linked', 'a card of nobody who declared is never green');
  },

  async 'a case recorded by CCCD, then scanned by a BHYT card naming their ward, is linked and red'() {
    const c = await citizen(newPerson('Phan Văn Hai', '1984-04-05', 'male'));
    await recordCase(c);
    const r = await scan(venues.a, bhytCard(c, `12 Lê Lợi, ${wardName}, TP Hồ Chí Minh`));
    assert.equal(r.visit.person_id, c.id, 'the BHYT card is the declared person');
    assert.deepEqual([r.colour, r.reason, r.flagged], ['red', 'confirmed_case', true]);
    const again = await scan(venues.b, bhytCard(c, 'không rõ địa chỉ'));
    assert.equal(again.visit.person_id, c.id, 'the card number is known now: no address needed');
  },

  async 'a visit made by BHYT card is the CCCD person’s: tracing finds it, and the card is red once they are a case'() {
    const c = await citizen(newPerson('Bạch Văn Quét', '1986-03-14', 'male'));
    const near = await citizen(newPerson('Bạch Thị Cạnh', '1993-05-15', 'female'));
    const shop = await newVenue();
    const card = bhytCard(c, `12 Lê Lợi, ${wardName}, TP Hồ Chí Minh`);
    const visit = await scan(shop, card);
    assert.equal(visit.visit.person_id, c.id, 'the BHYT card is filed under the CCCD person');
    await poster(near, shop);
    const kase = await recordCase(c);
    assert.deepEqual(await contactIds(kase.id), [near.id], 'the visit made by the card is traced');
    const atDoor = await scan(venues.d, card);
    assert.deepEqual([atDoor.visit.person_id, atDoor.colour, atDoor.reason, atDoor.flagged], [c.id, 'red', 'confirmed_case', true]);
  },

  async 'a case scanned by a BHYT card that names no ward is not linked, is queued, and red once merged'() {
    const c = await citizen(newPerson('Đinh Thị Ba', '1983-06-07', 'female'));
    await recordCase(c);
    const first = await scan(venues.a, bhytCard(c));
    assert.notEqual(first.visit.person_id, c.id, 'name, birth date and sex alone are not sure');
    assert.deepEqual([first.colour, first.reason], ['not_declared', 'card_not_linked']);
    const pair = await pairOf(first.visit.person_id, c.id);
    assert.ok(pair, 'the likely match is queued for the officials');
    assert.equal(pair.rule, 'name_birth');
    assert.equal(pair.evidence.name, 'same');
    const merged = await ok(await merge(pair.id), 201);
    assert.equal(merged.survivor_id, c.id, 'the declared account holder survives');
    const after = await scan(venues.b, bhytCard(c));
    assert.equal(after.visit.person_id, c.id);
    assert.deepEqual([after.colour, after.reason, after.flagged], ['red', 'confirmed_case', true]);
  },

  async 'a citizen adds their BHYT number, and the door knows the card'() {
    const c = await citizen(newPerson('Hồ Văn Bốn', '1982-08-09', 'male'));
    const added = await ok(await server.request('POST', `/api/v1/me/people/${c.id}/identifiers`, { token: c.token, body: { kind: 'bhxh', number: c.bhyt } }), 201);
    assert.equal(added.number, c.bhyt.slice(5), 'kept as the lifelong social-insurance number');
    const r = await scan(venues.a, bhytCard(c));
    assert.equal(r.visit.person_id, c.id);
    assert.deepEqual([r.colour, r.reason], ['green', 'declared']);
  },

  async 'a CMND-era person showing a new CCCD is the same person'() {
    const p = newPerson('Trịnh Văn Năm', '1960-10-11', 'male');
    const listed = await ok(await enter({ full_name: p.name, birth_date: p.birth, sex: 'male', identifiers: [{ kind: 'cmnd', number: '023456781' }] }), 201);
    assert.equal(listed.how, 'new');
    const card = await scan(venues.a, cccdCard(p, { oldId: '023456781' }));
    assert.equal(card.visit.person_id, listed.person_id, 'the card’s old-ID field names the CMND');
    const later = await scan(venues.b, cccdCard(p));
    assert.equal(later.visit.person_id, listed.person_id, 'and the CCCD is known from then on');
  },

  async 'two siblings sharing a parent’s phone stay two people'() {
    const mum = await citizen(newPerson('Võ Thị Sáu', '1980-01-01', 'female'));
    const kids = [['Võ Văn Bình', '2012-03-04', 'male'], ['Võ Thị Cúc', '2014-05-06', 'female']];
    const ids = [];
    for (const [name, birth, sex] of kids) {
      const cccd = `079${sex === 'male' ? 2 : 3}${birth.slice(2, 4)}00${String(++serial).padStart(4, '0')}`;
      const r = await ok(await server.request('POST', '/api/v1/me/people', { token: mum.token, body: { full_name: name, id_kind: 'cccd', id_number: cccd, birth_date: birth, sex, province_code: '79', ward_code: W, street: '12 Lê Lợi' } }), 201);
      ids.push(r.id);
    }
    // At the door each child gives the phone and their name; the code proves the phone.
    for (const [i, [name]] of kids.entries()) {
      await ok(await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: venues.c.id, payload: mum.phone } }), 202);
      const code = await server.lastOtp(mum.e164);
      const r = await scan(venues.c, mum.phone, { code, full_name: name });
      assert.equal(r.visit.person_id, ids[i], `${name} is found by the shared phone and their name`);
    }
    assert.equal(await pairOf(ids[0], ids[1]), undefined, 'siblings are never a candidate pair');
  },

  async 'an imported row matches an existing person'() {
    const c = await citizen(newPerson('Dương Văn Bảy', '1979-12-13', 'male'));
    // A spreadsheet without accents, the phone in another form, no ID number.
    const row = await ok(await enter({ full_name: 'DUONG VAN BAY', birth_date: c.birth, sex: 'male', phone: `+84 ${c.phone.slice(1)}` }));
    assert.deepEqual([row.how, row.person_id, row.rule], ['sure_match', c.id, 'name_birth_sex_place']);
    const byId = await ok(await enter({ full_name: 'Dương Văn Bảy', identifiers: [{ kind: 'cccd', number: c.cccd }] }));
    assert.deepEqual([byId.how, byId.person_id], ['identifier', c.id]);
  },

  async 'twins with the same birth date and similar names are never merged'() {
    const base = { birth_date: '2016-07-08', sex: 'male', phone: '0913599001', province_code: '79', ward_code: W };
    const an = await ok(await enter({ ...base, full_name: 'Kiều Văn An' }), 201);
    const anh = await ok(await enter({ ...base, full_name: 'Kiều Văn Anh' }), 201);
    assert.equal(anh.how, 'new', 'a similar name is never a sure match');
    assert.notEqual(anh.person_id, an.person_id);
    assert.equal(anh.candidates.length, 1, 'but the pair goes to an official');
    const dismissed = await ok(await server.request('POST', `/api/v1/identity/candidates/${anh.candidates[0]}/dismiss`, { token: hcm, body: { reason: 'anh em sinh đôi' } }));
    assert.equal(dismissed.status, 'dismissed');
    const again = await ok(await enter({ ...base, full_name: 'Kiều Văn Anh' }));
    assert.deepEqual([again.how, again.person_id], ['sure_match', anh.person_id], 'each twin is found again as themselves');
    assert.equal(await pairOf(an.person_id, anh.person_id), undefined, 'a dismissed pair is not queued again');
    const refused = await merge(anh.candidates[0]);
    assert.equal(refused.status, 409);
    assert.equal(refused.json.error.code, 'candidate_closed');
  },

  async 'a passport seen again without its country is the same passport'() {
    const listed = await ok(await enter({ full_name: 'Kim Min Jun', birth_date: '1995-01-20', sex: 'male', identifiers: [{ kind: 'passport', number: 'M12345678', country: 'KR' }] }), 201);
    const again = await ok(await enter({ full_name: 'KIM MIN JUN', identifiers: [{ kind: 'passport', number: 'm 1234 5678' }] }));
    assert.deepEqual([again.how, again.person_id], ['identifier', listed.person_id]);
  },

  async 'two different CCCD numbers are two people, never a pair'() {
    const base = { full_name: 'Tạ Văn Tám', birth_date: '1978-03-03', sex: 'male', phone: '0913599002', province_code: '79', ward_code: W };
    const one = await ok(await enter({ ...base, identifiers: [{ kind: 'cccd', number: '079078990001' }] }), 201);
    const two = await ok(await enter({ ...base, identifiers: [{ kind: 'cccd', number: '079078990002' }] }), 201);
    assert.notEqual(two.person_id, one.person_id);
    assert.deepEqual(two.candidates, []);
  },

  async 'a guest’s typed name and phone are not proof: a pair for officials, never the declared colour'() {
    const c = await citizen(newPerson('Lâm Văn Chín', '1977-04-04', 'male'));
    await recordCase(c);
    const r = await ok(await server.request('POST', '/api/v1/checkins', { body: { venue_code: venues.d.code, guest: { full_name: c.name, phone: c.phone } } }), 201);
    const v = r.visits[0];
    assert.notEqual(v.person_id, c.id);
    assert.deepEqual([v.status.colour, v.status.reason], ['not_declared', 'no_declaration']);
    const pair = await pairOf(v.person_id, c.id);
    assert.equal(pair?.rule, 'name_phone');
    const again = await ok(await server.request('POST', '/api/v1/checkins', { body: { venue_code: venues.e.code, guest: { full_name: c.name, phone: c.phone } } }), 201);
    assert.equal(again.visits[0].person_id, v.person_id, 'the guest’s own record is found again');
  },

  async 'a BHYT number claimed by a citizen but seen on another record goes to the officials'() {
    const c = await citizen(newPerson('Mai Thị Mười', '1976-05-05', 'female'));
    const seen = await scan(venues.a, bhytCard(c));
    assert.notEqual(seen.visit.person_id, c.id);
    const claim = await ok(await server.request('POST', `/api/v1/me/people/${c.id}/identifiers`, { token: c.token, body: { kind: 'bhxh', number: c.bhyt } }), 202);
    assert.equal(claim.status, 'pending_review');
    const file = await pairFile(claim.candidate_id);
    assert.deepEqual([file.person.id, file.match.id].sort(), [seen.visit.person_id, c.id].sort());
    await ok(await merge(claim.candidate_id), 201);
    assert.equal((await scan(venues.b, bhytCard(c))).visit.person_id, c.id);
  },

  async 'two account holders are never merged: one person, one account'() {
    const a = await citizen(newPerson('Quách Văn Một', '1975-06-06', 'male'));
    const b = await citizen(newPerson('Quách Văn Một', '1975-06-06', 'male'), { declared: false });
    const r = await server.request('POST', '/api/v1/identity/merges', { token: hcm, body: { person_ids: [a.id, b.id], reason: 'cùng một người' } });
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'two_account_holders');
  },

  async 'an official of another province neither sees nor merges the pair'() {
    const c = await citizen(newPerson('Tôn Văn Hai', '1974-07-07', 'male'));
    const seen = await scan(venues.a, bhytCard(c));
    const pair = await pairOf(seen.visit.person_id, c.id);
    assert.ok(pair);
    assert.equal(await pairOf(seen.visit.person_id, c.id, hanoi), undefined);
    const read = await server.request('GET', `/api/v1/identity/candidates/${pair.id}?reason=${encodeURIComponent(REASON)}`, { token: hanoi });
    assert.equal(read.status, 404);
    const m = await server.request('POST', `/api/v1/identity/candidates/${pair.id}/merge`, { token: hanoi, body: { reason: 'thử' } });
    assert.equal(m.status, 404);
    const direct = await server.request('POST', '/api/v1/identity/merges', { token: hanoi, body: { person_ids: [c.id, seen.visit.person_id], reason: 'thử gộp' } });
    assert.equal(direct.status, 404);
    assert.equal((await pairOf(seen.visit.person_id, c.id)).status, 'open', 'nothing was written');
  },

  async 'a merge followed by an unmerge restores every record'() {
    const c = await citizen(newPerson('Lưu Văn Ba', '1973-08-08', 'male'));
    await poster(c, venues.a);
    const dup = await scan(venues.b, bhytCard(c));
    await scan(venues.c, bhytCard(c));
    const pair = await pairOf(dup.visit.person_id, c.id);
    const before = await pairFile(pair.id);
    assert.deepEqual([before.match.counts.visits, before.person.counts.visits].sort(), [1, 2]);
    const merged = await ok(await merge(pair.id), 201);
    const during = await pairFile(pair.id);
    const survivor = during.person.id === c.id ? during.person : during.match;
    const gone = during.person.id === c.id ? during.match : during.person;
    assert.equal(during.status, 'merged');
    assert.deepEqual([survivor.counts.visits, gone.counts.visits, gone.merged_into], [3, 0, c.id]);
    assert.ok(survivor.identifiers.some((i) => i.kind === 'bhxh'), 'the card’s number moved to the person');
    const undone = await ok(await unmerge(merged.id));
    assert.ok(undone.restored >= 3 && undone.kept === 0, JSON.stringify(undone));
    assert.deepEqual(await pairFile(pair.id), before, 'every record is back where it was');
    const twice = await unmerge(merged.id);
    assert.equal(twice.status, 409);
    assert.equal(twice.json.error.code, 'already_unmerged');
  },

  async 'tracing after a merge finds the visits made under both former records'() {
    const c = await citizen(newPerson('Cao Văn Bốn', '1972-09-09', 'male'));
    const near = await citizen(newPerson('Cao Thị Gần', '1990-01-01', 'female'));
    const far = await citizen(newPerson('Cao Văn Xa', '1991-02-02', 'male'));
    const [one, two] = [await newVenue(), await newVenue()];
    await poster(c, one);
    await poster(near, one);
    const dup = await scan(two, bhytCard(c));  // the same man, at another shop, by his BHYT card
    await poster(far, two);
    const kase = await recordCase(c);
    assert.deepEqual(await contactIds(kase.id), [near.id], 'before: only the CCCD record’s visits');
    const pair = await pairOf(dup.visit.person_id, c.id);
    const merged = await ok(await merge(pair.id), 201);
    assert.deepEqual(merged.cases_to_trace, [kase.id]);
    assert.deepEqual(await contactIds(kase.id), [near.id, far.id].sort((a, b) => a - b), 'after: both records’ visits');
    await ok(await unmerge(merged.id));
    assert.deepEqual(await contactIds(kase.id), [near.id], 'and back after the unmerge');
  },

  async 'a person notified under two records is not notified again once they are one'() {
    const kase = await citizen(newPerson('Ninh Văn Ca', '1971-10-10', 'male'));
    const x = await citizen(newPerson('Ninh Thị Tiếp', '1992-11-11', 'female'));
    const shop = await newVenue();
    await poster(kase, shop);
    await poster(x, shop);
    const dup = await scan(shop, bhytCard(x));  // the same woman, scanned again by her BHYT card
    const k = await recordCase(kase);
    assert.equal(k.trace.f1, 2, 'two records, two contacts');
    const sent = await ok(await server.request('POST', `/api/v1/cases/${k.id}/notices`, { token: hcm }));
    assert.equal(sent.sent, 2);
    const pair = await pairOf(dup.visit.person_id, x.id);
    await ok(await merge(pair.id), 201);
    const again = await ok(await server.request('POST', `/api/v1/cases/${k.id}/notices`, { token: hcm }));
    assert.equal(again.sent, 0, 'no third notice');
    const file = await ok(await server.request('GET', `/api/v1/cases/${k.id}?reason=${encodeURIComponent(REASON)}`, { token: hcm }));
    assert.equal(file.contact_counts.f1.total, 1, 'one person, one contact');
  },
};

for (const [name, run] of Object.entries(SITUATIONS)) test(name, run);

// ---- refusals ----

test('bad input is refused naming the field, and nothing is written', async () => {
  const c = await citizen(newPerson('Văn Thị Sai', '1970-01-01', 'female'), { declared: false });
  const seen = await scan(venues.a, bhytCard(c));
  const pair = await pairOf(seen.visit.person_id, c.id);
  const counted = () => { const s = stats(); return [s.identity_candidates, s.identity_merges, s.person_identifiers, s.people]; };
  const before = counted();
  const refusals = [
    ['POST', '/api/v1/identity/merges', { person_ids: [c.id, c.id], reason: 'cùng một người' }, 400, 'person_ids', 'same_person'],
    ['POST', '/api/v1/identity/merges', { person_ids: [c.id], reason: 'cùng một người' }, 400, 'person_ids', 'wrong_type'],
    ['POST', '/api/v1/identity/merges', { person_ids: [c.id, 99999999], reason: 'cùng một người' }, 404, 'person_ids', 'person_not_found'],
    ['POST', `/api/v1/identity/candidates/${pair.id}/merge`, {}, 400, 'reason', 'missing_field'],
    ['POST', `/api/v1/identity/candidates/${pair.id}/merge`, { reason: 'x' }, 400, 'reason', 'reason_required'],
    ['POST', '/api/v1/identity/merges/99999999/unmerge', { reason: 'gộp nhầm' }, 404, undefined, 'merge_not_found'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', identifiers: [{ kind: 'cccd', number: '123' }] }, 400, 'identifiers[0].number', 'invalid_identifier'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', identifiers: [{ kind: 'visa', number: '123' }] }, 400, 'identifiers[0].kind', 'invalid_identifier_kind'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', identifiers: [{ kind: 'bhxh', number: '12345' }] }, 400, 'identifiers[0].number', 'invalid_identifier'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', birth_date: '1990-13-01' }, 400, 'birth_date', 'invalid_date'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', ward_code: '00004' }, 403, 'ward_code', 'outside_jurisdiction'],
    ['POST', '/api/v1/identity/people', { full_name: 'Ai Đó', colour: 'red' }, 400, 'colour', 'unknown_field'],
  ];
  for (const [method, path, body, status, field, code] of refusals) {
    const r = await server.request(method, path, { token: hcm, body });
    assert.equal(r.status, status, `${path} ${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.code, code, r.text);
    if (field) assert.equal(r.json.error.field, field, r.text);
  }
  const citizenBad = [
    [{ kind: 'bhxh', number: 'abc' }, 'number', 'invalid_identifier'],
    [{ kind: 'cccd', number: '079090000001' }, 'number', 'conflicting_identifiers'],
    [{ kind: 'phone', number: '12' }, 'number', 'invalid_phone'],
  ];
  for (const [body, field, code] of citizenBad) {
    const r = await server.request('POST', `/api/v1/me/people/${c.id}/identifiers`, { token: c.token, body });
    assert.ok(r.status === 400 || r.status === 409, r.text);
    assert.deepEqual([r.json.error.field, r.json.error.code], [field, code], r.text);
  }
  const other = await citizenToken(server, '0913599999');
  const notMine = await server.request('POST', `/api/v1/me/people/${c.id}/identifiers`, { token: other, body: { kind: 'bhxh', number: c.bhyt } });
  assert.equal(notMine.status, 404);
  assert.deepEqual(counted(), before, 'nothing was written');
  // The queue is for health officials, and every read of it needs a reason.
  assert.equal((await server.request('GET', '/api/v1/identity/candidates', { token: hcm })).json.error.code, 'reason_required');
  assert.equal((await server.request('GET', `/api/v1/identity/candidates?reason=${REASON}`, { token: c.token })).status, 403);
  assert.equal((await server.request('GET', `/api/v1/identity/candidates?reason=${REASON}`)).status, 401);
});

test('every read of the queue is audited with its reason', async () => {
  const before = stats().audit_log;
  await queue();
  assert.equal(stats().audit_log, before + 1);
});
