// The notification flow in a real browser: an official composes a broadcast to one ward (with
// the audience preview and delivery figures); a citizen whose address is in that ward sees it
// appear live in an inbox page left open, without a reload; a citizen elsewhere does not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

describe('notifications', () => {
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

  async function signedInPage(token, path) {
    const context = await phoneContext(browser);
    await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), token);
    const page = await newPage(context);
    await page.goto(`${server.base}${path}`);
    return page;
  }

  it('a ward broadcast appears live in the open inbox of that ward only', async () => {
    const wards = await wardsOf(server, '79');
    const official = await staffToken(server, { username: 'hcm.cdc', role: 'official', jurisdiction: '79' });
    const here = await citizenAt(server, '0912300001', '79', wards[0]);
    const there = await citizenAt(server, '0912300002', '79', wards[1]);

    // Both citizens have their inbox open (reached from the home tile) and connected.
    const herePage = await signedInPage(here.token, '/');
    await herePage.click('[data-testid=tile-featInbox]');
    await herePage.waitForSelector('[data-testid=inbox-empty]');
    await herePage.waitForSelector('[data-testid=inbox-live][data-live=yes]');
    const therePage = await signedInPage(there.token, '/inbox');
    await therePage.waitForSelector('[data-testid=inbox-live][data-live=yes]');

    // The official composes: home → compose, picks the ward, sees the head-count, sends.
    const compose = await signedInPage(official, '/');
    await compose.click('[data-testid=tile-composeTitle]');
    await compose.waitForSelector('[data-testid=compose-form]');
    await compose.fill('#title', 'Phong tỏa tạm thời');
    await compose.fill('#body', 'Người dân trong phường hạn chế ra ngoài từ 18 giờ.');
    await compose.fill('#ward-query', wards[0]);
    await compose.check(`[data-testid=ward-${wards[0]}]`);
    await compose.waitForSelector('[data-testid=audience-preview][data-people="1"]');
    assert.match(await compose.textContent('[data-testid=audience-preview]'), /1 người/);
    await compose.click('[data-testid=compose-send]');
    await compose.waitForSelector('[data-testid=compose-result]');

    // It appears in the open inbox without a reload…
    const item = herePage.locator('[data-testid^=inbox-item-]', { hasText: 'Phong tỏa tạm thời' });
    await item.waitFor({ timeout: 5000 });
    assert.match(await item.textContent(), /hạn chế ra ngoài/);
    assert.equal(await herePage.textContent('[data-testid=inbox-unread]'), '1 chưa đọc');
    await item.click();
    await herePage.waitForSelector('[data-testid^=inbox-item-][data-read=yes]');

    // …and the official sees the delivery figures (outbox channel here) and the read.
    const row = compose.locator('li[data-testid^=broadcast-]', { hasText: 'Phong tỏa tạm thời' });
    await row.waitFor();
    await compose.waitForFunction(() => /1 đã đọc/.test(document.querySelector('[data-testid^=figures-]')?.textContent || ''), null, { timeout: 8000 });
    assert.match(await row.textContent(), /1 người · 1 đã đọc · gửi ngoài: 1 thành công/);

    // The citizen elsewhere saw nothing, even after a moment.
    await therePage.waitForTimeout(1000);
    assert.equal(await therePage.locator('[data-testid^=inbox-item-]').count(), 0);
    assert.ok(await therePage.isVisible('[data-testid=inbox-empty]'));
    for (const p of [herePage, therePage, compose]) assert.deepEqual(p.errors, []);
  });

  it('a whole-province alert and a recall ask first, saying how many people they reach', async () => {
    const official = await staffToken(server, { username: 'hcm.cdc2', role: 'official', jurisdiction: '79' });
    const before = (await server.request('GET', '/api/v1/broadcasts', { token: official })).json.broadcasts.length;
    const compose = await signedInPage(official, '/broadcasts');
    await compose.waitForSelector('[data-testid=compose-form]');
    await compose.fill('#title', 'Cả thành phố');
    await compose.fill('#body', 'Đeo khẩu trang nơi công cộng.');
    await compose.check('[data-testid=audience-whole-province]');
    await compose.waitForSelector('[data-testid=audience-preview][data-people="2"]');
    await compose.click('[data-testid=compose-send]');
    const ask = compose.locator('[data-testid=compose-send-dialog]');
    await ask.waitFor();
    assert.match(await ask.textContent(), /2 người/);
    assert.equal((await server.request('GET', '/api/v1/broadcasts', { token: official })).json.broadcasts.length, before,
      'nothing is sent before the official confirms');
    await compose.click('[data-testid=compose-send-confirm]');
    await compose.waitForSelector('[data-testid=compose-result]');
    const sent = (await server.request('GET', '/api/v1/broadcasts', { token: official })).json.broadcasts[0];
    assert.equal(sent.title, 'Cả thành phố');

    // Recalling asks for a reason and says whose inboxes it leaves.
    await compose.click(`[data-testid=recall-${sent.id}]`);
    const recall = compose.locator(`[data-testid=recall-${sent.id}-dialog]`);
    await recall.waitFor();
    assert.match(await recall.textContent(), /2 người/);
    await compose.fill(`#reason-${sent.id}`, 'Gửi nhầm');
    await compose.click(`[data-testid=recall-${sent.id}-confirm]`);
    await compose.waitForSelector(`li[data-testid=broadcast-${sent.id}][data-status=recalled]`);
    assert.deepEqual(compose.errors, []);
  });

  it('an administrator is told the page is for officials, and it asks the server nothing', async () => {
    const adminToken = await staffToken(server, { username: 'root.admin', role: 'admin' });
    const context = await phoneContext(browser);
    await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), adminToken);
    const page = await newPage(context);
    const asked = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/v1/broadcasts')) asked.push(r.url()); });
    await page.goto(`${server.base}/broadcasts`);
    await page.waitForTimeout(3500);  // the page refreshed its list every 3 s
    assert.deepEqual(asked, [], 'the page polls a route it is refused');
    await page.waitForSelector('[data-testid=officials-only]');
    assert.deepEqual(page.errors, []);
    await context.close();
  });
});
