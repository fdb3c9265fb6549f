// The vaccination campaign of issue 15 on a phone-sized screen: an official imports a raw list,
// creates a campaign with a site and a slot, and sends the invitations; a citizen on the list
// opens hers from the health book, answers the screening at home and confirms; the site's staff
// find her by her CCCD number (what a reader types) and record dose 1, with the observation
// timer running; her health book then shows the certificate's QR — offline too — and /verify
// says the certificate is valid.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';
const WARD = '26743';
const CCCD = '079190680001';

describe('vaccination campaign', () => {
  let server;
  let browser;
  let citizen;
  let site;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await staffToken(server, { username: 'hcm.vax', role: 'official', jurisdiction: '79', password: PASSWORD });
    citizen = await citizenToken(server, '0912680001');
    const self = (await server.request('GET', '/api/v1/me/people', { token: citizen })).json.people[0];
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, {
      token: citizen,
      body: { full_name: 'Nguyễn Thị Lan', id_kind: 'cccd', id_number: CCCD, birth_date: '1990-04-05', sex: 'female', province_code: '79', ward_code: WARD, street: '1 Lê Lợi' },
    });
    assert.equal(put.status, 200, put.text);
    const manager = await citizenToken(server, '0912680100');
    site = (await server.request('POST', '/api/v1/venues', {
      token: manager, body: { name: 'Trạm Y tế Bến Thành', kind: 'hospital', province_code: '79', ward_code: WARD, street: '3 Lê Lợi' },
    })).json;
    const staff = await server.request('POST', `/api/v1/venues/${site.id}/staff`, { token: manager, body: { username: 'ben.thanh.vax', password: PASSWORD } });
    assert.equal(staff.status, 201, staff.text);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function staffPage(username) {
    const context = await phoneContext(browser);
    const page = await newPage(context);
    await page.goto(`${server.base}/staff-login`);
    await page.fill('#username', username);
    await page.fill('#password', PASSWORD);
    await page.click('[data-testid=staff-sign-in]');
    await page.waitForURL(`${server.base}/`);
    return { page, context };
  }

  it('list, campaign, invitation, screening, dose at the site, certificate in the health book', async () => {
    // The official: a campaign, its site and slot, the list from a raw file, the invitations.
    {
      const { page, context } = await staffPage('hcm.vax');
      await page.click('[data-testid=tile-featCampaigns]');
      await page.waitForURL(`${server.base}/vaccination`);
      await page.fill('#campaign-name', 'Tiêm COVID-19 mũi 1 phường Bến Thành');
      await page.fill('#campaign-groups', '1, 2');
      await page.click('[data-testid=create-campaign]');
      await page.waitForURL(/\/vaccination\/\d+$/);
      await page.fill('#site-code', site.code);
      await page.click('[data-testid=add-site]');
      await page.locator(`[data-testid=site-${site.id}]`).waitFor();
      await page.fill('#slot-day', '2027-01-15');
      await page.fill('#slot-capacity', '2');
      await page.click('[data-testid=add-slot]');
      await page.locator(`[data-testid=fill-${site.id}-2027-01-15]`).waitFor();
      const csv = 'Họ và tên;Ngày sinh;Giới tính;Số CCCD;SĐT;Phường/Xã;Tỉnh/TP;Nhóm ưu tiên\n'
        + `NGUYỄN THỊ LAN;05/04/1990;Nữ;${CCCD};0912680001;Phường Bến Thành;TP.HCM;1\n`
        + 'Trần Văn Hòa;01/01/1960;Nam;079060680002;0912680002;Phường Bến Thành;TP.HCM;2\n'
        + 'Lê Thị Cúc;02/02/1955;Nữ;079155680003;0912680003;Phường Bến Thành;TP.HCM;2\n';
      await page.setInputFiles('[data-testid=list-file]', { name: 'danh-sach.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.click('[data-testid=upload-list]');
      await page.locator('[data-testid=campaign-note]').waitFor();
      assert.match(await page.textContent('[data-testid=campaign-note]'), /Đã nhập 3 dòng.*Thêm 3 người/);
      assert.equal(await page.textContent('[data-testid=fig-listed]'), '3');
      await page.click('[data-testid=send-invitations]');
      await page.click('[data-testid=send-invitations-confirm]');
      await page.locator('[data-testid=campaign-note]', { hasText: 'Đã gửi' }).waitFor();
      assert.match(await page.textContent('[data-testid=campaign-note]'), /Đã gửi 3 giấy mời; 1 người chưa có chỗ/);
      // The fill figures reload after the note: wait for them rather than read them at once.
      await page.locator(`[data-testid=fill-${site.id}-2027-01-15]`, { hasText: /2\/2 chỗ \(100 %\)/ }).waitFor();
      assert.deepEqual(page.errors, []);
      await context.close();
    }

    // The citizen: the invitation from her health book, the screening, her confirmation.
    const context = await phoneContext(browser);
    await context.addInitScript((t) => localStorage.setItem('kb_token', t), citizen);
    const page = await newPage(context);
    await page.goto(`${server.base}/`);
    await page.click('[data-testid=tile-featHealthBook]');
    await page.waitForURL(`${server.base}/health-book`);
    await page.locator('[data-testid=my-invitations] a').first().click();
    await page.waitForURL(/\/invitation\/.+/);
    assert.match(await page.textContent('[data-testid=invitation-site]'), /Trạm Y tế Bến Thành/);
    assert.match(await page.textContent('[data-testid=invitation-time]'), /15\/01\/2027 08:00–09:00/);
    assert.match(await page.getAttribute('[data-testid=invitation-qr]', 'data-payload'), /^KBV1\./);
    for (const q of ['previous_reaction', 'severe_allergy', 'acute_illness', 'pregnant', 'chronic_condition',
      'immunosuppressed', 'bleeding_disorder', 'recent_vaccine', 'covid_recent', 'fever']) {
      await page.check(`[data-testid=q-${q}-no]`);
    }
    await page.fill('#temperature', '36,6');
    await page.click('[data-testid=save-screening]');
    await page.locator('[data-testid=no-flags]').waitFor();
    await page.click('[data-testid=reply-confirm]');
    await page.locator('[data-testid=invitation-status][data-status=confirmed]').waitFor();

    // The site's staff: find her by the CCCD number, see the screening, record dose 1.
    {
      const desk = await staffPage('ben.thanh.vax');
      await desk.page.click('[data-testid=tile-featSiteDesk]');
      await desk.page.click(`[data-testid=desk-${site.id}]`);
      await desk.page.waitForURL(`${server.base}/vaccination/site/${site.id}`);
      await desk.page.fill('#desk-input', CCCD);
      await desk.page.press('#desk-input', 'Enter');
      await desk.page.locator('[data-testid=attendee-name]', { hasText: 'Nguyễn Thị Lan' }).waitFor();
      await desk.page.locator('[data-testid=attendee] [data-testid=no-flags]').waitFor();
      assert.equal(await desk.page.textContent('[data-testid=answer-pregnant]'), 'Không');
      await desk.page.fill('#dose-lot', 'FK1234');
      await desk.page.fill('#dose-vaccinator', 'ĐD. Hoa');
      await desk.page.click('[data-testid=record-dose]');
      await desk.page.locator('[data-testid=dose-note]').waitFor();
      assert.match(await desk.page.textContent('[data-testid=dose-note]'), /Đã ghi mũi 1/);
      const left = Number(await desk.page.getAttribute('[data-testid=observation]', 'data-left'));
      assert.ok(left > 29 * 60 && left <= 30 * 60, `observation ${left} s`);
      assert.match(await desk.page.textContent('[data-testid=observation]'), /Còn (30:00|29:\d\d)/);
      assert.deepEqual(desk.page.errors, []);
      await desk.context.close();
    }

    // Her health book: the certificate's QR, also without a network.
    await page.goto(`${server.base}/health-book`);
    await page.locator('[data-testid=certificate-qr] svg').waitFor();
    const hc1 = await page.inputValue('[data-testid=certificate-text]');
    assert.match(hc1, /^HC1:/);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.locator('[data-testid=certificate-qr] svg').waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.locator('[data-testid=book-offline]').waitFor();
    assert.equal(await page.inputValue('[data-testid=certificate-text]'), hc1);
    await context.setOffline(false);

    // /verify: valid.
    await page.goto(`${server.base}/verify`);
    await page.fill('#payload', hc1);
    await page.click('[data-testid=verify-button]');
    await page.locator('[data-testid=dcc-result]').waitFor();
    assert.equal(await page.getAttribute('[data-testid=dcc-result]', 'data-status'), 'valid');
    assert.match(await page.textContent('[data-testid=dcc-name]'), /Nguyễn Thị Lan/);

    // Signing out forgets the book kept offline: localStorage and the cached certificate answers.
    const keptOffline = () => page.evaluate(async () => {
      let responses = 0;
      for (const name of await caches.keys()) {
        for (const r of await (await caches.open(name)).keys()) {
          if (/\/api\/v1\/people\/\d+\/certificates$/.test(new URL(r.url).pathname)) responses += 1;
        }
      }
      return { stored: localStorage.getItem('kb_health_book') !== null, responses };
    });
    const kept = await keptOffline();
    assert.ok(kept.stored && kept.responses > 0, JSON.stringify(kept));
    await page.goto(`${server.base}/`);
    await page.locator('[data-testid=sign-out]').click();
    await page.waitForURL('**/login');
    let gone = await keptOffline();
    for (let i = 0; i < 50 && (gone.stored || gone.responses > 0); i += 1) {
      await page.waitForTimeout(100);
      gone = await keptOffline();
    }
    assert.deepEqual(gone, { stored: false, responses: 0 });
    assert.deepEqual(page.errors, []);
    await context.close();
  });
});
