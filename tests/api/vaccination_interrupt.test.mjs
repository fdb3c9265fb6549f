// A vaccination list import cut off by a crash: the server is killed with SIGKILL while a large
// list goes in, and restarted on the same database. The import must then read failed, reason
// interrupted, with the counts of the rows it stored before the kill (the report holds exactly
// those), and the same file imported again must finish and match the people the first import
// created instead of recording them twice — by ID number, and by phone, name and birth date for
// the rows without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, staffToken, admin, dbKind } from '../lib/server.mjs';
import { cutOffImport, peopleList, uploadList } from '../lib/cut_import.mjs';

const ROWS = 120000;

const people = (server) => JSON.parse(admin(server, ['stats'])).people;

test('an import cut off by kill -9 reads failed (interrupted) with what it stored, and imports again without duplicates', async () => {
  const first = await startServer({ keepDataDir: true });
  let server = first;
  try {
    const official = await staffToken(server, { username: 'hcm.vax', role: 'official', jurisdiction: '79' });
    const csv = peopleList(ROWS);
    const before = people(server);
    server = await cutOffImport(first, official, csv);

    const cut = await server.request('GET', '/api/v1/vaccination/imports/1', { token: official });
    assert.equal(cut.status, 200, cut.text);
    assert.equal(cut.json.state, 'failed');
    assert.equal(cut.json.failure, 'interrupted');
    assert.ok(cut.json.finished_at, 'an interrupted import has ended');
    const stored = cut.json.counts.total;
    assert.ok(stored > 0 && stored < ROWS, `stored ${stored} of ${ROWS} rows`);
    assert.deepEqual(cut.json.counts, { total: stored, clean: stored, fixed: 0, duplicate: 0, rejected: 0 });
    // The counts are the report's rows: data rows 2 … stored + 1, nothing after.
    const tail = await server.request('GET', `/api/v1/vaccination/imports/1/rows?after=${stored - 1}&limit=5`, { token: official });
    assert.equal(tail.status, 200, tail.text);
    assert.deepEqual(tail.json.rows.map((r) => r.row), [stored, stored + 1]);
    // And the people it created are those recorded.
    assert.deepEqual(cut.json.people, { created: stored, matched: 0 });
    assert.equal(people(server) - before, stored);

    // The official imports the same file again: it finishes, and everyone the cut-off import
    // recorded is matched, not recorded a second time.
    const again = await uploadList(server, official, csv);
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.counts.total, ROWS);
    assert.deepEqual(again.json.people, { created: ROWS - stored, matched: stored });
    assert.equal(people(server) - before, ROWS);
    const done = await server.request('GET', `/api/v1/vaccination/imports/${again.json.id}`, { token: official });
    assert.equal(done.json.state, 'done');
    assert.equal(done.json.failure, null);
  } finally {
    await server.stop();
  }
});

// Several servers on one PostgreSQL: a node starting while another imports must not take that
// import for cut off (its owner, the other node's writer session, is alive).
test('a node starting beside one that is importing leaves its import running', {
  skip: dbKind() !== 'postgres' ? 'PostgreSQL only (one process serves SQLite)' : false,
}, async () => {
  const a = await startServer({ keepDataDir: true });
  let b;
  try {
    const official = await staffToken(a, { username: 'hcm.vax', role: 'official', jurisdiction: '79' });
    const importing = uploadList(a, official, peopleList(ROWS));
    for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
      const r = await a.request('GET', '/api/v1/vaccination/imports/1', { token: official });
      if (r.status === 200 && r.json.counts.total > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    b = await startServer({ dataDir: a.dataDir, db: a.db, keepDataDir: true });
    const seen = await b.request('GET', '/api/v1/vaccination/imports/1', { token: official });
    assert.equal(seen.json.state, 'importing', 'the import ended before the second node started: use a larger list');
    const done = await importing;
    assert.equal(done.status, 201, done.text);
    assert.equal(done.json.counts.total, ROWS);
    const after = await b.request('GET', '/api/v1/vaccination/imports/1', { token: official });
    assert.equal(after.json.state, 'done');
    assert.equal(after.json.failure, null);
    assert.doesNotMatch(b.stdout(), /was interrupted/);
  } finally {
    await b?.stop();
    await a.stop();
    rmSync(a.dataDir, { recursive: true, force: true });
  }
});
