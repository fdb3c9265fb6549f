// Area risk levels end to end against the real binary: population and coverage imported by CSV,
// cases recorded for people of each ward, and the public levels after a recomputation, over a
// table of scenarios (each band and its edges, the coverage bump, cases found in quarantine or
// marked as errors, an override with its reason and its expiry, cases leaving the 7-day window);
// who may set levels; bad input refused naming the field, with nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken, admin } from '../lib/server.mjs';

let server;
let national;  // official, national
let hcm;       // official of province 79
let hanoi;     // official of province 01
let wardOfficial;
let citizen;
let clockFile;
let wards;     // the first wards of province 79, by scenario name

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const inDays = (n) => new Date(Date.now() + 7 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

async function moveClock(seconds) {
  writeFileSync(clockFile, String(seconds));
  await new Promise((r) => setTimeout(r, 250));
}

// name: [population, community cases, first-dose share, expected level, then after 8 days]
const SCENARIOS = {
  none: [10000, 0, 0.9, 1, 1],
  below20: [10000, 1, 0.9, 1, 1],       // 10 per 100,000
  at20: [5000, 1, 0.9, 2, 1],           // 20: yellow from its edge
  yellow: [2500, 1, 0.9, 2, 1],         // 40
  at50: [2000, 1, 0.9, 3, 1],           // 50: orange from its edge
  orange: [1000, 1, 0.9, 3, 1],         // 100
  at150: [2000, 3, 0.9, 4, 1],          // 150: red from its edge
  lowCoverage: [10000, 0, 0.5, 2, 2],   // green raised to yellow
  raisedOrange: [2000, 1, 0.6, 4, 2],   // orange raised to red
  redStaysRed: [1000, 2, 0.1, 4, 2],    // never past 4
  quarantine: [1000, 1, 0.9, 1, 1],     // the case was found in quarantine: not a community case
  error: [1000, 1, 0.9, 1, 1],          // the case was recorded by mistake
  overridden: [10000, 0, 0.9, 3, 1],    // an official's override, until it expires
  noPopulation: [null, 1, null, null, null],
};

let idCounter = 0;
async function caseIn(ward, extra = {}) {
  const letters = [...String(idCounter)].map((d) => 'ABCDEFGHIK'[d]).join('');
  const body = { full_name: `Người ${letters}`, id_kind: 'passport', id_number: `C${String(1000000 + idCounter++)}`,
    birth_date: '1980-01-01', sex: 'female', province_code: '79', ward_code: ward, street: '1 Lê Lợi' };
  const person = await server.request('POST', '/api/v1/me/people', { token: citizen, body });
  assert.equal(person.status, 201, person.text);
  const r = await server.request('POST', '/api/v1/cases', {
    token: national, body: { person_id: person.json.id, test_date: today(), ...extra } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function recompute(token = national) {
  const r = await server.request('POST', '/api/v1/levels/recompute', { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function wardLevels() {
  const r = await server.request('GET', '/api/v1/public/levels?province=79');
  assert.equal(r.status, 200, r.text);
  return Object.fromEntries(r.json.wards.map((w) => [w.code, w]));
}

function csv(token, path, text) {
  return server.request('POST', path, { token, raw: text, headers: { 'content-type': 'text/csv' } });
}

function rowCounts() {
  return JSON.parse(admin(server, ['stats']));
}

before(async () => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'kb-levels-'));
  clockFile = join(dir, 'clock');
  writeFileSync(clockFile, '0');
  server = await startServer({ args: ['--clock-offset-file', clockFile] });
  national = await staffToken(server, { username: 'cdc.national', role: 'official', jurisdiction: 'national' });
  hcm = await staffToken(server, { username: 'hcm.levels', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.levels', role: 'official', jurisdiction: '01' });
  citizen = await citizenToken(server, '0912600000');
  const list = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
  wards = Object.fromEntries(Object.keys(SCENARIOS).map((name, i) => [name, list[i].code]));
  wardOfficial = await staffToken(server, { username: 'ward.levels', role: 'official', jurisdiction: wards.none });
});
after(async () => { await server?.stop(); });

test('population and coverage are imported by CSV; bad rows are refused naming the field, nothing written', async () => {
  const before = rowCounts();
  const bad = [
    [`ward_code,population\n${wards.none},-5\n`, 'population', 'negative_population'],
    [`${wards.none},100000000\n`, 'population', 'absurd_population'],
    [`${wards.none},many\n`, 'population', 'invalid_number'],
    [`${wards.none},10\n99999,10\n`, 'ward_code', 'unknown_ward'],
    [`${wards.none},10\n${wards.none},20\n`, 'ward_code', 'duplicate_ward'],
    [`${wards.none},10,3\n`, 'csv', 'wrong_columns'],
    ['ward_code,population\n', 'csv', 'empty'],
  ];
  for (const [text, field, code] of bad) {
    const r = await csv(hcm, '/api/v1/levels/population', text);
    assert.equal(r.status, 400, `${text} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  const notCsv = await server.request('POST', '/api/v1/levels/population', { token: hcm, body: { ward_code: wards.none } });
  assert.equal(notCsv.status, 415);
  const badCoverage = await csv(hcm, '/api/v1/levels/coverage', `${wards.none},100,150\n`);
  assert.equal(badCoverage.status, 400);
  assert.equal(badCoverage.json.error.field, 'first_dose');
  // Another province's official, a citizen, a stranger: refused.
  assert.equal((await csv(hanoi, '/api/v1/levels/population', `${wards.none},10\n`)).status, 403);
  assert.equal((await csv(citizen, '/api/v1/levels/population', `${wards.none},10\n`)).status, 403);
  assert.equal((await csv(undefined, '/api/v1/levels/population', `${wards.none},10\n`)).status, 401);
  assert.deepEqual(rowCounts(), before);

  const population = ['\uFEFFward_code,population'];
  const coverage = ['ward_code,adults,first_dose'];
  for (const [name, [pop, , share]] of Object.entries(SCENARIOS)) {
    if (pop !== null) population.push(`${wards[name]},${pop}`);
    if (share !== null) coverage.push(`${wards[name]},1000,${Math.round(share * 1000)}`);
  }
  const p = await csv(hcm, '/api/v1/levels/population', population.join('\r\n') + '\r\n');
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.wards, population.length - 1);
  const c = await csv(hcm, '/api/v1/levels/coverage', coverage.join('\n'));
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.wards, coverage.length - 1);
});

test('the level of each ward follows the rule over the scenario table', async () => {
  for (const [name, [, cases]] of Object.entries(SCENARIOS)) {
    for (let i = 0; i < cases; i++) {
      const extra = name === 'quarantine' ? { found_in: 'quarantine' } : {};
      const k = await caseIn(wards[name], extra);
      assert.equal(k.found_in, extra.found_in ?? 'community');
      if (name === 'error') {
        const e = await server.request('POST', `/api/v1/cases/${k.id}/error`, { token: national, body: { reason: 'nhầm người' } });
        assert.equal(e.status, 200, e.text);
      }
    }
  }
  const override = await server.request('POST', '/api/v1/levels/overrides', {
    token: hcm, body: { area_code: wards.overridden, level: 3, reason: 'ổ dịch tại chợ đầu mối', expires_at: inDays(2) } });
  assert.equal(override.status, 201, override.text);
  assert.equal(override.json.level, 3);
  assert.equal(override.json.computed_level, 1);
  assert.match(override.json.explanation, /^level 3: set by an official until .*: ổ dịch tại chợ đầu mối/);

  const done = await recompute();
  assert.ok(done.areas >= 3355, JSON.stringify(done));
  const levels = await wardLevels();
  for (const [name, [pop, , , expected]] of Object.entries(SCENARIOS)) {
    const w = levels[wards[name]];
    assert.equal(w.level, expected, `${name}: ${JSON.stringify(w)}`);
    assert.equal(w.population, pop, name);
    assert.ok(w.explanation && w.explanation_vi, name);
  }
  assert.equal(levels[wards.orange].explanation, 'level 3: 100 new cases per 100,000 in 7 days; coverage 90 %');
  assert.equal(levels[wards.orange].community_cases, 1);
  assert.equal(levels[wards.quarantine].community_cases, 0);
  assert.equal(levels[wards.error].community_cases, 0);
  assert.equal(levels[wards.lowCoverage].raised_for_coverage, true);
  assert.match(levels[wards.lowCoverage].explanation, /coverage 50 %, below 70 %: one level up/);
  assert.equal(levels[wards.noPopulation].explanation, 'no level: 1 new cases in 7 days, no population imported; coverage unknown');

  // The province: every community case over the population of its wards that have one.
  const all = await server.request('GET', '/api/v1/public/levels');
  assert.equal(all.status, 200);
  assert.equal(all.json.provinces.length, 34);
  assert.equal(all.json.wards, undefined);
  assert.deepEqual(all.json.rule, { window_days: 7, bands_per_100k: [20, 50, 150], coverage_threshold: 0.7 });
  const province = all.json.provinces.find((p) => p.code === '79');
  const counted = Object.entries(SCENARIOS).filter(([n]) => n !== 'quarantine' && n !== 'error')
    .reduce((s, [, [, cases]]) => s + cases, 0);
  const population = Object.values(SCENARIOS).reduce((s, [pop]) => s + (pop ?? 0), 0);
  assert.equal(province.community_cases, counted);
  assert.equal(province.population, population);
  assert.equal(province.rate_per_100k, Math.round(counted * 1e6 / population) / 10);
  const hanoiLevel = all.json.provinces.find((p) => p.code === '01');
  assert.equal(hanoiLevel.level, null);

  // Each area carries its history.
  const one = await server.request('GET', `/api/v1/public/levels/${wards.at150}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.level, 4);
  assert.equal(one.json.history[0].level, 4);
  assert.equal(one.json.history[0].cause, 'rule');
  const o = await server.request('GET', `/api/v1/public/levels/${wards.overridden}`);
  assert.deepEqual(o.json.history.map((h) => [h.level, h.cause]), [[3, 'override']]);
  assert.equal(o.json.override.reason, 'ổ dịch tại chợ đầu mối');
  assert.equal((await server.request('GET', '/api/v1/public/levels/99999')).status, 404);
});

test('eight days later the cases have left the window and the override has expired', async () => {
  await moveClock(8 * 86400);
  try {
    // Sessions do not last a week: sign in again.
    const login = await server.request('POST', '/api/v1/auth/login', {
      body: { username: 'cdc.national', password: 'correct horse battery 9' } });
    assert.equal(login.status, 200, login.text);
    await recompute(login.json.token);
    const levels = await wardLevels();
    for (const [name, [, , , , expected]] of Object.entries(SCENARIOS)) {
      assert.equal(levels[wards[name]].level, expected, `${name}: ${JSON.stringify(levels[wards[name]])}`);
    }
    const o = await server.request('GET', `/api/v1/public/levels/${wards.overridden}`);
    assert.equal(o.json.override, null);
    assert.deepEqual(o.json.history.map((h) => [h.level, h.cause]), [[1, 'rule'], [3, 'override']]);
  } finally {
    await moveClock(0);
  }
});

test('only officials in charge set and lift overrides; bad overrides are refused naming the field', async () => {
  const before = rowCounts();
  const body = { area_code: wards.none, level: 2, reason: 'tăng cường giám sát', expires_at: inDays(3) };
  const bad = [
    [{ ...body, area_code: '99999' }, 'area_code', 400],
    [{ ...body, level: 5 }, 'level', 400],
    [{ ...body, level: 0 }, 'level', 400],
    [{ ...body, reason: '' }, 'reason', 400],
    [{ area_code: wards.none, level: 2, expires_at: inDays(3) }, 'reason', 400],
    [{ ...body, expires_at: inDays(-1) }, 'expires_at', 400],
    [{ ...body, expires_at: inDays(400) }, 'expires_at', 400],
    [{ ...body, expires_at: 'tomorrow' }, 'expires_at', 400],
    [{ ...body, colour: 'red' }, 'colour', 400],
  ];
  for (const [b, field, status] of bad) {
    const r = await server.request('POST', '/api/v1/levels/overrides', { token: hcm, body: b });
    assert.equal(r.status, status, `${JSON.stringify(b)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  assert.equal((await server.request('POST', '/api/v1/levels/overrides', { token: hanoi, body })).status, 403);
  assert.equal((await server.request('POST', '/api/v1/levels/overrides', { token: citizen, body })).status, 403);
  // A ward official sets their ward, never the province.
  const province = await server.request('POST', '/api/v1/levels/overrides', { token: wardOfficial, body: { ...body, area_code: '79' } });
  assert.equal(province.status, 403);
  assert.deepEqual(rowCounts(), before);

  const set = await server.request('POST', '/api/v1/levels/overrides', { token: wardOfficial, body });
  assert.equal(set.status, 201, set.text);
  assert.equal((await wardLevels())[wards.none].level, 2);
  const noReason = await server.request('POST', '/api/v1/levels/overrides/lift', { token: hcm, body: { area_code: wards.none } });
  assert.equal(noReason.status, 400);
  assert.equal(noReason.json.error.field, 'reason');
  const lifted = await server.request('POST', '/api/v1/levels/overrides/lift', {
    token: hcm, body: { area_code: wards.none, reason: 'đã kiểm soát' } });
  assert.equal(lifted.status, 200, lifted.text);
  assert.equal(lifted.json.level, 1);
  assert.equal(lifted.json.override, null);
  const again = await server.request('POST', '/api/v1/levels/overrides/lift', {
    token: hcm, body: { area_code: wards.none, reason: 'đã kiểm soát' } });
  assert.equal(again.status, 404);
  const h = await server.request('GET', `/api/v1/public/levels/${wards.none}`);
  assert.deepEqual(h.json.history.slice(0, 2).map((x) => [x.level, x.cause]), [[1, 'override_lifted'], [2, 'override']]);
  assert.equal((await server.request('GET', '/api/v1/public/levels?province=999')).json.error.field, 'province');
});
