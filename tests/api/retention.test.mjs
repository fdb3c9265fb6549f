// Retention: `khaibao admin purge` reports what it dropped as JSON and keeps every check-in
// inside the retention period (the day-table mechanics are unit-tested in visit_days_test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, admin } from '../lib/server.mjs';

test('purge keeps check-ins inside retention and reports the cut as JSON', async () => {
  const server = await startServer({ args: ['--retention-days', '28'] });
  try {
    const owner = await citizenToken(server, '0900000101');
    const venue = await server.request('POST', '/api/v1/venues', {
      token: owner,
      body: { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: '26882', street: '1 Lê Lợi' },
    });
    assert.equal(venue.status, 201, venue.text);
    const citizen = await citizenToken(server, '0900000102');
    const r = await server.request('POST', '/api/v1/checkins', { token: citizen, body: { venue_code: venue.json.code } });
    assert.equal(r.status, 201, r.text);

    const report = JSON.parse(admin(server, ['purge', '--retention-days', '1']));
    const today = new Date(Date.now() + 7 * 3600 * 1000);
    const yesterday = new Date(today.getTime() - 86400 * 1000).toISOString().slice(0, 10);
    assert.equal(report.first_kept, yesterday);
    assert.deepEqual(report.days, []);
    assert.equal(report.rows, 0);
    assert.equal(typeof report.seconds, 'number');
    assert.equal(JSON.parse(admin(server, ['stats'])).visits, 1);

    const mine = await server.request('GET', '/api/v1/me/visits', { token: citizen });
    assert.equal(mine.status, 200, mine.text);
    assert.equal(mine.json.visits.length, 1);
  } finally {
    await server.stop();
  }
});

test('purge refuses a retention below one day, naming the option', async () => {
  const server = await startServer();
  try {
    assert.throws(() => admin(server, ['purge', '--retention-days', '0']), /retention-days/);
  } finally {
    await server.stop();
  }
});
