// Monitoring at a province's scale: `khaibao admin synth-monitoring` puts KB_MON_PEOPLE people of
// province 79 (default 200,000) under open orders with 14 days of daily reports; then
//  - the board: a province official opens it (GET /api/v1/monitoring/board with a reason, audited),
//    KB_MON_BOARD_READS times (default 300), each of its five lists in turn; p50/p99 in ms;
//  - the reminders: `khaibao admin remind --at <21:00 today, Vietnam>` (every slot due) on a fresh
//    copy of the store, KB_MON_REMIND_RUNS times (default 5): seconds of each run and the median,
//    and a second run on the same copy (sends nothing: exactly one reminder per person and slot).
// Prints the figures as JSON. KB_MON_DB=postgres runs on PostgreSQL (KB_TEST_PG_URL, from
// scripts/with-postgres.sh); the reminder runs there restore the store by deleting what a run sent.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, staffToken, binary, freshDbArg, kNoWriteLimits } from '../tests/lib/server.mjs';

const people = Number(process.env.KB_MON_PEOPLE || 200000);
const reads = Number(process.env.KB_MON_BOARD_READS || 300);
const runs = Number(process.env.KB_MON_REMIND_RUNS || 5);
const postgres = process.env.KB_MON_DB === 'postgres';
if (postgres) process.env.KB_TEST_DB = 'postgres';
const dataDir = mkdtempSync(join(tmpdir(), 'kb-mon-'));
const file = join(dataDir, 'khaibao.db');
const db = postgres ? freshDbArg(dataDir) : `sqlite:${file}`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const run = (args) => execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

// 21:00 today in Vietnam: both reminder hours (rules.h) have passed.
const vnDate = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
const at = `${vnDate}T21:00:00+07:00`;

try {
  let server = await startServer({ db, dataDir, keepDataDir: true, args: kNoWriteLimits });
  await staffToken(server, { username: 'hcm.bench', role: 'official', jurisdiction: '79' });
  await server.stop();

  let t = Date.now();
  run(['admin', 'synth-monitoring', '--db', db, '--data-dir', dataDir, '--province', '79', '--people', String(people), '--days', '14']);
  const synthSeconds = (Date.now() - t) / 1000;

  // The board.
  server = await startServer({ db, dataDir, keepDataDir: true, args: kNoWriteLimits });
  const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'hcm.bench', password: 'correct horse battery 9' } });
  const token = login.json.token;
  const lists = ['red_flag', 'non_reporting', 'reporting', 'due_for_release', 'closed'];
  const ms = [];
  const byList = Object.fromEntries(lists.map((l) => [l, []]));
  let counts;
  for (let i = 0; i < reads; i++) {
    const list = lists[i % lists.length];
    t = performance.now();
    const r = await server.request('GET', `/api/v1/monitoring/board?reason=theo%20d%C3%B5i%20c%C3%A1ch%20ly&list=${list}`, { token });
    const took = performance.now() - t;
    if (r.status !== 200) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
    counts = r.json.counts;
    if (i >= lists.length) { ms.push(took); byList[list].push(took); }  // the first round warms up
  }
  await server.stop();
  ms.sort((a, b) => a - b);
  const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return Number(s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2)); };

  // The reminders, each run on the store as synth left it.
  const seconds = [];
  let reminded = 0;
  let again;
  const pristine = join(dataDir, 'pristine.db');
  if (!postgres) copyFileSync(file, pristine);
  for (let i = 0; i < runs; i++) {
    if (!postgres) copyFileSync(pristine, file);
    const out = JSON.parse(run(['admin', 'remind', '--db', db, '--data-dir', dataDir, '--at', at]));
    seconds.push(out.seconds);
    reminded = out.reminded;
    if (i === 0) again = JSON.parse(run(['admin', 'remind', '--db', db, '--data-dir', dataDir, '--at', at]));
    if (postgres) {
      const schema = /search_path%3D(\w+)/.exec(db)[1];
      execFileSync('psql', [process.env.KB_TEST_PG_URL, '-q', '-c', `SET search_path TO ${schema};` +
        "DELETE FROM deliveries WHERE message_id IN (SELECT id FROM messages WHERE dedupe_key LIKE 'monitoring-reminder:%');" +
        "DELETE FROM messages WHERE dedupe_key LIKE 'monitoring-reminder:%';"]);
    }
  }
  console.log(JSON.stringify({
    database: postgres ? 'postgres' : 'sqlite', people, synth_seconds: synthSeconds, board_counts: counts,
    board_reads: ms.length, board_p50_ms: q(ms, 0.5), board_p99_ms: q(ms, 0.99), board_max_ms: Number(ms.at(-1).toFixed(2)),
    board_p99_by_list: Object.fromEntries(lists.map((l) => [l, q(byList[l], 0.99)])),
    remind_at: at, reminded, remind_seconds: seconds, remind_median_seconds: median(seconds), second_run_reminded: again.reminded,
  }));
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
