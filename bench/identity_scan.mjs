// What identity matching adds to a staff-scan check-in: alternating runs of two binaries
// (KB_BASE_BIN, the commit before matching, and KB_BIN), each on a fresh SQLite store. A run
// scans cards never seen (`wrk -t1 -c16 -d${KB_SCAN_SECONDS}s -s bench/scan.lua`: matching
// looks them up, scores candidates, records a person), then the same cards again at other
// venues for as long (known cards: the everyday door). Prints each run and the medians as JSON.
// Run: KB_BASE_BIN=<khaibao built at the commit before matching> KB_BIN=build/khaibao node bench/identity_scan.mjs
import { execFileSync, spawnSync } from 'node:child_process';

const runs = Number(process.env.KB_SCAN_RUNS || 5);
const seconds = Number(process.env.KB_SCAN_SECONDS || 4);
const bins = { base: process.env.KB_BASE_BIN, matching: process.env.KB_BIN || 'build/khaibao' };

function wrk(server, env) {
  const out = execFileSync('wrk', ['-t1', '-c16', `-d${seconds}s`, '--latency', '-s', 'bench/scan.lua', server.base],
    { env: { ...process.env, ...env } }).toString();
  const m = /^result requests=(\d+) rps=([\d.]+) p50=(\d+) p99=(\d+) p999=\d+ statuses=(.*)$/m.exec(out);
  return { requests: Number(m[1]), rps: Number(m[2]), p50: Number(m[3]) / 1000, p99: Number(m[4]) / 1000, statuses: m[5].trim() };
}

if (process.argv[2] === '--one') {
  const { startServer, citizenToken, kNoWriteLimits } = await import('../tests/lib/server.mjs');
  // One venue's scanner account scans thousands of cards a second here: the bench measures the
  // door, not the per-session write limit a real scanner never reaches.
  const server = await startServer({ args: kNoWriteLimits });
  try {
    const token = await citizenToken(server, '0912999000');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    const venues = [];
    for (let i = 0; i < 6; i++) {
      venues.push((await server.request('POST', '/api/v1/venues', {
        token, body: { name: `Cửa hàng đo ${i}`, kind: 'shop', province_code: '79', ward_code: ward, street: '1 Lê Lợi' },
      })).json.id);
    }
    const fresh = wrk(server, { KB_TOKEN: token, KB_VENUES: String(venues[0]) });
    const known = wrk(server, { KB_TOKEN: token, KB_VENUES: venues.slice(1).join(','), KB_KNOWN: String(fresh.requests) });
    process.stdout.write(JSON.stringify({ fresh, known }) + '\n');
  } finally {
    await server.stop();
  }
} else {
  const got = { base: [], matching: [] };
  for (let i = 0; i < runs; i++) {
    for (const which of i % 2 ? ['matching', 'base'] : ['base', 'matching']) {
      const r = spawnSync(process.execPath, [process.argv[1], '--one'], { env: { ...process.env, KB_BIN: bins[which] } });
      if (r.status !== 0) throw new Error(r.stderr.toString());
      const one = JSON.parse(r.stdout.toString());
      console.log(which, JSON.stringify(one));
      got[which].push(one);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {};
  for (const kind of ['fresh', 'known']) {
    for (const [k, v] of Object.entries(got)) {
      const rs = v.map((x) => x[kind]);
      summary[`${kind}_${k}`] = { rps: median(rs.map((x) => x.rps)), p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)), runs: rs.map((x) => x.rps) };
    }
    summary[`${kind}_cost`] = 1 - summary[`${kind}_matching`].rps / summary[`${kind}_base`].rps;
    // Each round's two runs ran next to each other: the median of their ratios is less moved by
    // the load of other work on the machine than the ratio of the medians.
    summary[`${kind}_paired_cost`] = median(got.base.map((b, i) => 1 - got.matching[i][kind].rps / b[kind].rps));
  }
  console.log(JSON.stringify(summary));
}
