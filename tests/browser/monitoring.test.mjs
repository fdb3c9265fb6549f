// Quarantine in the browser: an official places a traced F1 under quarantine from the case page;
// the F1 opens "my monitoring" on a 360 px phone, sees today's report due and sends it with SpO2 93 %; the official's board, open
// in another browser, shows the red-flag alert without a reload, and the official acknowledges it,
// extends the order, places an area order and transfers the person to hospital (confirmed first).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';
import { citizenAt, wardsOf } from '../lib/notify.mjs';

const PASSWORD = 'correct horse battery 9';
const until = async (fn, ms = 8000) => {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 200));
  }
};
const today = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);  // in Vietnam

describe('quarantine: daily report and red flags', () => {
  let server;
  let browser;
  let official;
  let f1;
  let caseId;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    official = await staffToken(server, { username: 'hcm.board', role: 'official', jurisdiction: '79', password: PASSWORD });
    const wards = await wardsOf(server, '79');
    const owner = await citizenToken(server, '0912800000');
    const venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Quán Phở Gia', kind: 'restaurant', province_code: '79', ward_code: wards[0], street: '3 Lý Tự Trọng' },
    })).json;
    const ca = await citizenAt(server, '0912800001', '79', wards[0], 'Trần Văn Ca');
    f1 = await citizenAt(server, '0912800002', '79', wards[0], 'Lê Thị Một');
    for (const p of [ca, f1]) {
      const r = await server.request('POST', '/api/v1/checkins', { token: p.token, body: { venue_code: venue.code } });
      assert.equal(r.status, 201, r.text);
    }
    const kase = await server.request('POST', '/api/v1/cases', { token: official, body: { phone: ca.phone, test_date: today } });
    assert.equal(kase.status, 201, kase.text);
    caseId = kase.json.id;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('an official places an F1, who reports; the official sees the red flag live and acknowledges it', async () => {
    const board = await phoneContext(browser);
    const phone = await phoneContext(browser, { viewport: { width: 360, height: 780 } });
    try {
      // The official opens the board (a reason first) before anything is reported.
      const desk = await newPage(board);
      await desk.goto(`${server.base}/staff-login`);
      await desk.fill('#username', 'hcm.board');
      await desk.fill('#password', PASSWORD);
      await desk.click('[data-testid=staff-sign-in]');
      await desk.waitForURL(`${server.base}/`);
      // From the case's contact list, the F1 goes into quarantine in one action.
      await desk.goto(`${server.base}/cases/${caseId}`);
      await desk.fill('#case-reason', 'Theo dõi F1 hằng ngày');
      await desk.click('[data-testid=case-open]');
      await desk.click(`[data-testid=place-f1-${f1.personId}]`);
      await desk.locator('[data-testid=case-note]').waitFor();
      assert.match(await desk.textContent('[data-testid=case-note]'), /Đã đặt cách ly F1: 14 ngày/);
      await desk.goto(`${server.base}/`);
      await desk.click('[data-testid=tile-featBoard]');
      await desk.waitForURL(`${server.base}/monitoring/board`);
      await desk.fill('#board-reason', 'Theo dõi F1 hằng ngày');
      await desk.click('[data-testid=board-open]');
      await desk.locator('[data-testid=board-empty]').waitFor();
      assert.match(await desk.textContent('[data-testid=board-list-red_flag]'), /\(0\)/);

      // The F1, on a 360 px phone, sees the quarantine and today's report due.
      await phone.addInitScript((tk) => { if (!localStorage.getItem('kb_token')) localStorage.setItem('kb_token', tk); }, f1.token);
      const page = await newPage(phone);
      await page.goto(`${server.base}/`);
      await page.click('[data-testid=tile-featMonitoring]');
      await page.waitForURL(`${server.base}/monitoring`);
      const card = page.locator(`[data-testid=mon-person-${f1.personId}]`);
      await card.locator('[data-testid=mon-due]').waitFor();
      assert.match(await card.textContent(), /Cách ly F1/);
      assert.match(await card.textContent(), /Còn 14 ngày/);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');

      // An impossible reading is refused next to its field; nothing is recorded.
      await page.fill('#mon-spo2', '130');
      await page.click('[data-testid=mon-send]');
      await page.locator('text=Chỉ số không thể đúng').waitFor();
      // The real reading: SpO2 93 % is a red flag, and the person is told what to do at once.
      await page.fill('#mon-temperature', '37,6');
      await page.fill('#mon-spo2', '93');
      await page.fill('#mon-breathing', '18');
      await page.fill('#mon-pulse', '90');
      await page.click('[data-testid=mon-sym-cough]');
      await page.click('[data-testid=mon-send]');
      await page.locator('[data-testid=mon-red-flag]').waitFor();
      assert.match(await page.textContent('[data-testid=mon-red-flag]'), /SpO2 thấp.*115/);

      // The board shows the alert without a reload.
      await desk.locator('[data-testid=board-news]').waitFor({ timeout: 10000 });
      assert.match(await desk.textContent('[data-testid=board-news]'), /Lê Thị Một.*SpO2 thấp/);
      const row = desk.locator(`[data-testid=board-row-${f1.personId}]`);
      await row.waitFor();
      assert.match(await desk.textContent('[data-testid=board-list-red_flag]'), /\(1\)/);
      assert.match(await row.textContent(), /SpO2 thấp/);

      // Acknowledging needs a note; then the alert is no longer unacknowledged.
      const ack = row.locator('button[data-testid^=board-ack-]').first();
      const testid = await ack.getAttribute('data-testid');
      await ack.click();
      assert.equal(await desk.isDisabled(`[data-testid=${testid}-confirm]`), true);
      await row.locator('input').fill('Đã gọi điện, hướng dẫn nằm sấp, theo dõi SpO2 mỗi giờ');
      await desk.click(`[data-testid=${testid}-confirm]`);
      await desk.locator(`[data-testid=${testid}]`).waitFor({ state: 'detached' });
      const alerts = await server.request('GET', `/api/v1/monitoring/board?reason=check&list=red_flag`, { token: official });
      assert.equal(alerts.json.items[0].alert_id, null, 'acknowledged');

      // The person's page now says today's report is in.
      await page.click('text=Đã gửi khai báo.');
      await page.locator('[data-testid=mon-all-done]').waitFor();

      // Extending needs a reason; the row then shows the longer period.
      const orderId = alerts.json.items[0].id;
      await row.locator(`[data-testid=board-extend-${orderId}]`).click();
      assert.equal(await desk.isDisabled(`[data-testid=board-extend-${orderId}-confirm]`), true);
      await desk.fill(`#board-extend-days-${orderId}`, '3');
      await desk.fill(`#board-extend-reason-${orderId}`, 'Còn ho, SpO2 chưa ổn định');
      await desk.click(`[data-testid=board-extend-${orderId}-confirm]`);
      await row.locator('text=Đã gia hạn thêm 3 ngày.').waitFor();
      await row.locator('text=Còn 17 ngày').waitFor();  // the board reloaded
      let order = await server.request('GET', `/api/v1/monitoring/orders/${orderId}?reason=check`, { token: official });
      assert.equal(order.json.days_left, 17, order.text);

      // An area order on one ward, confirmed first.
      const wards = await wardsOf(server, '79');
      await desk.selectOption('#board-area-ward', wards[3]);
      await desk.locator('[data-testid=board-area-picked] li').waitFor();
      await desk.click('[data-testid=board-area-place]');
      await desk.click('[data-testid=board-area-place-confirm]');
      await desk.locator('[data-testid=board-area-done]').waitFor();
      const areas = await server.request('GET', '/api/v1/monitoring/areas', { token: official });
      assert.ok(JSON.stringify(areas.json).includes(wards[3]), areas.text);

      // Transfer to hospital, a destructive action: cancelled once, then confirmed with a hospital.
      await row.locator(`[data-testid=board-transfer-${orderId}]`).click();
      await desk.click(`[data-testid=board-transfer-${orderId}-cancel]`);
      order = await server.request('GET', `/api/v1/monitoring/orders/${orderId}?reason=check`, { token: official });
      assert.equal(order.json.status, 'open');
      await row.locator(`[data-testid=board-transfer-${orderId}]`).click();
      await desk.fill(`#board-transfer-hospital-${orderId}`, 'Bệnh viện Dã chiến số 1');
      await desk.click(`[data-testid=board-transfer-${orderId}-confirm]`);
      await until(async () => {
        const o = await server.request('GET', `/api/v1/monitoring/orders/${orderId}?reason=check`, { token: official });
        return o.json.status === 'transferred';
      });
      order = await server.request('GET', `/api/v1/monitoring/orders/${orderId}?reason=check`, { token: official });
      assert.equal(order.json.status, 'transferred');

      assert.deepEqual([...page.errors, ...desk.errors], []);
    } finally {
      await board.close();
      await phone.close();
    }
  });
});
