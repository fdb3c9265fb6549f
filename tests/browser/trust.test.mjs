// Trust in the browser: an official reads a child's record with a reason; the mother opens
// "who looked at my data" from her home and sees the read — the official's role and area, the
// reason, whose data — and can download it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

describe('who looked at my data', () => {
  let server;
  let browser;
  let mother;
  let official;
  let child;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    official = await staffToken(server, { username: 'hcm.trust', role: 'official', jurisdiction: '79' });
    mother = await citizenToken(server, '0912770001');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    const r = await server.request('POST', '/api/v1/me/people', {
      token: mother,
      body: { full_name: 'Vũ Gia Bảo', id_kind: 'cccd', id_number: '079217005555', birth_date: '2017-08-09', sex: 'male',
        province_code: '79', ward_code: ward, street: '4 Nguyễn Trãi' },
    });
    assert.equal(r.status, 201, r.text);
    child = r.json;
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a mother sees the official’s read of her son’s record, with the reason', async () => {
    const reason = 'Truy vết ca F0 tại trường tiểu học';
    const read = await server.request('GET', `/api/v1/people/${child.id}/record?reason=${encodeURIComponent(reason)}`, { token: official });
    assert.equal(read.status, 200, read.text);

    const context = await phoneContext(browser, { acceptDownloads: true });
    try {
      await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), mother);
      const page = await newPage(context);
      await page.goto(`${server.base}/`);
      await page.click('[data-testid=tile-featAccessLog]');
      await page.waitForURL(`${server.base}/access-log`);
      const entry = page.locator('[data-testid^=access-]', { hasText: 'Vũ Gia Bảo' }).first();
      await entry.waitFor();
      const text = await entry.textContent();
      assert.match(text, /Xem hồ sơ/);
      assert.match(text, /Cán bộ y tế · 79/);
      assert.match(text, new RegExp(`Lý do: ${reason}`));
      assert.ok(!text.includes('hcm.trust'), 'the official’s name is not shown');
      const [file] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=access-download]')]);
      assert.equal(file.suggestedFilename(), 'who-looked-at-my-data.csv');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
