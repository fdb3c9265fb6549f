// Mass testing end to end against the real binary: an official creates a round for a ward and its
// residents are invited; staff sample twelve people into two pools by scanning (personal QR, CCCD
// card QR, typed CCCD number); a lab uploads results; the negative pool clears its members, the
// positive pool's members are called back urgently and retested individually; a positive retest
// waits for an official, who confirms it as a case whose F1 tracing finds; the citizen sees their
// results. Bad input (labels used twice, a person twice, a full pool, unknown tubes, broken CSV
// rows) is refused naming the field, and writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

const WARD = '26743';
let server;
let hcm;    // official of province 79
let hanoi;  // official of province 01
let roundId;
let walkInId;
const people = [];  // {token, phone, person_id, id, name, ddmmyyyy}

const cccdQr = (p) => `${p.id}||${p.name}|${p.ddmmyyyy}|Nam|12 Lê Lợi, TP HCM|01012022`;

async function resident(i) {
  const phone = `09125700${String(i).padStart(2, '0')}`;
  const id = `0790905700${String(i).padStart(2, '0')}`;
  const name = `Người Thử ${String.fromCharCode(65 + i)}`;
  const token = await citizenToken(server, phone);
  const me = await server.request('GET', '/api/v1/me/people', { token });
  const self = me.json.people[0];
  const profile = { full_name: name, id_kind: 'cccd', id_number: id, birth_date: '1990-01-02', sex: 'male', province_code: '79', ward_code: WARD, street: '12 Lê Lợi' };
  const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
  assert.equal(put.status, 200, put.text);
  return { token, phone, person_id: self.id, id, name, ddmmyyyy: '02011990' };
}

async function personalQr(p) {
  const d = await server.request('POST', '/api/v1/declarations', {
    token: p.token,
    body: { person_id: p.person_id, kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
  });
  assert.equal(d.status, 201, d.text);
  const qr = await server.request('GET', `/api/v1/people/${p.person_id}/qr`, { token: p.token });
  assert.equal(qr.status, 200, qr.text);
  return qr.json.payload;
}

const sample = (round, body, token = hcm) => server.request('POST', `/api/v1/testing/rounds/${round}/samples`, { token, body });
const upload = (csv, token = hcm) => server.request('POST', '/api/v1/testing/results/upload', { token, raw: csv, headers: { 'content-type': 'text/csv' } });
const figures = async () => (await server.request('GET', `/api/v1/testing/rounds/${roundId}`, { token: hcm })).json.figures;
const myTests = async (p) => (await server.request('GET', '/api/v1/me/tests', { token: p.token })).json.tests;
const inbox = async (p) => (await server.request('GET', '/api/v1/me/inbox', { token: p.token })).json;

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.testing', role: 'official', jurisdiction: '79' });
  hanoi = await staffToken(server, { username: 'hn.testing', role: 'official', jurisdiction: '01' });
  for (let i = 0; i < 12; i++) people.push(await resident(i));
});
after(async () => { await server?.stop(); });

test('a round with bad input is refused naming the field; nothing is created', async () => {
  const cases = [
    [{ ward_codes: [WARD] }, 400, 'name'],
    [{ name: 'Đợt 1', ward_codes: [] }, 400, 'ward_codes'],
    [{ name: 'Đợt 1', ward_codes: ['99999'] }, 400, 'ward_codes'],
    [{ name: 'Đợt 1', ward_codes: [WARD], pool_size: 31 }, 400, 'pool_size'],
    [{ name: 'Đợt 1', ward_codes: [WARD], sites: [{ name: 'Trường học', day: '31/12/2026' }] }, 400, 'sites'],
    [{ name: 'Đợt 1', kind: 'contacts' }, 400, 'case_id'],
    [{ name: 'Đợt 1', kind: 'everyone' }, 400, 'kind'],
    [{ name: 'Đợt 1', ward_codes: [WARD], colour: 'red' }, 400, 'colour'],
  ];
  for (const [body, status, field] of cases) {
    const r = await server.request('POST', '/api/v1/testing/rounds', { token: hcm, body });
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
  }
  const outside = await server.request('POST', '/api/v1/testing/rounds', { token: hanoi, body: { name: 'Đợt 1', ward_codes: [WARD] } });
  assert.equal(outside.status, 403, outside.text);
  const citizen = await server.request('POST', '/api/v1/testing/rounds', { token: people[0].token, body: { name: 'Đợt 1', ward_codes: [WARD] } });
  assert.equal(citizen.status, 403);
  const list = await server.request('GET', '/api/v1/testing/rounds', { token: hcm });
  assert.deepEqual(list.json.rounds, []);
  assert.equal((await inbox(people[0])).messages?.length ?? 0, 0);
});

