// An official's dashboard, open on a phone, moves as check-ins arrive: no reload, no flush.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';

describe('officials\' dashboard', () => {
  let server;
  let browser;
  let venue;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await staffToken(server, { username: 'hcm.board', role: 'official', jurisdiction: '79', password: PASSWORD });
    const owner = await citizenToken(server, '0912900000');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: ward, street: 'Lê Lợi' },
    })).json;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows check-ins arriving while it is open', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/staff-login`);
      await page.fill('#username', 'hcm.board');
      await page.fill('#password', PASSWORD);
      await page.click('[data-testid=staff-sign-in]');
      await page.waitForURL(`${server.base}/`);
      await page.click('[data-testid=tile-featDashboard]');
      await page.waitForURL(`${server.base}/dashboard`);
      const today = page.locator('[data-testid=fig-checkins-today]');
      await today.waitFor();
      assert.match(await page.locator('[data-testid=dash-title]').textContent(), /Hồ Chí Minh/);
      assert.equal(await today.textContent(), '0');
      assert.ok(await page.locator('[data-testid=activity-chart] canvas').count() >= 1, 'a uPlot chart is drawn');

      for (const phone of ['0912900001', '0912900002', '0912900003']) {
        const token = await citizenToken(server, phone);
        const r = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code } });
        assert.equal(r.status, 201, r.text);
      }
      await page.waitForFunction(() => document.querySelector('[data-testid=fig-checkins-today]')?.textContent === '3',
        null, { timeout: 10000 });
      // Active venues come with the next flush of the counts (every 2 s).
      await page.waitForFunction(() => document.querySelector('[data-testid=fig-venues_active-today]')?.textContent === '1',
        null, { timeout: 10000 });
      if (process.env.KB_SCREENSHOT) await page.screenshot({ path: process.env.KB_SCREENSHOT, fullPage: true });
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
