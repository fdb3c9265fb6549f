// The door, as a guard and a visitor meet it: every way in × every health status of the
// person → the colour, the reason and what to do, answered by the real server. Nobody is
// green by default; a confirmed case is red whichever door they use (when the door can tell
// who they are), and is recorded and flagged for tracing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

let server;
let clockFile;
let owner;     // a citizen who manages the venues (a manager scans too)
let official;  // the city's health official
const venues = {};
const people = {};
const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

async function moveClock(seconds) {
  writeFileSync(clockFile, String(seconds));
  await new Promise((r) => setTimeout(r, 250));  // the server re-reads the file every 100 ms
}

// Each person has an account, a complete profile with a CCCD number, and (but one) a declaration.
const PEOPLE = {
  case: { phone: '0912510001', id: '079090510001', name: 'Phạm Văn Ca', birth: '1990-01-02', ddmmyyyy: '02011990', sex: 'male' },
  f1: { phone: '0912510002', id: '079191510002', name: 'Lê Thị Tiếp', birth: '1991-03-04', ddmmyyyy: '04031991', sex: 'female' },
  symptoms: { phone: '0912510003', id: '079092510003', name: 'Trần Văn Sốt', birth: '1992-05-06', ddmmyyyy: '06051992', sex: 'male' },
  clean: { phone: '0912510004', id: '079193510004', name: 'Ngô Thị Lành', birth: '1993-07-08', ddmmyyyy: '08071993', sex: 'female' },
  stale: { phone: '0912510005', id: '079094510005', name: 'Đỗ Văn Cũ', birth: '1994-09-10', ddmmyyyy: '10091994', sex: 'male' },
  none: { phone: '0912510006', id: '079195510006', name: 'Vũ Thị Chưa', birth: '1995-11-12', ddmmyyyy: '12111995', sex: 'female' },
};
const cccdOf = (p) => `${p.id}||${p.name}|${p.ddmmyyyy}|${p.sex === 'male' ? 'Nam' : 'Nữ'}|12 Lê Lợi, TP HCM|01012022`;
// A BHYT card carries no CCCD number: its printed address is all that places its holder.
const bhytOf = (p, n, address = '12 Lê Lợi, Phường Bến Thành, TP HCM') => `DN47901${String(n).padStart(8, '0')}|${hex(p.name)}|${p.ddmmyyyy.slice(0, 2)}/${p.ddmmyyyy.slice(2, 4)}/${p.ddmmyyyy.slice(4)}|${p.sex === 'male' ? 1 : 2}|${hex(address)}`;

async function declare(name, symptoms) {
  const p = people[name];
  const r = await server.request('POST', '/api/v1/declarations', {
    token: p.token,
    body: { person_id: p.person_id, kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms, exposures: ['none'], vaccine_doses: 2 },
  });
  assert.equal(r.status, 201, r.text);
}

