// An official records a case for a person who checked in, sees the F1 (the other visitor at
// the venue) with the venue and time, sends tracing notices; the F1 gets the notice in their
// inbox. Then the cluster board.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';

describe('cases and contact tracing', () => {
  let server;
  let browser;
  const people = {};
  let venue;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await staffToken(server, { username: 'hcm.tracer', role: 'official', jurisdiction: '79', password: PASSWORD });
    const owner = await citizenToken(server, '0912600000');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Siêu thị Bình Minh', kind: 'shop', province_code: '79', ward_code: ward, street: '5 Hai Bà Trưng' },
    })).json;
    for (const [name, phone] of [['an', '0912600001'], ['binh', '0912600002']]) {
      const token = await citizenToken(server, phone);
      const r = await server.request('POST', '/api/v1/checkins', { token, body: { venue_code: venue.code } });
      assert.equal(r.status, 201, r.text);
      people[name] = { token, phone: `+84${phone.slice(1)}` };
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('records a case, lists the F1 and notifies them', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/staff-login`);
      await page.fill('#username', 'hcm.tracer');
      await page.fill('#password', PASSWORD);
      await page.click('[data-testid=staff-sign-in]');
      await page.waitForURL(`${server.base}/`);
      await page.click('[data-testid=tile-featCases]');
      await page.waitForURL(`${server.base}/cases`);

      await page.fill('#case-person', '0912 600 001');
      await page.click('[data-testid=case-submit]');
      await page.waitForURL(/\/cases\/\d+$/);
      const caseId = page.url().split('/').pop();

      // Nothing personal shows before a reason is given.
      assert.equal(await page.locator('[data-testid=contacts]').count(), 0);
      await page.fill('#case-reason', 'Điều tra dịch tễ');
      await page.click('[data-testid=case-open]');
      await page.locator('[data-testid=contact-list]').waitFor();
      assert.equal(await page.textContent('[data-testid=case-status]'), 'Đang điều trị');
      assert.match(await page.textContent('[data-testid=case-timeline]'), /Siêu thị Bình Minh/);
      const list = await page.textContent('[data-testid=contact-list]');
      assert.ok(list.includes(people.binh.phone), list);
      assert.match(list, /Siêu thị Bình Minh/);
      assert.match(await page.textContent('[data-testid=contact-venues]'), /Siêu thị Bình Minh.*1 người/);

      // Sending asks first, saying to whom: the case and the one F1. Nothing goes out before.
      await page.click('[data-testid=send-notices]');
      const ask = page.locator('[data-testid=send-notices-dialog]');
      await ask.waitFor();
      assert.match(await ask.textContent(), /2 người/);
      assert.equal((await server.request('GET', '/api/v1/me/inbox', { token: people.binh.token })).json.items.length, 0);
      await page.click('[data-testid=send-notices-confirm]');
      await page.locator('[data-testid=case-note]').waitFor();
      assert.match(await page.textContent('[data-testid=case-note]'), /Đã gửi 1 thông báo mới/);
      await page.locator('[data-testid=contact-list] >> text=Đã thông báo').waitFor();

      // The F1 finds the notice in their inbox.
      const inbox = await server.request('GET', '/api/v1/me/inbox', { token: people.binh.token });
      assert.equal(inbox.status, 200, inbox.text);
      const notice = inbox.json.items.find((i) => i.kind === 'tracing');
      assert.ok(notice, inbox.text);
      assert.match(notice.body, /Siêu thị Bình Minh/);

      // …and on their own phone, in the inbox page.
      const f1Context = await phoneContext(browser);
      try {
        await f1Context.addInitScript((tk) => localStorage.setItem('kb_token', tk), people.binh.token);
        const f1Page = await newPage(f1Context);
        await f1Page.goto(`${server.base}/inbox`);
        const item = f1Page.locator(`[data-testid=inbox-item-${notice.id}]`);
        await item.waitFor();
        assert.match(await item.textContent(), /Siêu thị Bình Minh/);
      } finally {
        await f1Context.close();
      }

      // Closing as died or marking as an error asks first; cancelling changes nothing.
      await page.click('[data-testid=close-died]');
      await page.locator('[data-testid=close-died-dialog]').waitFor();
      await page.click('[data-testid=close-died-cancel]');
      await page.click('[data-testid=mark-error]');
      const error = page.locator('[data-testid=mark-error-dialog]');
      await error.waitFor();
      assert.match(await error.textContent(), /1 người/, 'says how many contacts it voids');
      await page.click('[data-testid=mark-error-cancel]');
      assert.equal(await page.locator('[data-testid=mark-error-dialog]').count(), 0);
      assert.equal(await page.textContent('[data-testid=case-status]'), 'Đang điều trị');
      const still = await server.request('GET', `/api/v1/cases/${caseId}?reason=check`, { token: await page.evaluate(() => localStorage.getItem('kb_token')) });
      assert.equal(still.json.status, 'active');

      // English works too, and the cluster board answers (one case: no cluster).
      await page.click('[data-testid=lang-en]');
      assert.equal(await page.textContent('[data-testid=case-status]'), 'Active');
      await page.goto(`${server.base}/clusters`);
      await page.locator('text=No clusters.').waitFor();
      assert.ok(caseId);
    } finally {
      await context.close();
    }
  });
});
