// Broadcast accept time against a province of N people (default 10,000,000), and inbox reads.
// Usage: KB_BIN=build/khaibao node bench/notify_broadcast.mjs [people]
// Fills a fresh SQLite store with N people spread over the wards of province 79 (sqlite3 CLI),
// starts the server on it, waits for the background census, then times POST /broadcasts/preview,
// POST /broadcasts (sequential, each one durable before the reply) and GET /api/v1/me/inbox:
// KB_INBOX_READS (default 3,000) sequential reads over one keep-alive connection after 200 to
// warm up, with the server's CPU per read, then KB_INBOX_WRK_SECONDS (default 10; 0: none) of
// wrk with 16 connections (bench/inbox.lua). KB_NOTIFY_STORE=FILE keeps a copy of the filled
// store there and starts from it next time (A/B runs of two binaries on the same people).
// KB_NOTIFY_KEEP=1 keeps the SQLite store afterwards (for EXPLAIN). KB_INBOX_PERF=FILE records
// the server with `perf record` (KB_INBOX_PERF_ARGS, default -g) during the wrk run.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, startServer, staffToken, kNoWriteLimits } from '../tests/lib/server.mjs';
import { citizenAt, wardsOf } from '../tests/lib/notify.mjs';

const people = Number(process.argv[2] || 10_000_000);
const dir = mkdtempSync(join(tmpdir(), 'kb-bench-notify-'));
const dbPath = join(dir, 'khaibao.db');
// KB_NOTIFY_DB=postgres: the store is the (empty) PostgreSQL of KB_TEST_PG_URL instead, filled
// with psql (scripts/with-postgres.sh env KB_NOTIFY_DB=postgres node bench/notify_broadcast.mjs N).
const onPostgres = process.env.KB_NOTIFY_DB === 'postgres';
const db = onPostgres ? process.env.KB_TEST_PG_URL : `sqlite:${dbPath}`;

