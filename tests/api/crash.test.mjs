// An acknowledged check-in is never lost: check-ins run concurrently, the server is killed
// with SIGKILL in the middle, restarted on the same database, and every check-in that got a
// 2xx reply must be in the venues' guest logs. On SQLite a check-in waits in a table of recent
// visits until a move takes it to its day table (checkin/recent_visits.h): a kill in the middle
// of a move must leave it in exactly one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, makeVenues } from '../lib/server.mjs';

const CITIZENS = 40;
const VENUES = 25;

test('every acknowledged check-in survives kill -9', async () => {
  const first = await startServer({ keepDataDir: true, args: ['--otp-ip-limit', '1000'] });
  let server = first;
  try {
    const manager = await citizenToken(server, '0900000001');
    const venues = await makeVenues(server, manager, VENUES);
    const tokens = [];
    for (let i = 0; i < CITIZENS; i++) tokens.push(await citizenToken(server, `09100000${String(i).padStart(2, '0')}`));

    // Every (citizen, venue) pair once, 16 at a time, until the kill.
    const acked = new Set();
    let killed = false;
    const pairs = [];
    for (const t of tokens) for (const v of venues) pairs.push([t, v]);
    let next = 0;
    const worker = async () => {
      while (next < pairs.length && !killed) {
        const [token, venue] = pairs[next++];
        try {
          const r = await fetch(`${server.base}/api/v1/checkins`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ venue_code: venue.code }),
          });
          if (r.status === 201 || r.status === 200) {
            const body = await r.json();
            for (const v of body.visits) acked.add(v.id);
            // Kill in the middle of the run, with requests in flight.
            if (!killed && acked.size >= pairs.length / 2) { killed = true; server.kill9(); }
          }
        } catch { /* the server died mid-request: not acknowledged */ }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await Promise.all(workers);
    await server.exited;
    assert.ok(acked.size > 0, 'no check-in was acknowledged before the kill');

    server = await startServer({ dataDir: first.dataDir, db: first.db, port: first.port });
    const stored = new Set();
    for (const v of venues) {
      const r = await server.request('GET', `/api/v1/venues/${v.id}/visits`, { token: manager });
      assert.equal(r.status, 200, r.text);
      for (const visit of r.json.visits) stored.add(visit.id);
    }
    const lost = [...acked].filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged check-ins were lost`);
  } finally {
    await server.stop();
  }
});

// The server moves its recent visits every 5 ms (--recent-move-ms) in chunks of 4 rows
// (--recent-move-rows), so with check-ins flowing a move is under way much of the time, often
// with a backlog split over several commits; it is killed four times at random moments,
// restarted on the same database each time, and every acknowledged check-in must then be listed
// once.
test('every acknowledged check-in is stored exactly once after kills during moves', async () => {
  const args = ['--recent-move-ms', '5', '--recent-move-rows', '4'];
  const first = await startServer({ keepDataDir: true, args: [...args, '--otp-ip-limit', '1000'] });
  let server = first;
  try {
    const manager = await citizenToken(server, '0900000001');
    const venues = await makeVenues(server, manager, VENUES);
    const tokens = [];
    for (let i = 0; i < CITIZENS; i++) tokens.push(await citizenToken(server, `09100000${String(i).padStart(2, '0')}`));
    const pairs = [];
    for (const t of tokens) for (const v of venues) pairs.push([t, v]);

    const acked = new Set();
    let next = 0;
    for (let round = 0; round < 4; round++) {
      let killed = false;
      const stopAt = Math.min(pairs.length, next + 150 + Math.floor(Math.random() * 50));
      const worker = async () => {
        while (next < pairs.length && !killed) {
          const [token, venue] = pairs[next++];
          try {
            const r = await fetch(`${server.base}/api/v1/checkins`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
              body: JSON.stringify({ venue_code: venue.code }),
            });
            if (r.status === 201 || r.status === 200) {
              for (const v of (await r.json()).visits) acked.add(v.id);
              if (!killed && next >= stopAt) { killed = true; server.kill9(); }
            }
          } catch { /* the server died mid-request: not acknowledged */ }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      await server.exited;
      server = await startServer({ dataDir: first.dataDir, db: first.db, port: first.port, args });
    }
    assert.ok(acked.size > 400, `only ${acked.size} check-ins were acknowledged`);

    const stored = [];
    for (const v of venues) {
      const r = await server.request('GET', `/api/v1/venues/${v.id}/visits`, { token: manager });
      assert.equal(r.status, 200, r.text);
      for (const visit of r.json.visits) stored.push(visit.id);
    }
    const twice = stored.filter((id, i) => stored.indexOf(id) !== i);
    assert.deepEqual(twice, [], `${twice.length} visits are stored twice`);
    const lost = [...acked].filter((id) => !stored.includes(id));
    assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged check-ins were lost`);
  } finally {
    await server.stop();
  }
});
