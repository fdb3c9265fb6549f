// Point-in-time recovery on PostgreSQL, as deploy/BACKUP.md tells an operator to do it: a base
// backup, the WAL archive, then a restore to a chosen moment. Every check-in acknowledged before
// that moment is back (also those made after the base backup: they come from the archive), and
// none made after it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { dbKind, startServer, citizenToken, makeVenues } from '../lib/server.mjs';
import { PgServer, pgOwnedDir, runPg } from '../lib/postgres.mjs';

const skip = dbKind() !== 'postgres' ? 'PostgreSQL only (SQLite restores whole copies)' : false;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// PostgreSQL's timestamptz text for a JavaScript time, in UTC.
const pgTime = (d) => d.toISOString().replace('T', ' ').replace('Z', '+00');

async function checkInAll(server, tokens, venues) {
  const ids = [];
  for (const token of tokens) {
    for (const venue of venues) {
      const r = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code } });
      assert.equal(r.status, 201, r.text);
      for (const v of r.json.visits) ids.push(v.id);
    }
  }
  return ids;
}

async function storedVisits(server, token, venues) {
  const stored = new Set();
  for (const v of venues) {
    const r = await server.request('GET', `/api/v1/venues/${v.id}/visits`, { token });
    assert.equal(r.status, 200, r.text);
    for (const visit of r.json.visits) stored.add(visit.id);
  }
  return stored;
}

test('a restore to a moment brings back every check-in acknowledged before it and none after', { skip }, async () => {
  const archive = pgOwnedDir('kb-wal-');
  const primary = await PgServer.init([
    'wal_level = replica', 'archive_mode = on', `archive_command = 'cp %p ${archive}/%f'`,
    'max_wal_senders = 4', 'fsync = on',
  ]);
  primary.start();
  const schema = 'options=-csearch_path%3Dpitr';
  let server = await startServer({ db: `${primary.url}?${schema}`, keepDataDir: true,
    args: ['--otp-ip-limit', '1000'] });
  let restored;
  try {
    const manager = await citizenToken(server, '0900000001');
    const venues = await makeVenues(server, manager, 3);
    const tokens = [];
    for (let i = 0; i < 9; i++) tokens.push(await citizenToken(server, `09100000${i}${i}`));

    const beforeBackup = await checkInAll(server, tokens.slice(0, 3), venues);
    const base = join(pgOwnedDir('kb-base-'), 'data');
    runPg('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', base,
      '-X', 'stream', '-c', 'fast']);
    const afterBackup = await checkInAll(server, tokens.slice(3, 6), venues);
    await sleep(1000);
    const target = new Date();
    await sleep(1000);
    const afterTarget = await checkInAll(server, tokens.slice(6, 9), venues);

    // The segment holding the last check-ins goes to the archive; then the primary is lost.
    const segment = primary.sql('SELECT pg_walfile_name(pg_switch_wal())');
    for (let i = 0; i < 100 && primary.sql('SELECT last_archived_wal FROM pg_stat_archiver') < segment; i++) {
      await sleep(100);
    }
    assert.ok(primary.sql('SELECT last_archived_wal FROM pg_stat_archiver') >= segment, 'the WAL was not archived');
    server.kill9();
    await server.exited;
    primary.stop('immediate');

    restored = new PgServer(base, primary.port, join(base, '..'));
    restored.root = join(base, '..');
    restored.writeFile('postgresql.auto.conf', [
      `restore_command = 'cp ${archive}/%f %p'`,
      `recovery_target_time = '${pgTime(target)}'`,
      "recovery_target_action = 'promote'", ''].join('\n'));
    restored.writeFile('recovery.signal', '');
    restored.start();
    for (let i = 0; i < 100 && restored.sql('SELECT pg_is_in_recovery()') === 't'; i++) await sleep(100);
    assert.equal(restored.sql('SELECT pg_is_in_recovery()'), 'f', 'the restored server did not promote');

    server = await startServer({ db: `${restored.url}?${schema}`, dataDir: server.dataDir });
    const stored = await storedVisits(server, manager, venues);
    const lost = [...beforeBackup, ...afterBackup].filter((id) => !stored.has(id));
    assert.deepEqual(lost, [], `${lost.length} check-ins acknowledged before the target were not restored`);
    const kept = afterTarget.filter((id) => stored.has(id));
    assert.deepEqual(kept, [], 'check-ins made after the target came back');
    assert.equal(beforeBackup.length + afterBackup.length, 18);
  } finally {
    await server.stop().catch(() => {});
    restored?.remove();
    primary.remove();
  }
});
