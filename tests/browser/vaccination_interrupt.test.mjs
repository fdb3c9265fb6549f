// An official whose list import was cut off by a server crash (kill -9 while it stored its
// chunks) asks to add it to a campaign: the page says the import was cut off, how many rows
// were stored, and to import the file again — not that it is still running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';
import { cutOffImport, peopleList } from '../lib/cut_import.mjs';

const PASSWORD = 'correct horse battery 9';

test('a cut-off import reads as interrupted on the campaign page, with the rows it stored', async () => {
  const first = await startServer({ keepDataDir: true });
  let server = first;
  let browser;
  try {
    const official = await staffToken(server, { username: 'hcm.vax', role: 'official', jurisdiction: '79', password: PASSWORD });
    server = await cutOffImport(first, official, peopleList(120000));
    const stored = (await server.request('GET', '/api/v1/vaccination/imports/1', { token: official })).json.counts.total;
    const campaign = await server.request('POST', '/api/v1/vaccination/campaigns', {
      token: official, body: { name: 'Tiêm mũi 1', products: ['EU/1/20/1528'], priority_groups: [], total_doses: 2 },
    });
    assert.equal(campaign.status, 201, campaign.text);

    browser = await launchBrowser();
    const page = await newPage(await phoneContext(browser));
    await page.goto(`${server.base}/staff-login`);
    await page.fill('#username', 'hcm.vax');
    await page.fill('#password', PASSWORD);
    await page.click('[data-testid=staff-sign-in]');
    await page.waitForURL(`${server.base}/`);
    await page.goto(`${server.base}/vaccination/${campaign.json.id}`);
    await page.fill('#import-id', '1');
    await page.click('[data-testid=attach-import]');
    await page.locator('[data-testid=import-state]').waitFor();
    const text = await page.textContent('[data-testid=import-state]');
    assert.match(text, /Lần nhập 1 bị ngắt giữa chừng/);
    assert.ok(text.includes(`chỉ ${stored} dòng được lưu`), text);
    assert.match(text, /Hãy nhập lại tệp/);
    assert.deepEqual(page.errors, []);
  } finally {
    await browser?.close();
    await server.stop();
  }
});