test('an official creates a round for a ward: its residents are invited', async () => {
  const r = await server.request('POST', '/api/v1/testing/rounds', {
    token: hcm, body: { name: 'Xét nghiệm phường đợt 1', ward_codes: [WARD], pool_size: 6, sites: [{ name: 'Trường Tiểu học Lê Lợi', day: '2026-11-27' }] },
  });
  assert.equal(r.status, 201, r.text);
  roundId = r.json.id;
  assert.equal(r.json.province_code, '79');
  assert.equal(r.json.ward_code, WARD);
  assert.equal(r.json.pool_size, 6);
  assert.equal(r.json.sites.length, 1);
  assert.equal(r.json.figures.invited, 12);
  const box = await inbox(people[3]);
  assert.ok(JSON.stringify(box).includes('Mời xét nghiệm'), JSON.stringify(box));
  assert.ok(JSON.stringify(box).includes('mã QR mời'), 'the invitation says where its QR is');
  const hn = await server.request('GET', `/api/v1/testing/rounds/${roundId}`, { token: hanoi });
  assert.equal(hn.status, 404);
  const walkIn = await server.request('POST', '/api/v1/testing/rounds', { token: hcm, body: { name: 'Lấy mẫu vãng lai', kind: 'walk_in' } });
  assert.equal(walkIn.status, 201, walkIn.text);
  assert.equal(walkIn.json.figures.invited, 0);
  walkInId = walkIn.json.id;
});

