// Three khaibao nodes on one PostgreSQL database behind HAProxy (deploy/haproxy.cfg), as a
// province would run them: live events cross nodes (a broadcast reaches streams open on the
// other nodes; a revoked session, a disabled account and a closed venue are refused by the
// other nodes at once, not after their caches expire), each scheduled job runs on exactly one
// node, and a node killed (kill -9) under check-in load loses no acknowledged check-in while its
// jobs move to a live node. PostgreSQL only: on SQLite one process serves the database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  startServer, staffToken, adminToken, citizenToken, admin, dbKind, freshDbArg, freePort,
} from '../lib/server.mjs';
import { citizenAt, wardsOf, openStream } from '../lib/notify.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const haproxyBin = (() => {
  for (const p of ['/usr/sbin/haproxy', '/usr/bin/haproxy']) {
    try { execFileSync(p, ['-v'], { stdio: 'ignore' }); return p; } catch { /* not here */ }
  }
  return undefined;
})();
const skip = dbKind() !== 'postgres' ? 'PostgreSQL only (one process serves SQLite)'
  : !haproxyBin ? 'haproxy is not installed (scripts/install-deps.sh)' : false;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const JOB_TAKEN = /this process now runs '([^']+)'/g;

let dataDir;
let nodes = [];
let lb;        // { proc, base }
let hcm;       // province official of 79, signed in through node 1
let wards79;

/** The jobs a node has taken, from its log. */
function jobsOf(node) {
  return new Set([...node.stdout().matchAll(JOB_TAKEN)].map((m) => m[1]));
}

