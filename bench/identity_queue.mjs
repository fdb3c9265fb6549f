// The officials' duplicates queue of a province with 1 M people: `khaibao admin synth` makes
// the people (moved into province 79's wards), the identity API queues one real pair, and
// KB_QUEUE_PAIRS more open pairs of neighbours are written beside it in SQL; then a province
// official opens the queue (GET /api/v1/identity/candidates, first page of 50, with a reason:
// each opening is audited) KB_QUEUE_READS times. Prints the figures as JSON. SQLite.
// Synth writes people without the folded name key that every door writes; a stand-in key is set
// so that the identity.name_keys job (which fills missing keys after an upgrade, 100,000 a run)
// is idle, as on a store whose people all came in through the doors.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, staffToken, binary, kNoWriteLimits } from '../tests/lib/server.mjs';

const people = Number(process.env.KB_QUEUE_PEOPLE || 1000000);
const pairs = Number(process.env.KB_QUEUE_PAIRS || 20000);
const reads = Number(process.env.KB_QUEUE_READS || 300);
// KB_QUEUE_DIR: a directory to keep the prepared store in and reuse on the next run (the
// preparation takes minutes; reruns then only open the queue).
const keptDir = process.env.KB_QUEUE_DIR;
const dataDir = keptDir || mkdtempSync(join(tmpdir(), 'kb-queue-'));
const file = join(dataDir, 'khaibao.db');
const db = `sqlite:${file}`;
const sql = (text) => execFileSync('sqlite3', [file], { input: text }).toString();

const prepared = keptDir && existsSync(join(keptDir, 'prepared'));
let counts = [];
try {
  if (!prepared) ({ counts } = await prepare());
  else counts = sql("SELECT COUNT(*) FROM people WHERE province_code = '79'; SELECT COUNT(*) FROM identity_candidates WHERE status = 'open';")
    .trim().split('\n').map(Number);
  await openQueue();
} finally {
  if (!keptDir) rmSync(dataDir, { recursive: true, force: true });
}

async function prepare() {
  // The server makes the schema and the administrator; an official enters twins (one real
  // pair, for its evidence).
  let server = await startServer({ db, dataDir, keepDataDir: true, args: kNoWriteLimits });
  let token = await staffToken(server, { username: 'hcm.queue', role: 'official', jurisdiction: '79' });
  const ward = sql("SELECT code FROM wards WHERE province_code = '79' ORDER BY code LIMIT 1;").trim();
  const twin = { birth_date: '2016-07-08', sex: 'male', phone: '0913599001', province_code: '79', ward_code: ward };
  for (const full_name of ['Kiều Văn An', 'Kiều Văn Anh']) {
    const r = await server.request('POST', '/api/v1/identity/people', { token, body: { ...twin, full_name } });
    if (r.status !== 201) throw new Error(r.text);
  }
  await server.stop();

  let t = Date.now();
  execFileSync(binary, ['admin', 'synth', '--db', db, '--data-dir', dataDir, '--people', String(people),
    '--venues', '100', '--days', '1', '--visits-per-day', '1000'], { stdio: ['ignore', 'ignore', 'inherit'] });
  sql(`CREATE TEMP TABLE w AS SELECT code, row_number() OVER (ORDER BY code) - 1 AS n FROM wards WHERE province_code = '79';
    UPDATE people SET province_code = '79', ward_code = (SELECT code FROM w WHERE n = people.id % (SELECT COUNT(*) FROM w)),
      name_key = COALESCE(name_key, lower(full_name));`);
  const synthSeconds = (Date.now() - t) / 1000;
  sql(`INSERT INTO identity_candidates(person_id, match_id, rule, evidence, door, province_code, ward_code,
      match_province_code, match_ward_code, status, created_at)
    SELECT p.id + 1, p.id, 'name_birth', (SELECT evidence FROM identity_candidates LIMIT 1), 'import', '79', p.ward_code,
      '79', p.ward_code, 'open', 1790000000
    FROM people p WHERE p.id > 2 AND p.id % ${Math.floor(people / pairs)} = 0 AND p.id < ${people} LIMIT ${pairs};`);
  const counts = sql("SELECT COUNT(*) FROM people WHERE province_code = '79'; SELECT COUNT(*) FROM identity_candidates WHERE status = 'open';")
    .trim().split('\n').map(Number);
  writeFileSync(join(dataDir, 'prepared'), `${synthSeconds}\n`);
  return { counts };
}

async function openQueue() {
  const server = await startServer({ db, dataDir, keepDataDir: true, args: kNoWriteLimits });
  const token = (await server.request('POST', '/api/v1/auth/login', { body: { username: 'hcm.queue', password: 'correct horse battery 9' } })).json.token;
  const ms = [];
  for (let i = 0; i < reads; i++) {
    const t = performance.now();
    const r = await server.request('GET', '/api/v1/identity/candidates?reason=r%C3%A0%20so%C3%A1t%20tr%C3%B9ng%20l%E1%BA%B7p', { token });
    ms.push(performance.now() - t);
    if (r.status !== 200 || r.json.candidates.length !== 50) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
  }
  await server.stop();
  const slow = ms.map((v, i) => [i, Math.round(v)]).filter(([, v]) => v > 50);
  const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
  // The p99 of each block of 300 openings too: one figure per block shows how much the
  // machine's other work moved it.
  const blocks = [];
  for (let i = 0; i + 300 <= ms.length; i += 300) blocks.push(quantile(ms.slice(i, i + 300), 0.99).toFixed(1));
  const synthSeconds = Number(readFileSync(join(dataDir, 'prepared'), 'utf8'));
  console.log(JSON.stringify({ people_in_79: counts[0], open_pairs: counts[1], synth_seconds: synthSeconds, reads,
    p50_ms: quantile(ms, 0.5).toFixed(2), p99_ms: quantile(ms, 0.99).toFixed(2), max_ms: Math.max(...ms).toFixed(2),
    p99_per_300_ms: blocks, over_50ms: slow }));
}