test('staff sample twelve people into two pools by scanning; bad samples write nothing', async () => {
  // The last person shows the QR of their invitation, as the inbox message tells them.
  const mine = (await server.request('GET', '/api/v1/me/tests', { token: people[11].token })).json;
  assert.equal(mine.invitations.length, 1, JSON.stringify(mine));
  const invitation = mine.invitations[0];
  assert.equal(invitation.round_id, roundId);
  assert.match(invitation.qr_payload, /^KBT1\.[A-Za-z0-9_-]{22}$/);
  assert.ok(invitation.qr_svg.startsWith('<svg'));
  for (let i = 0; i < 12; i++) {
    const p = people[i];
    const payload = i === 11 ? invitation.qr_payload : i % 3 === 0 ? await personalQr(p) : i % 3 === 1 ? cccdQr(p) : p.id;
    const r = await sample(roundId, { payload, tube: i < 6 ? 'P1-0001' : 'P1-0002' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.person_id, p.person_id);
    assert.equal(r.json.tube.kind, 'pool');
    assert.equal(r.json.tube.members, (i % 6) + 1);
  }
  const after = (await server.request('GET', '/api/v1/me/tests', { token: people[11].token })).json;
  assert.deepEqual(after.invitations, [], 'a sampled person\'s invitation is used');
  const bad = [
    [{ payload: people[0].id, tube: 'P1-0003' }, 409, 'payload', 'already_sampled'],
    [{ payload: '079090999999', tube: 'P1-0003' }, 404, 'payload', 'person_not_found'],
    [{ payload: 'hello', tube: 'P1-0003' }, 400, 'payload', 'unrecognised_payload'],
    [{ payload: 'KBT1.AAAAAAAAAAAAAAAAAAAAAA', tube: 'P1-0003' }, 404, 'payload', 'person_not_found'],
    [{ payload: people[0].id }, 400, 'tube', 'missing_field'],
    [{ payload: people[0].id, tube: 'P1 0003' }, 400, 'tube', 'invalid_label'],
  ];
  for (const [body, status, field, code] of bad) {
    const r = await sample(roundId, body);
    assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
    assert.equal(r.json.error.field, field, r.text);
    assert.equal(r.json.error.code, code, r.text);
  }
  // A walk-in with a new chip card: the pool of another round's label, then a full pool.
  const walker = { id: '079090570099', name: 'Khách Vãng Lai', ddmmyyyy: '02011990' };
  const taken = await sample(walkInId, { payload: cccdQr(walker), tube: 'P1-0001' });
  assert.equal(taken.status, 409, taken.text);
  assert.equal(taken.json.error.code, 'label_taken');
  assert.equal(taken.json.error.field, 'tube');
  const ind = await sample(walkInId, { payload: cccdQr(walker), tube: 'W-1', tube_kind: 'individual' });
  assert.equal(ind.status, 201, ind.text);
  const full = await sample(walkInId, { payload: people[0].id, tube: 'W-1' });
  assert.equal(full.status, 409, full.text);
  assert.equal(full.json.error.code, 'tube_full');
  const rapid = await sample(walkInId, { payload: people[1].id, rapid_result: 'âm tính' });
  assert.equal(rapid.status, 201, rapid.text);
  assert.equal(rapid.json.result, 'negative');
  const hn = await sample(roundId, { payload: people[0].id, tube: 'X-1' }, hanoi);
  assert.equal(hn.status, 404);

  const f = await figures();
  assert.equal(f.sampled, 12);
  assert.equal(f.pools, 2);
  assert.equal(f.pending, 2);
  assert.equal(f.negative, 0);
});

test('broken result files and unknown tubes are refused with a report; nothing is written', async () => {
  const broken = 'tube_id,result,time,lab\r\nP1-0001,negative,2026-11-26 10:00,Viện Pasteur\r\nP9-9999,negative,,Pasteur\r\nP1-0002,maybe,,Pasteur\r\nP1-0002,positive,yesterday,Pasteur\r\n,negative,,\r\n';
  const r = await upload(broken);
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, 'rows_rejected');
  const byRow = Object.fromEntries(r.json.rows.map((x) => [x.row, x]));
  assert.equal(byRow[4].field, 'result');
  assert.equal(byRow[5].field, 'time');
  assert.equal(byRow[6].field, 'tube_id');
  // The rows that read well name tubes: an unknown one is refused too, and nothing is applied.
  const unknown = await upload('tube_id,result\r\nP1-0001,negative\r\nP9-9999,negative\r\n');
  assert.equal(unknown.status, 422, unknown.text);
  assert.deepEqual(unknown.json.rows.map((x) => [x.row, x.code]), [[3, 'tube_not_found']]);
  const twice = await upload('tube_id,result\r\nP1-0001,negative\r\nP1-0001,positive\r\n');
  assert.equal(twice.status, 422);
  assert.equal(twice.json.rows[0].code, 'duplicate_tube');
  const noColumn = await upload('tube,lab\r\nP1-0001,Pasteur\r\n');
  assert.equal(noColumn.status, 400);
  assert.equal(noColumn.json.error.field, 'header');
  const single = await server.request('POST', '/api/v1/testing/results', { token: hcm, body: { tube_id: 'NOPE-1', result: 'negative' } });
  assert.equal(single.status, 404);
  assert.equal(single.json.error.field, 'tube_id');
  const hn = await upload('tube_id,result\r\nP1-0001,negative\r\n', hanoi);
  assert.equal(hn.status, 422, 'another province\'s tubes are unknown');
  const f = await figures();
  assert.equal(f.pending, 2);
  assert.equal(f.negative, 0);
  assert.equal((await myTests(people[0]))[0].result, null);
});

