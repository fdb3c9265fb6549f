// Backups: `khaibao admin backup` copies a SQLite database while the server writes, and a server
// started on the copy has every check-in acknowledged before the backup and none after. On
// PostgreSQL the command refuses and names the tools to use (deploy/BACKUP.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, citizenToken, admin, dbKind } from '../lib/server.mjs';

const servers = [];
after(async () => { await Promise.all(servers.map((s) => s.stop())); });

async function guestCheckIns(server, code, from, count) {
  for (let i = from; i < from + count; i++) {
    const r = await server.request('POST', '/api/v1/checkins', {
      body: { venue_code: code, guest: { full_name: 'Khách Thử', phone: `09${String(20000000 + i)}` } },
    });
    assert.equal(r.status, 201, r.text);
  }
}

test('a backup taken while the server writes restores every check-in acknowledged before it', async (t) => {
  const server = await startServer();
  servers.push(server);
  const copy = join(server.dataDir, 'backup.db');
  if (dbKind() === 'postgres') {
    assert.throws(() => admin(server, ['backup', '--to', copy]), /pg_basebackup/);
    return;
  }
  const owner = await citizenToken(server, '0914000001');
  const wards = await server.request('GET', '/api/v1/areas/provinces/79/wards');
  const v = await server.request('POST', '/api/v1/venues', {
    token: owner, body: { name: 'Chợ', kind: 'market', province_code: '79', ward_code: wards.json[0].code, street: '1 Lê Lợi', capacity: 50 },
  });
  assert.equal(v.status, 201, v.text);
  await guestCheckIns(server, v.json.code, 0, 20);
  // The chosen moment: after the 20th acknowledged check-in. Check-ins go on during the copy.
  const during = guestCheckIns(server, v.json.code, 1000, 20);
  const out = JSON.parse(admin(server, ['backup', '--to', copy]));
  assert.equal(out.backup, copy);
  await during;
  await guestCheckIns(server, v.json.code, 2000, 5);
  assert.equal(JSON.parse(admin(server, ['stats'])).visits, 45);
  // A second backup to the same file is refused rather than overwriting it.
  assert.throws(() => admin(server, ['backup', '--to', copy]), /exists/);

  // The restored server reads the copy with the same data keys (the key file in the data dir).
  const restored = await startServer({ db: `sqlite:${copy}`, dataDir: server.dataDir, keepDataDir: true });
  servers.push(restored);
  const visits = JSON.parse(admin(restored, ['stats'])).visits;
  t.diagnostic(`restored ${visits} visits (20 before the backup, ${visits - 20} of the 20 written during it)`);
  assert.ok(visits >= 20 && visits <= 40, `restored ${visits}`);
  const log = await restored.request('GET', `/api/v1/venues/${v.json.id}/visits`, { token: owner });
  assert.equal(log.status, 200, log.text);
});
