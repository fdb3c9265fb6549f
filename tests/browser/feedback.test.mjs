// Citizen feedback in a real browser, on a phone: a citizen reports a venue from the feedback
// page and gets a tracking number; the ward official finds it on their desk, starts handling it
// with a note and closes it; the citizen's inbox, left open, shows each change as it happens.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

describe('citizen feedback', () => {
  let server;
  let browser;
  let venue;
  let official;
  let citizen;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    official = await staffToken(server, { username: 'ward.desk', role: 'official', jurisdiction: ward });
    const owner = await citizenToken(server, '0912810000');
    venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Quán cơm Tấm Cali', kind: 'restaurant', province_code: '79', ward_code: ward, street: '12 Nguyễn Trãi' },
    })).json;
    citizen = await citizenToken(server, '0912810001');
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signedInPage(token, path) {
    const context = await phoneContext(browser);
    await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), token);
    const page = await newPage(context);
    await page.goto(`${server.base}${path}`);
    return { context, page };
  }

  it('reaches the ward official, and each change of status reaches the citizen’s open inbox', async () => {
    const mine = await signedInPage(citizen, '/');
    const desk = await signedInPage(official, '/');
    try {
      const p = mine.page;
      await p.click('[data-testid=tile-featFeedback]');
      await p.waitForSelector('[data-testid=feedback-form]');
      await p.selectOption('[data-testid=feedback-kind]', 'venue_not_scanning');
      await p.fill('[data-testid=feedback-text]', 'Quán không yêu cầu khách quét mã QR');
      await p.fill('#venue_code', venue.code);
      await p.click('[data-testid=feedback-send]');
      const sent = await p.locator('[data-testid=feedback-sent]').textContent({ timeout: 5000 });
      const number = /PA-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(sent)?.[0];
      assert.ok(number, sent);
      await p.locator(`[data-testid=feedback-${number}] [data-testid=feedback-status]`).waitFor();
      assert.equal(await p.textContent(`[data-testid=feedback-${number}] [data-testid=feedback-status]`), 'Đã tiếp nhận');

      // The citizen leaves the inbox open.
      await p.goto(`${server.base}/inbox`);
      await p.waitForSelector('[data-testid=inbox-live][data-live=yes]');
      await p.locator('[data-testid^=inbox-item-]', { hasText: `${number}: đã tiếp nhận` }).waitFor();

      // The official opens the desk from the home tile: the report is there with its venue.
      const d = desk.page;
      await d.click('[data-testid=tile-featFeedback]');
      const card = d.locator(`[data-testid=desk-${number}]`);
      await card.waitFor({ timeout: 5000 });
      assert.match(await card.textContent(), /Quán cơm Tấm Cali/);
      assert.match(await card.textContent(), /Quán không yêu cầu khách quét mã QR/);
      await card.locator('[data-testid=feedback-note]').fill('Đã cử tổ kiểm tra đến quán');
      await card.locator('[data-testid=feedback-start]').click();
      await card.locator('[data-testid=feedback-status]', { hasText: 'Đang xử lý' }).waitFor();

      const progress = p.locator('[data-testid^=inbox-item-]', { hasText: `${number}: đang xử lý` });
      await progress.waitFor({ timeout: 5000 });
      assert.match(await progress.textContent(), /Đã cử tổ kiểm tra đến quán/);

      await card.locator('[data-testid=feedback-note]').fill('Quán đã dán mã QR ở cửa');
      await card.locator('[data-testid=feedback-close]').click();
      await card.locator('[data-testid=feedback-close-confirm]').click();
      // A closed report leaves the desk's list of open ones.
      await card.waitFor({ state: 'detached', timeout: 8000 });

      const done = p.locator('[data-testid^=inbox-item-]', { hasText: `${number}: đã xử lý xong` });
      await done.waitFor({ timeout: 5000 });
      assert.match(await done.textContent(), /Quán đã dán mã QR ở cửa/);

      // Back on the feedback page, the report's history reads through.
      await p.goto(`${server.base}/feedback`);
      const history = p.locator(`[data-testid=feedback-${number}] [data-testid=feedback-history] li`);
      await history.nth(2).waitFor();
      assert.equal(await history.count(), 3);
      assert.equal(await p.textContent(`[data-testid=feedback-${number}] [data-testid=feedback-status]`), 'Đã xử lý xong');
      if (process.env.KB_SCREENSHOT) await d.screenshot({ path: process.env.KB_SCREENSHOT, fullPage: true });
      for (const page of [p, d]) {
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
        assert.deepEqual(page.errors, []);
      }
    } finally {
      await mine.context.close();
      await desk.context.close();
    }
  });
});