test('the lab uploads results: pool 1 clears its members, pool 2 calls its members back', async () => {
  const csv = '\uFEFFma_ong;ket_qua;thoi_gian;phong_xet_nghiem\r\nP1-0001;Âm tính;26/11/2026 10:00;Viện Pasteur\r\nP1-0002;Dương tính;26/11/2026 10:05;Viện Pasteur\r\n';
  const r = await upload(csv);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.tubes, 2);
  assert.equal(r.json.cleared, 6);
  assert.equal(r.json.recalled, 6);
  const again = await upload(csv);
  assert.equal(again.status, 200);
  assert.equal(again.json.unchanged, 2);
  assert.equal(again.json.tubes, 0);
  const conflict = await server.request('POST', '/api/v1/testing/results', { token: hcm, body: { tube_id: 'P1-0001', result: 'positive' } });
  assert.equal(conflict.status, 409);
  assert.equal(conflict.json.error.code, 'result_conflict');

  const negative = await myTests(people[2]);
  assert.equal(negative[0].result, 'negative');
  assert.equal(negative[0].round_name, 'Xét nghiệm phường đợt 1');
  const recalled = await myTests(people[7]);
  assert.equal(recalled[0].result, 'recalled');
  const box = JSON.stringify(await inbox(people[7]));
  assert.equal(box.split('Cần xét nghiệm lại').length - 1, 1, 'one call-back, not one per upload');
  assert.ok(!JSON.stringify(await inbox(people[2])).includes('Cần xét nghiệm lại'));
  const f = await figures();
  assert.deepEqual([f.negative, f.recalled, f.pending, f.positive], [6, 6, 0, 0]);
});

test('a sheet of numbered tube labels prints as a PDF; its bounds are checked', async () => {
  const r = await server.request('GET', `/api/v1/testing/rounds/${roundId}/labels.pdf?from=25&count=30`, { token: hcm });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.ok(r.text.startsWith('%PDF-'));
  assert.equal((r.text.match(/\/Type\s*\/Page\b/g) ?? []).length, 2, 'thirty labels take two sheets of 24');
  for (const [query, field] of [['count=481', 'count'], ['from=0', 'from'], ['from=99990&count=24', 'count']]) {
    const bad = await server.request('GET', `/api/v1/testing/rounds/${roundId}/labels.pdf?${query}`, { token: hcm });
    assert.equal(bad.status, 400, `${query} → ${bad.text}`);
    assert.equal(bad.json.error.field, field);
  }
  assert.equal((await server.request('GET', `/api/v1/testing/rounds/${roundId}/labels.pdf`, { token: hanoi })).status, 404);
});

test('a round\'s figures by ward: the ward its people live in', async () => {
  const r = await server.request('GET', `/api/v1/testing/rounds/${roundId}/wards`, { token: hcm });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.wards.length, 1, r.text);
  const w = r.json.wards[0];
  assert.equal(w.ward_code, WARD);
  assert.ok(w.ward_name.length > 0);
  // Twelve invited and sampled into two pools; six negative, six called back (no result of their own yet).
  assert.deepEqual([w.invited, w.sampled, w.pools, w.pending, w.negative, w.positive, w.positivity], [12, 12, 2, 0, 6, 0, 0]);
  const outside = await server.request('GET', `/api/v1/testing/rounds/${roundId}/wards`, { token: hanoi });
  assert.equal(outside.status, 404);
});