/** Polls `probe` every 20 ms until it returns true; resolves with the milliseconds it took. */
async function within(ms, probe, what) {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

async function startBalancer() {
  const port = await freePort();
  const env = {
    ...process.env,
    KB_LB_BIND: `127.0.0.1:${port}`,
    KB_NODE1: `127.0.0.1:${nodes[0].port}`,
    KB_NODE2: `127.0.0.1:${nodes[1].port}`,
    KB_NODE3: `127.0.0.1:${nodes[2].port}`,
  };
  const proc = spawn(haproxyBin, ['-db', '-f', join(root, 'deploy', 'haproxy.cfg')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  const base = `http://127.0.0.1:${port}`;
  await within(10000, async () => {
    if (proc.exitCode !== null) throw new Error(`haproxy exited: ${out}`);
    try { return (await fetch(`${base}/healthz`)).status === 200; } catch { return false; }
  }, 'haproxy up');
  return { proc, base, log: () => out };
}

before(async () => {
  if (skip) return;
  dataDir = mkdtempSync(join(tmpdir(), 'kb-cluster-'));
  const db = freshDbArg(dataDir);
  // One data directory for the three (the outbox file where sign-in codes land, whichever node
  // sends them); --sse-heartbeat keeps streams talking through HAProxy.
  const args = ['--trusted-proxy', '127.0.0.1', '--sse-heartbeat', '5', '--broadcast-approval-threshold', '1000'];
  nodes.push(await startServer({ db, dataDir, keepDataDir: true, args }));
  nodes.push(...await Promise.all([1, 2].map(() => startServer({ db, dataDir, keepDataDir: true, args }))));
  lb = await startBalancer();
  wards79 = await wardsOf(nodes[0], '79');
  hcm = await staffToken(nodes[0], { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
});

after(async () => {
  lb?.proc.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.stop()));
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a broadcast posted through node 1 reaches streams open on nodes 2 and 3', { skip }, async () => {
  const citizen = await citizenAt(nodes[0], '0913000001', '79', wards79[0]);
  const streams = await Promise.all([nodes[1], nodes[2]].map((n) => openStream(n, citizen.token)));
  try {
    const sent = Date.now();
    const r = await nodes[0].request('POST', '/api/v1/broadcasts', {
      token: hcm, body: { kind: 'urgent', title: 'Phong tỏa', body: 'Ở nhà.', audience: { wards: [wards79[0]] } },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'sent');
    const arrived = await Promise.all(streams.map(async (s) => {
      await s.next((e) => e.event === 'message' && e.json.id === r.json.id, 5000);
      return Date.now() - sent;
    }));
    console.log(`# broadcast through node 1 reached nodes 2 and 3 in ${arrived.join(' and ')} ms`);
    // Each of nodes 2 and 3 read the broadcast once and handed it to its stream from memory.
    for (const n of [nodes[1], nodes[2]]) {
      const m = await n.request('GET', '/metrics');
      assert.match(m.text, /^khaibao_inbox_events_delivered_total [1-9]/m);
    }
    const recalled = await nodes[0].request('POST', `/api/v1/broadcasts/${r.json.id}/recall`, { token: hcm, body: { reason: 'sai phường' } });
    assert.equal(recalled.status, 200, recalled.text);
    await Promise.all(streams.map((s) => s.next((e) => e.event === 'recall' && e.json.id === r.json.id, 5000)));
  } finally {
    for (const s of streams) s.close();
  }
});

test('a session signed out on node 1 is refused on node 3 within 5 s', { skip }, async () => {
  const token = await citizenToken(nodes[0], '0913000002');
  // Node 3 has the session in its cache (10 s) before the sign-out.
  assert.equal((await nodes[2].request('GET', '/api/v1/me', { token })).status, 200);
  assert.equal((await nodes[0].request('POST', '/api/v1/auth/logout', { token })).status, 204);
  const ms = await within(5000, async () => (await nodes[2].request('GET', '/api/v1/me', { token })).status === 401, 'sign-out seen by node 3');
  console.log(`# signed out on node 1, refused on node 3 after ${ms} ms`);
});

test('an account disabled on node 1 is refused on node 3 within 5 s', { skip }, async () => {
  const adminT = await adminToken(nodes[0]);
  const official = await staffToken(nodes[0], { username: 'ward.cdc', role: 'official', jurisdiction: '79' });
  const me = await nodes[2].request('GET', '/api/v1/me', { token: official });
  assert.equal(me.status, 200, me.text);
  const off = await nodes[0].request('POST', `/api/v1/admin/accounts/${me.json.id}/disable`, { token: adminT });
  assert.equal(off.status, 200, off.text);
  const ms = await within(5000, async () => (await nodes[2].request('GET', '/api/v1/me', { token: official })).status === 401, 'disabled account seen by node 3');
  console.log(`# account disabled on node 1, refused on node 3 after ${ms} ms`);
});

test('a venue closed on node 1 refuses check-ins on node 3 within 5 s', { skip }, async () => {
  const owner = await citizenToken(nodes[0], '0913000003');
  const v = await nodes[0].request('POST', '/api/v1/venues', {
    token: owner, body: { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: wards79[0], street: '1 Lê Lợi', capacity: 50 },
  });
  assert.equal(v.status, 201, v.text);
  const guest = (phone) => ({ venue_code: v.json.code, guest: { full_name: 'Trần Thị Bình', phone } });
  // Node 3 has the open venue in its cache (5 s).
  assert.equal((await nodes[2].request('POST', '/api/v1/checkins', { body: guest('0987000001') })).status, 201);
  const closed = await nodes[0].request('PATCH', `/api/v1/venues/${v.json.id}`, { token: owner, body: { status: 'closed' } });
  assert.equal(closed.status, 200, closed.text);
  let n = 2;
  const ms = await within(5000, async () => {
    const r = await nodes[2].request('POST', '/api/v1/checkins', { body: guest(`098700000${n++ % 10}`) });
    return r.status === 409 && r.json.error.code === 'venue_closed';
  }, 'closed venue seen by node 3');
  console.log(`# venue closed on node 1, refused on node 3 after ${ms} ms`);
});

test('each scheduled job runs on exactly one node', { skip }, async () => {
  // Every node tries every job every 2 s; after a few seconds each has been taken by one.
  await sleep(3000);
  const taken = nodes.map(jobsOf);
  const all = new Set(taken.flatMap((s) => [...s]));
  assert.ok(all.has('retention') && all.has('dashboard'), [...all].join(', '));
  for (const job of all) {
    const holders = taken.filter((s) => s.has(job)).length;
    assert.equal(holders, 1, `${job} is run by ${holders} nodes`);
  }
});

test('kill -9 of a node under check-in load through HAProxy loses no acknowledged check-in; its jobs move', { skip }, async () => {
  const owner = await citizenToken(nodes[0], '0913000004');
  const v = await nodes[0].request('POST', '/api/v1/venues', {
    token: owner, body: { name: 'Siêu thị', kind: 'market', province_code: '79', ward_code: wards79[0], street: '2 Lê Lợi', capacity: 5000 },
  });
  assert.equal(v.status, 201, v.text);
  const visitsBefore = JSON.parse(admin(nodes[0], ['stats'])).visits;
  // The node that runs the retention job is the one to die.
  const victim = nodes.find((n) => jobsOf(n).has('retention'));
  assert.ok(victim, 'no node runs retention');
  const victimJobs = jobsOf(victim);
  const survivors = nodes.filter((n) => n !== victim);

  const acknowledged = new Set();
  let retried = 0;
  let ackedAfterKill = 0;
  let killedAt = 0;
  // One check-in, resent with the same client_id until a node acknowledges it (the web app's
  // offline queue does the same): 502/503 or a broken connection means "not recorded for sure".
  async function checkIn(i) {
    const body = JSON.stringify({
      venue_code: v.json.code, client_id: `cluster-${i}`,
      guest: { full_name: 'Khách Thử', phone: `09${String(10000000 + i)}` },
    });
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const r = await fetch(`${lb.base}/api/v1/checkins`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await r.text();
        if (r.status === 201 || r.status === 200) {
          acknowledged.add(i);
          if (killedAt) ackedAfterKill++;
          return;
        }
        assert.ok(r.status >= 500, `check-in ${i}: ${r.status}`);
      } catch (e) {
        if (e.code === 'ERR_ASSERTION') throw e;
      }
      retried++;
      await sleep(100);
    }
    throw new Error(`check-in ${i} never acknowledged`);
  }
  let next = 0;
  const stopAt = Date.now() + 6000;
  const worker = async () => { while (Date.now() < stopAt) await checkIn(next++); };
  const workers = Array.from({ length: 8 }, worker);
  await sleep(2000);
  killedAt = Date.now();
  await victim.kill9();
  // The dead node's jobs are taken by live nodes (each by one) within a few seconds.
  const moved = within(10000, async () => [...victimJobs].every((job) => survivors.some((n) => jobsOf(n).has(job))), 'jobs moved');
  await Promise.all(workers);

  const stored = JSON.parse(admin(nodes[0] === victim ? nodes[1] : nodes[0], ['stats'])).visits - visitsBefore;
  console.log(`# ${acknowledged.size} check-ins acknowledged (${ackedAfterKill} after the kill), ${stored} stored, ${retried} retries`);
  assert.ok(acknowledged.size >= 50, `only ${acknowledged.size} check-ins in 6 s`);
  assert.ok(ackedAfterKill > 0, 'no check-in was acknowledged by the live nodes after the kill');
  assert.equal(stored, acknowledged.size, 'every acknowledged check-in is stored, once');

  const ms = await moved;
  console.log(`# the killed node's ${victimJobs.size} jobs (${[...victimJobs].join(', ')}) moved to live nodes ${ms} ms after the kill`);
  for (const job of victimJobs) {
    assert.equal(survivors.filter((n) => jobsOf(n).has(job)).length, 1, `${job} runs on one live node`);
  }
  nodes = survivors;  // after() stops the living
});
