// The officials' board resumes its live stream with Last-Event-ID: the server restarts under an
// open board, a red flag is raised before the board reconnects (it waits 3 s), and the alert still
// appears without a reload. A board that reconnected "from now on" would never show it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

const PASSWORD = 'correct horse battery 9';

describe('the board after a dropped connection', () => {
  let server;
  let browser;
  let traveller;
  before(async () => {
    server = await startServer({ keepDataDir: true });
    browser = await launchBrowser();
    const official = await staffToken(server, { username: 'hcm.resume', role: 'official', jurisdiction: '79', password: PASSWORD });
    const wards = await wardsOf(server, '79');
    traveller = await citizenAt(server, '0912800031', '79', wards[0], 'Vũ Văn Về');  // a resident
    // An area order on the resident's ward: their first report (below) puts them on the board.
    const r = await server.request('POST', '/api/v1/monitoring/orders', { token: official, body: { kind: 'area', wards: [wards[0]] } });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows an alert raised while the stream was down', async () => {
    const context = await phoneContext(browser);
    try {
      const desk = await newPage(context);
      await desk.goto(`${server.base}/staff-login`);
      await desk.fill('#username', 'hcm.resume');
      await desk.fill('#password', PASSWORD);
      await desk.click('[data-testid=staff-sign-in]');
      await desk.waitForURL(`${server.base}/`);
      await desk.goto(`${server.base}/monitoring/board`);
      await desk.fill('#board-reason', 'Theo dõi người nhập cảnh');
      await desk.click('[data-testid=board-open]');
      await desk.locator('[data-testid=board-live]').waitFor();
      await new Promise((r) => setTimeout(r, 500));  // the stream is open and has its cursor

      // The server goes away and comes back on the same address and data.
      await server.kill9();
      server = await startServer({ dataDir: server.dataDir, port: server.port, db: server.db, keepDataDir: true });
      const r = await server.request('POST', '/api/v1/monitoring/reports', {
        token: traveller.token, body: { person_id: traveller.personId, spo2: 92, temperature: 37.5 },
      });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(r.json.red_flags, ['spo2_low'], r.text);

      await desk.locator('[data-testid=board-news]').waitFor({ timeout: 15000 });
      assert.match(await desk.textContent('[data-testid=board-news]'), /Vũ Văn Về/);
      // Net errors of the dropped stream are expected; nothing else.
      assert.deepEqual(desk.errors.filter((e) => !/network|Failed to fetch|ERR_/i.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
