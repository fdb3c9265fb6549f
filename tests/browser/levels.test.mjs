// The public map of risk levels, no sign-in, on a phone: the 34 provinces and both
// archipelagos; tapping a province lists its wards; after cases are recorded in a ward and the
// levels recomputed, the ward shows its new level and the explanation.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

describe('public map of risk levels', () => {
  let server;
  let browser;
  let official;
  let ward;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    official = await staffToken(server, { username: 'hcm.levels', role: 'official', jurisdiction: '79' });
    ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0];
    const r = await server.request('POST', '/api/v1/levels/population', {
      token: official, raw: `ward_code,population\n${ward.code},2000\n`, headers: { 'content-type': 'text/csv' } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await server.request('POST', '/api/v1/levels/recompute', { token: official })).status, 200);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a ward turning orange, with its explanation, after a case is recorded', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/map`);
      await page.waitForSelector('[data-testid=province-79]');
      assert.equal(await page.locator('[data-testid^=province-]').count(), 34 + 1);  // + the list
      assert.equal(await page.locator('g[data-testid^=province-]').count(), 34);
      for (const name of ['hoangSa', 'truongSa']) {
        assert.ok(await page.locator(`[data-testid=archipelago-${name}]`).isVisible(), name);
      }
      assert.match(await page.locator('svg').first().textContent(), /Hoàng Sa.*Trường Sa/);
      // Nothing horizontal scrolls on a phone.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));

      await page.click('g[data-testid=province-79]');
      await page.waitForURL(`${server.base}/map/79`);
      const row = page.locator(`[data-testid=ward-${ward.code}]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-level'), '1');
      assert.match(await page.locator(`[data-testid=ward-${ward.code}-explanation]`).textContent(), /^cấp 1: 0\.0 ca mới/);

      const citizen = await citizenToken(server, '0912700001');
      const me = (await server.request('GET', '/api/v1/me/people', { token: citizen })).json.people[0];
      const edit = await server.request('PUT', `/api/v1/me/people/${me.id}`, { token: citizen, body: {
        full_name: 'Trần Thị Hoa', id_kind: 'cccd', id_number: '079190000001', birth_date: '1990-02-03', sex: 'female',
        province_code: '79', ward_code: ward.code, street: '3 Lê Lợi' } });
      assert.equal(edit.status, 200, edit.text);
      const k = await server.request('POST', '/api/v1/cases', { token: official, body: { person_id: me.id, test_date: today() } });
      assert.equal(k.status, 201, k.text);
      assert.equal((await server.request('POST', '/api/v1/levels/recompute', { token: official })).status, 200);

      await page.reload();
      await row.waitFor();
      assert.equal(await row.getAttribute('data-level'), '3');
      assert.equal(await page.locator(`[data-testid=ward-${ward.code}-explanation]`).textContent(),
        'cấp 3: 50 ca mới/100.000 dân trong 7 ngày; chưa có tỷ lệ tiêm chủng');
      assert.equal(await page.locator('g[data-testid=province-79]').getAttribute('data-level'), '3');
      await page.click('[data-testid=lang-en]');
      assert.equal(await page.locator(`[data-testid=ward-${ward.code}-explanation]`).textContent(),
        'level 3: 50 new cases per 100,000 in 7 days; coverage unknown');
      if (process.env.KB_SCREENSHOT) await page.screenshot({ path: process.env.KB_SCREENSHOT });
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