async function newVenue(name) {
  const body = { name, kind: 'shop', province_code: '79', ward_code: '26743', street: '1 Lê Lợi' };
  const r = await server.request('POST', '/api/v1/venues', { token: owner, body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

before(async () => {
  clockFile = join(mkdtempSync(join(tmpdir(), 'kb-clock-')), 'offset');
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  owner = await citizenToken(server, '0912510000');
  official = await staffToken(server, { username: 'hcm.door', role: 'official', jurisdiction: '79' });
  for (const v of ['trace', 'poster', 'kiosk', 'personal_qr', 'cccd', 'bhyt', 'bhyt_no_ward', 'phone_code', 'manual', 'guest_form']) {
    venues[v] = await newVenue(`Cửa hàng ${v}`);
  }
  for (const [name, p] of Object.entries(PEOPLE)) {
    const token = await citizenToken(server, p.phone);
    const me = await server.request('GET', '/api/v1/me/people', { token });
    const self = me.json.people[0];
    const profile = { full_name: p.name, id_kind: 'cccd', id_number: p.id, birth_date: p.birth, sex: p.sex, province_code: '79', ward_code: '26743', street: '12 Lê Lợi' };
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
    assert.equal(put.status, 200, put.text);
    people[name] = { ...p, token, person_id: self.id };
  }
  // A declaration eight days old: the clock goes back, the person declares, the clock returns.
  await moveClock(-8 * 86400);
  await declare('stale', ['none']);
  await moveClock(0);
  await declare('case', ['none']);
  await declare('f1', ['none']);
  await declare('symptoms', ['fever', 'cough']);
  await declare('clean', ['none']);
  // The F1 shared a shop with the case before the case was confirmed.
  for (const name of ['case', 'f1']) {
    const r = await server.request('POST', '/api/v1/checkins', { token: people[name].token, body: { venue_code: venues.trace.code } });
    assert.equal(r.status, 201, r.text);
  }
  const kase = await server.request('POST', '/api/v1/cases', { token: official, body: { phone: PEOPLE.case.phone, test_date: today() } });
  assert.equal(kase.status, 201, kase.text);
  assert.equal(kase.json.trace.f1, 1);
});
after(async () => { await server?.stop(); });

// Each door path: how the person gets through it; returns what the door answered
// ({colour, reason, instruction, flagged}).
const PATHS = {
  async poster(name) {
    const r = await server.request('POST', '/api/v1/checkins', { token: people[name].token, body: { venue_code: venues.poster.code } });
    assert.equal(r.status, 201, r.text);
    return { ...r.json.visits[0].status, flagged: r.json.visits[0].flagged };
  },
  async kiosk(name) {
    const k = await server.request('GET', `/api/v1/venues/${venues.kiosk.id}/kiosk-code`, { token: owner });
    assert.equal(k.status, 200, k.text);
    const r = await server.request('POST', '/api/v1/checkins', { token: people[name].token, body: { venue_code: venues.kiosk.code, kiosk: k.json.token } });
    assert.equal(r.status, 201, r.text);
    return { ...r.json.visits[0].status, flagged: r.json.visits[0].flagged };
  },
  async personal_qr(name) {
    const qr = await server.request('GET', `/api/v1/people/${people[name].person_id}/qr`, { token: people[name].token });
    if (name === 'none') {
      assert.equal(qr.status, 409, 'no declaration, no personal QR');
      return null;
    }
    assert.equal(qr.status, 200, qr.text);
    return scan(venues.personal_qr, qr.json.payload);
  },
  async cccd(name) { return scan(venues.cccd, cccdOf(people[name])); },
  async bhyt(name) { return scan(venues.bhyt, bhytOf(people[name], Object.keys(PEOPLE).indexOf(name) + 1)); },
  async bhyt_no_ward(name) {
    return scan(venues.bhyt_no_ward, bhytOf(people[name], Object.keys(PEOPLE).indexOf(name) + 11, 'TP HCM'));
  },
  async phone_code(name) {
    const ask = await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: venues.phone_code.id, payload: people[name].phone } });
    assert.equal(ask.status, 202, ask.text);
    const code = await server.waitForOtp(`+84${people[name].phone.slice(1)}`);
    return scan(venues.phone_code, people[name].phone, { code });
  },
  async manual(name) {
    const r = await server.request('POST', `/api/v1/venues/${venues.manual.id}/visits`, { token: owner, body: { full_name: people[name].name, phone: people[name].phone } });
    assert.equal(r.status, 201, r.text);
    return pick(r.json);
  },
  async guest_form(name) {
    const r = await server.request('POST', '/api/v1/checkins', { body: { venue_code: venues.guest_form.code, guest: { full_name: people[name].name, phone: people[name].phone } } });
    assert.equal(r.status, 201, r.text);
    return { ...r.json.visits[0].status, flagged: r.json.visits[0].flagged };
  },
};

function pick(j) { return { colour: j.colour, reason: j.reason, instruction: j.instruction, flagged: j.flagged }; }

async function scan(venue, payload, extra = {}) {
  const r = await server.request('POST', '/api/v1/scans', { token: owner, body: { venue_id: venue.id, payload, ...extra } });
  assert.equal(r.status, 201, r.text);
  return pick(r.json);
}