const t0 = Date.now();
const storeCopy = process.env.KB_NOTIFY_STORE;
if (onPostgres) {
  execFileSync(binary, ['admin', 'stats', '--db', db, '--data-dir', dir], { stdio: 'ignore' });  // schema + areas
  execFileSync('psql', [db, '-q', '-v', 'ON_ERROR_STOP=1'], {
    input: `CREATE TEMP TABLE w AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM wards WHERE province_code = '79';
INSERT INTO people(full_name, province_code, ward_code, created_at, updated_at)
SELECT 'Người ' || x, '79', w.code, 0, 0 FROM generate_series(0, ${people - 1}) x
JOIN w ON w.i = x % (SELECT COUNT(*) FROM w);
ANALYZE;`,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
} else if (storeCopy && existsSync(storeCopy)) {
  copyFileSync(storeCopy, dbPath);
  copyFileSync(`${storeCopy}.keys`, join(dir, 'data-keys'));  // the store's sealing keys
} else {
  execFileSync(binary, ['admin', 'stats', '--db', db, '--data-dir', dir], { stdio: 'ignore' });  // schema + areas
  execFileSync('sqlite3', [dbPath], {
    input: `PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
CREATE TEMP TABLE w(i INTEGER PRIMARY KEY, code TEXT);
INSERT INTO w(i, code) SELECT row_number() OVER (ORDER BY code) - 1, code FROM wards WHERE province_code = '79';
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ${people - 1})
INSERT INTO people(full_name, province_code, ward_code, created_at, updated_at)
SELECT 'Người ' || x, '79', (SELECT code FROM w WHERE i = x % (SELECT COUNT(*) FROM w)), 0, 0 FROM c;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);`,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  if (storeCopy) {
    copyFileSync(dbPath, storeCopy);
    copyFileSync(join(dir, 'data-keys'), `${storeCopy}.keys`);
  }
}
console.error(`filled ${people.toLocaleString()} people in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const server = await startServer({ db, dataDir: dir, keepDataDir: true, startTimeoutMs: 120000, args: kNoWriteLimits });
const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
const approver = await staffToken(server, { username: 'hcm.cdc2', role: 'official', jurisdiction: '79' });
const wards = await wardsOf(server, '79');
const citizen = await citizenAt(server, '0912345001', '79', wards[0]);

async function timed(fn) {
  const s = process.hrtime.bigint();
  const r = await fn();
  return { ms: Number(process.hrtime.bigint() - s) / 1e6, r };
}
const body = (i) => ({ kind: 'urgent', title: `Bản tin ${i}`, body: 'Thông báo khẩn toàn thành phố.', audience: { provinces: ['79'] } });

// The census counts in the background after start: wait until the province figure is there.
let preview;
for (let i = 0; i < 600; i++) {
  preview = await timed(() => server.request('POST', '/api/v1/broadcasts/preview', { token: official, body: { audience: { provinces: ['79'] } } }));
  if (preview.r.json.people >= people) break;
  await new Promise((r) => setTimeout(r, 500));
}
const previews = [];
for (let i = 0; i < 20; i++) previews.push((await timed(() => server.request('POST', '/api/v1/broadcasts/preview', { token: official, body: { audience: { provinces: ['79'] } } }))).ms);

const accepts = [];
const ids = [];
let status;
for (let i = 0; i < 50; i++) {
  const { ms, r } = await timed(() => server.request('POST', '/api/v1/broadcasts', { token: official, body: body(i) }));
  if (r.status !== 201) throw new Error(r.text);
  accepts.push(ms);
  status = r.json.status;
  if (status === 'pending_approval') ids.push(r.json.id);
}
// Above the threshold they wait for a second official; releasing one is a write of the same size.
const approvals = [];
for (const id of ids) {
  const { ms, r } = await timed(() => server.request('POST', `/api/v1/broadcasts/${id}/approve`, { token: approver }));
  if (r.status !== 200) throw new Error(r.text);
  approvals.push(ms);
}
// Inbox reads over one keep-alive connection with node's plain http client (fetch adds its own
// overhead and jitter to a 1 ms request); the first 200 warm the caches and are not counted.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const inboxHeaders = { authorization: `Bearer ${citizen.token}` };
function readInbox() {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: '/api/v1/me/inbox', agent, headers: inboxHeaders }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
  });
}
const serverCpuMs = () => {  // utime + stime of the server, in clock ticks of 10 ms
  const f = readFileSync(`/proc/${server.proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const readCount = Number(process.env.KB_INBOX_READS || 3000);
const first = await readInbox();
if (first.status !== 200 || JSON.parse(first.text).items.length !== 20) throw new Error(first.text);
for (let i = 0; i < 200; i++) await readInbox();
const reads = [];
const cpu0 = serverCpuMs();
const wall0 = process.hrtime.bigint();
for (let i = 0; i < readCount; i++) {
  const { ms, r } = await timed(readInbox);
  if (r.status !== 200) throw new Error(r.text);
  reads.push(ms);
}
const readWallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
const cpuPerRead = ((serverCpuMs() - cpu0) * 1000) / readCount;  // µs
agent.destroy();

// The tail under load: wrk, 2 threads, 16 connections (the token through the environment).
const wrkSeconds = Number(process.env.KB_INBOX_WRK_SECONDS ?? 10);
let wrkLine;
if (wrkSeconds > 0) {
  let perf;
  if (process.env.KB_INBOX_PERF) {
    perf = spawn('perf', ['record', ...(process.env.KB_INBOX_PERF_ARGS || '-g').split(' '), '-o', process.env.KB_INBOX_PERF, '-p', String(server.proc.pid)], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
  }
  const cpu1 = serverCpuMs();
  const out = execFileSync('wrk', ['-t2', '-c16', `-d${wrkSeconds}s`, '-s', new URL('inbox.lua', import.meta.url).pathname, server.base],
    { encoding: 'utf8', env: { ...process.env, KB_TOKEN: citizen.token } });
  const cpuWrk = serverCpuMs() - cpu1;
  if (perf) { perf.kill('SIGINT'); await new Promise((r) => perf.on('exit', r)); }
  const m = /result requests=(\d+) rps=([\d.]+) p50=(\d+) p99=(\d+) p999=(\d+) statuses=(.*)/.exec(out);
  if (!m) throw new Error(out);
  const us = (x) => (Number(x) / 1000).toFixed(2);
  wrkLine = `| GET /me/inbox under wrk -t2 -c16 ${wrkSeconds} s: reads/s, p50 / p99 / p99.9, server CPU per read | ${Number(m[2]).toFixed(0)}/s, ${us(m[3])} / ${us(m[4])} / ${us(m[5])} ms, ${((cpuWrk * 1000) / Number(m[1])).toFixed(0)} µs (statuses${m[6].trimEnd()}) |`;
}
const counts = JSON.parse(execFileSync(binary, ['admin', 'stats', '--db', db, '--data-dir', dir], { encoding: 'utf8' }));
await server.stop();
if (process.env.KB_NOTIFY_KEEP) console.error(`store kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });

const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const f = (x) => x.toFixed(2);
console.log(`| people in province 79 | ${preview.r.json.people.toLocaleString('en-US')} |`);
console.log(`| status (threshold 1 M) | ${status} — stored once: messages rows ${counts.messages}, message_areas rows ${counts.message_areas} |`);
console.log(`| POST /broadcasts/preview, p50 / p99 (20 runs) | ${f(pct(previews, 50))} / ${f(pct(previews, 99))} ms |`);
console.log(`| POST /broadcasts accept, p50 / p99 / max (50 runs, durable) | ${f(pct(accepts, 50))} / ${f(pct(accepts, 99))} / ${f(Math.max(...accepts))} ms |`);
if (approvals.length) console.log(`| POST /broadcasts/{id}/approve, p50 / p99 (${approvals.length} runs, durable) | ${f(pct(approvals, 50))} / ${f(pct(approvals, 99))} ms |`);
console.log(`| GET /me/inbox (20 items), one keep-alive connection: p50 / p99 / p99.9 / max (${readCount} reads), server CPU per read | ${f(pct(reads, 50))} / ${f(pct(reads, 99))} / ${f(pct(reads, 99.9))} / ${f(Math.max(...reads))} ms, ${cpuPerRead.toFixed(0)} µs (${(readCount / (readWallMs / 1000)).toFixed(0)} reads/s) |`);
if (wrkLine) console.log(wrkLine);
console.log(`| load average at the end | ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} |`);
