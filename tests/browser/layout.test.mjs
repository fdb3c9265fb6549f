// The pages fit a phone: no sideways scrolling at 390 px (a common phone) or 360 px
// (small Android phones). Screenshots go to $KB_SCREENSHOT_DIR when set, for a person to look at.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const shotDir = process.env.KB_SCREENSHOT_DIR;
if (shotDir) mkdirSync(shotDir, { recursive: true });

async function assertFits(page, width, name) {
  await page.screenshot({ path: shotDir ? join(shotDir, `${name}-${width}.png`) : undefined, fullPage: true });
  const scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${name} at ${width}px scrolls sideways: scrollWidth ${scrollWidth}`);
}

describe('phone layout', () => {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the login page has no horizontal scroll at 390x844', async () => {
    const context = await phoneContext(browser, { viewport: { width: 390, height: 844 } });
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/login`);
      await page.locator('#phone').waitFor();
      await assertFits(page, 390, 'login');
      // The primary button is a comfortable touch target.
      const box = await page.locator('[data-testid=send-code]').boundingBox();
      assert.ok(box.height >= 44, `send button is ${box.height}px tall`);
    } finally {
      await context.close();
    }
  });

  it('sign-in and home pages fit a 360 px screen, in both languages', async () => {
    const citizen = await citizenToken(server, '0911222333');
    const official = await staffToken(server, { username: 'layout.official', role: 'official', jurisdiction: '01' });
    for (const lang of ['vi', 'en']) {
      const context = await phoneContext(browser, { viewport: { width: 360, height: 740 } });
      try {
        await context.addInitScript((l) => localStorage.setItem('kb_lang', l), lang);
        const page = await newPage(context);
        await page.goto(`${server.base}/login`);
        await page.locator('#phone').waitFor();
        await assertFits(page, 360, `login-${lang}`);
        await page.goto(`${server.base}/staff-login`);
        await page.locator('#username').waitFor();
        await assertFits(page, 360, `staff-login-${lang}`);

        await page.evaluate((t) => localStorage.setItem('kb_token', t), citizen);
        await page.goto(`${server.base}/`);
        await page.locator('[data-testid=home-citizen]').waitFor();
        await assertFits(page, 360, `home-citizen-${lang}`);

        await page.evaluate((t) => localStorage.setItem('kb_token', t), official);
        await page.goto(`${server.base}/`);
        // A province official's home opens at the province's wards; back to the provinces.
        await page.locator('[data-testid=ward-list] > li').first().waitFor();
        await assertFits(page, 360, `home-official-${lang}`);
        await page.click('[data-testid=areas-back]');
        await page.locator('[data-testid=province-list] > li').first().waitFor();
        await assertFits(page, 360, `provinces-${lang}`);
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    }
  });
});