const RED = { colour: 'red', reason: 'confirmed_case', instruction: 'do_not_admit_call_health_station', flagged: true };
const QUARANTINE = { colour: 'yellow', reason: 'f1_quarantine', instruction: 'do_not_admit_in_quarantine', flagged: true };
const SYMPTOMS = { colour: 'yellow', reason: 'symptoms', instruction: 'refer_to_medical_check', flagged: false };
const GREEN = { colour: 'green', reason: 'declared', instruction: 'admit', flagged: false };
const STALE = { colour: 'not_declared', reason: 'declaration_stale', instruction: 'ask_to_declare_again', flagged: false };
const UNDECLARED = { colour: 'not_declared', reason: 'no_declaration', instruction: 'ask_to_declare', flagged: false };
// A health-insurance card carries no CCCD number, so until the card is tied to the person
// who declared (one person across identifiers, identity/resolve.h) the door says so, and never
// shows green.
const CARD_NOT_LINKED = { colour: 'not_declared', reason: 'card_not_linked', instruction: 'ask_to_declare', flagged: false };

// The paths on which the door knows the person: the same answer as their record says.
const KNOWN = { case: RED, f1: QUARANTINE, symptoms: SYMPTOMS, clean: GREEN, stale: STALE, none: UNDECLARED };
const EXPECTED = {
  poster: KNOWN,
  kiosk: KNOWN,
  personal_qr: { ...KNOWN, none: null },
  cccd: KNOWN,
  phone_code: KNOWN,
  // The card's name, birth date and sex are the declared person's and its printed address names
  // their ward: a sure match (identity/matching.h, name_birth_sex_place) ties the card to them,
  // so the door answers their own colour — the case is red by their BHYT card too.
  bhyt: KNOWN,
  // The same cards printing no ward: name, birth date and sex alone are never sure, so the card
  // is a record of its own (queued for the officials as a likely match) and says so.
  bhyt_no_ward: Object.fromEntries(Object.keys(PEOPLE).map((n) => [n, CARD_NOT_LINKED])),
  // Typed in by name and phone, or the guest form: nothing proves the phone, so the matcher
  // finds the declared person only a likely match (name_phone), queued for the officials, and
  // the visitor stays a record apart from the account.
  manual: Object.fromEntries(Object.keys(PEOPLE).map((n) => [n, UNDECLARED])),
  guest_form: Object.fromEntries(Object.keys(PEOPLE).map((n) => [n, UNDECLARED])),
};

for (const [path, byStatus] of Object.entries(EXPECTED)) {
  test(`the ${path} door answers each person's current colour, reason and instruction`, async () => {
    for (const [name, want] of Object.entries(byStatus)) {
      const got = await PATHS[path](name);
      assert.deepEqual(got, want, `${path} × ${name}`);
    }
  });
}

test('everyone who came through the poster door was recorded, the case too, for tracing', async () => {
  const r = await server.request('GET', `/api/v1/venues/${venues.poster.id}/visits`, { token: owner });
  assert.equal(r.status, 200);
  assert.ok(r.json.counts.in >= 6, 'every person was recorded, the case too');
});

test('checking in again after checking out records a second stay', async () => {
  const token = people.clean.token;
  const v = venues.trace.code;
  const first = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: v } });
  assert.equal(first.status, 201, first.text);
  const again = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: v } });
  assert.equal(again.status, 200, 'a double tap while inside is the same visit');
  assert.equal(again.json.visits[0].id, first.json.visits[0].id);
  const out = await server.request('POST', '/api/v1/checkouts', { token, body: { venue_code: v } });
  assert.equal(out.status, 200, out.text);
  const back = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: v } });
  assert.equal(back.status, 201, back.text);
  assert.equal(back.json.visits[0].duplicate, false);
  assert.notEqual(back.json.visits[0].id, first.json.visits[0].id, 'the second stay is a visit of its own');
  const mine = await server.request('GET', '/api/v1/me/visits', { token });
  assert.equal(mine.json.visits.filter((x) => x.venue_code === v).length, 2);
});

test('a scan sent again with its client id records once, and answers the first visit', async () => {
  const shop = await newVenue('Cửa hàng quét lại');
  const body = { venue_id: shop.id, payload: cccdOf(people.clean), client_id: 'scan-0f8fad5b-d9cb-469f' };
  const first = await server.request('POST', '/api/v1/scans', { token: owner, body });
  assert.equal(first.status, 201, first.text);
  const again = await server.request('POST', '/api/v1/scans', { token: owner, body });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.duplicate, true);
  assert.equal(again.json.visit.id, first.json.visit.id);
  assert.equal(again.json.colour, 'green');
  const bad = await server.request('POST', '/api/v1/scans', { token: owner, body: { ...body, client_id: 'x y' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'client_id');
});
