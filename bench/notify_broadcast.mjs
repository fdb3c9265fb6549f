// Broadcast accept time against a province of N people (default 10,000,000), and inbox reads.
// Usage: KB_BIN=build/khaibao node bench/notify_broadcast.mjs [people]
// Fills a fresh SQLite store with N people spread over the wards of province 79 (sqlite3 CLI),
// starts the server on it, waits for the background census, then times POST /broadcasts/preview,
// POST /broadcasts (sequential, each one durable before the reply) and GET /api/v1/me/inbox.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binary, startServer, staffToken, kNoWriteLimits } from '../tests/lib/server.mjs';
import { citizenAt, wardsOf } from '../tests/lib/notify.mjs';

const people = Number(process.argv[2] || 10_000_000);
const dir = mkdtempSync(join(tmpdir(), 'kb-bench-notify-'));
const dbPath = join(dir, 'khaibao.db');
const db = `sqlite:${dbPath}`;

const t0 = Date.now();
execFileSync(binary, ['admin', 'stats', '--db', db, '--data-dir', dir], { stdio: 'ignore' });  // schema + areas
execFileSync('sqlite3', [dbPath], {
  input: `PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
CREATE TEMP TABLE w(i INTEGER PRIMARY KEY, code TEXT);
INSERT INTO w(i, code) SELECT row_number() OVER (ORDER BY code) - 1, code FROM wards WHERE province_code = '79';
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ${people - 1})
INSERT INTO people(full_name, province_code, ward_code, created_at, updated_at)
SELECT 'Người ' || x, '79', (SELECT code FROM w WHERE i = x % (SELECT COUNT(*) FROM w)), 0, 0 FROM c;
COMMIT;`,
  stdio: ['pipe', 'ignore', 'inherit'],
});
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
for (let i = 0; i < 50; i++) {
  const { ms, r } = await timed(() => server.request('POST', '/api/v1/broadcasts', { token: official, body: body(i) }));
  if (r.status !== 201) throw new Error(r.text);
  accepts.push(ms);
  ids.push(r.json.id);
}
// Above the threshold they wait for a second official; releasing one is a write of the same size.
const approvals = [];
for (const id of ids) {
  const { ms, r } = await timed(() => server.request('POST', `/api/v1/broadcasts/${id}/approve`, { token: approver }));
  if (r.status !== 200) throw new Error(r.text);
  approvals.push(ms);
}
const reads = [];
for (let i = 0; i < 200; i++) {
  const { ms, r } = await timed(() => server.request('GET', '/api/v1/me/inbox', { token: citizen.token }));
  if (r.status !== 200 || r.json.items.length !== 20) throw new Error(r.text);
  reads.push(ms);
}
const counts = JSON.parse(execFileSync(binary, ['admin', 'stats', '--db', db, '--data-dir', dir], { encoding: 'utf8' }));
await server.stop();
rmSync(dir, { recursive: true, force: true });

const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };
const f = (x) => x.toFixed(2);
console.log(`| people in province 79 | ${preview.r.json.people.toLocaleString('en-US')} |`);
console.log(`| status (threshold 1 M) | ${'pending_approval'} — stored once: messages rows ${counts.messages}, message_areas rows ${counts.message_areas} |`);
console.log(`| POST /broadcasts/preview, p50 / p99 (20 runs) | ${f(pct(previews, 50))} / ${f(pct(previews, 99))} ms |`);
console.log(`| POST /broadcasts accept, p50 / p99 / max (50 runs, durable) | ${f(pct(accepts, 50))} / ${f(pct(accepts, 99))} / ${f(Math.max(...accepts))} ms |`);
console.log(`| POST /broadcasts/{id}/approve, p50 / p99 (50 runs, durable) | ${f(pct(approvals, 50))} / ${f(pct(approvals, 99))} ms |`);
console.log(`| GET /me/inbox (20 items), p50 / p99 (200 runs) | ${f(pct(reads, 50))} / ${f(pct(reads, 99))} ms |`);