test('pool 2 members retest individually; a positive one becomes a case on confirmation, and tracing finds their F1', async () => {
  // Before the round, the person who will test positive met a neighbour at a café.
  const owner = await citizenToken(server, '0912570100');
  const venue = (await server.request('POST', '/api/v1/venues', {
    token: owner, body: { name: 'Cà phê Phường', kind: 'restaurant', province_code: '79', ward_code: WARD, street: '3 Lê Lợi' },
  })).json;
  for (const p of [people[6], people[0]]) {
    const c = await server.request('POST', '/api/v1/checkins', { token: p.token, body: { venue_code: venue.code } });
    assert.ok(c.status === 201 || c.status === 200, c.text);
  }
  const walkerInPool = await sample(roundId, { payload: '079090570099', tube: 'P1-0003' });
  assert.equal(walkerInPool.status, 201, walkerInPool.text);
  const pooled = await sample(roundId, { payload: people[6].id, tube: 'P1-0003' });
  assert.equal(pooled.status, 409);
  assert.equal(pooled.json.error.code, 'retest_individual', 'a retest never goes into a pool');
  for (let i = 6; i < 12; i++) {
    const r = await sample(roundId, { payload: people[i].id, tube: `R-${i}` });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.retest, true);
    assert.equal(r.json.tube.kind, 'individual');
  }
  const twice = await sample(roundId, { payload: people[6].id, tube: 'R-99' });
  assert.equal(twice.status, 409);
  assert.equal(twice.json.error.code, 'already_sampled');
  const cleared = await sample(roundId, { payload: people[0].id, tube: 'R-98' });
  assert.equal(cleared.status, 409, 'a cleared person is not retested');

  for (let i = 6; i < 12; i++) {
    const r = await server.request('POST', '/api/v1/testing/results', { token: hcm, body: { tube_id: `R-${i}`, result: i === 6 ? 'positive' : 'negative', lab: 'Pasteur' } });
    assert.equal(r.status, 200, r.text);
  }
  const f = await figures();
  assert.deepEqual([f.negative, f.positive, f.recalled], [11, 1, 0]);
  assert.ok(Math.abs(f.positivity - 1 / 12) < 1e-9, String(f.positivity));

  const list = await server.request('GET', '/api/v1/testing/positives', { token: hcm });
  assert.equal(list.status, 200);
  assert.equal(list.json.positives.length, 1);
  const pos = list.json.positives[0];
  assert.equal(pos.person_id, people[6].person_id);
  assert.equal(pos.tube_label, 'R-6');
  assert.equal((await server.request('GET', '/api/v1/testing/positives', { token: hanoi })).json.positives.length, 0);
  const hn = await server.request('POST', `/api/v1/testing/positives/${pos.id}/confirm`, { token: hanoi });
  assert.equal(hn.status, 404);

  const confirmed = await server.request('POST', `/api/v1/testing/positives/${pos.id}/confirm`, { token: hcm });
  assert.equal(confirmed.status, 201, confirmed.text);
  const caseId = confirmed.json.case_id;
  const again = await server.request('POST', `/api/v1/testing/positives/${pos.id}/confirm`, { token: hcm });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'not_awaiting');
  const contacts = await server.request('GET', `/api/v1/cases/${caseId}/contacts?degree=1&reason=${encodeURIComponent('Truy vết F1 sau xét nghiệm')}`, { token: hcm });
  assert.equal(contacts.status, 200, contacts.text);
  assert.deepEqual(contacts.json.contacts.map((c) => c.person_id), [people[0].person_id]);
  const mine = await myTests(people[6]);
  assert.equal(mine[0].result, 'positive');
  assert.equal(mine[0].case_id, caseId);
  assert.equal((await myTests(people[8]))[0].result, 'negative');

  // A round for the case's contacts invites the F1.
  const f1Round = await server.request('POST', '/api/v1/testing/rounds', { token: hcm, body: { name: 'F1 của ca bệnh', kind: 'contacts', case_id: caseId } });
  assert.equal(f1Round.status, 201, f1Round.text);
  assert.equal(f1Round.json.figures.invited, 1);
});
