// Mass testing feeds the F0 home-care release rule ("10 days and a negative test"): a negative
// result recorded by testing — a pooled RT-PCR tube's result or a rapid test — meets the rule's
// negative test as an official's confirmation does, and the order shows on the board's list of
// those due once its period is over; a positive result does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';

const WARD = '26743';
const reason = '?reason=theo%20d%C3%B5i%20c%C3%A1ch%20ly';
let server;
let hcm;
let roundId;

const api = (method, path, body) => server.request(method, path, { token: hcm, body });
const today = () => new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);

// A resident who is a case in home care; returns their order.
async function inHomeCare(i) {
  const phone = `09125800${String(i).padStart(2, '0')}`;
  const token = await citizenToken(server, phone);
  const self = (await server.request('GET', '/api/v1/me/people', { token })).json.people[0];
  const id = `0790905800${String(i).padStart(2, '0')}`;
  const profile = { full_name: `Người Khỏi ${"ABC"[i]}`, id_kind: 'cccd', id_number: id, birth_date: '1990-01-02', sex: 'male', province_code: '79', ward_code: WARD, street: '1 Lê Lợi' };
  const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
  assert.equal(put.status, 200, put.text);
  const kase = await api('POST', '/api/v1/cases', { phone, test_date: today() });
  assert.equal(kase.status, 201, kase.text);
  const placed = await api('POST', '/api/v1/monitoring/orders', { kind: 'f0_home_care', case_id: kase.json.id });
  assert.equal(placed.status, 201, placed.text);
  return { id, order: placed.json.orders[0] };
}
const blockers = async (order) => (await api('GET', `/api/v1/monitoring/orders/${order.id}${reason}`)).json.release_blockers;

before(async () => {
  server = await startServer();
  hcm = await staffToken(server, { username: 'hcm.release', role: 'official', jurisdiction: '79' });
  const round = await api('POST', '/api/v1/testing/rounds', { name: 'Xét nghiệm xuất viện', kind: 'walk_in', ward_code: WARD });
  assert.equal(round.status, 201, round.text);
  roundId = round.json.id;
});
after(async () => { await server?.stop(); });

test('a negative pool result and a negative rapid test meet the F0 release rule; a positive does not', async () => {
  const pooled = await inHomeCare(1);
  const rapid = await inHomeCare(2);
  const positive = await inHomeCare(3);
  assert.deepEqual(await blockers(pooled.order), ['period_not_over', 'negative_test_missing']);

  let r = await api('POST', `/api/v1/testing/rounds/${roundId}/samples`, { payload: pooled.id, tube: 'REL-0001' });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', `/api/v1/testing/rounds/${roundId}/samples`, { payload: positive.id, tube: 'REL-0002', tube_kind: 'individual' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(await blockers(pooled.order), ['period_not_over', 'negative_test_missing'], 'a sample alone is no result');
  r = await api('POST', '/api/v1/testing/results', { tube_id: 'REL-0001', result: 'negative' });
  assert.equal(r.status, 200, r.text);
  r = await api('POST', '/api/v1/testing/results', { tube_id: 'REL-0002', result: 'positive' });
  assert.equal(r.status, 200, r.text);
  r = await api('POST', `/api/v1/testing/rounds/${roundId}/samples`, { payload: rapid.id, rapid_result: 'negative' });
  assert.equal(r.status, 201, r.text);

  assert.deepEqual(await blockers(pooled.order), ['period_not_over']);
  assert.deepEqual(await blockers(rapid.order), ['period_not_over']);
  assert.deepEqual(await blockers(positive.order), ['period_not_over', 'negative_test_missing']);
  const file = await api('GET', `/api/v1/monitoring/orders/${pooled.order.id}${reason}`);
  assert.ok(file.json.order?.negative_test_at ?? file.json.negative_test_at, file.text);
});
