// The mass testing scenario of issue 17 on a phone-sized screen: an official creates a round for a
// ward; at the site, twelve people are sampled into two pools by their codes (what a barcode
// reader types, then Enter); the lab uploads a results file marking pool 2 positive; its members
// are called back, retested individually; one retest is positive and, once the official confirms
// it, becomes a case whose tracing finds their F1; a negative member sees "Âm tính".
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';
const WARD = '26743';

describe('mass testing round', () => {
  let server;
  let browser;
  const people = [];
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    await staffToken(server, { username: 'hcm.testing', role: 'official', jurisdiction: '79', password: PASSWORD });
    for (let i = 0; i < 12; i++) {
      const phone = `09126700${String(i).padStart(2, '0')}`;
      const token = await citizenToken(server, phone);
      const self = (await server.request('GET', '/api/v1/me/people', { token })).json.people[0];
      const id = `0790906700${String(i).padStart(2, '0')}`;
      const profile = { full_name: `Người Dân ${String.fromCharCode(65 + i)}`, id_kind: 'cccd', id_number: id, birth_date: '1990-01-02', sex: 'male', province_code: '79', ward_code: WARD, street: '1 Lê Lợi' };
      const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: profile });
      assert.equal(put.status, 200, put.text);
      people.push({ token, id, person_id: self.id });
    }
    // Before the round, person 8 and person 0 sat in the same café.
    const owner = await citizenToken(server, '0912670100');
    const venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Cà phê Góc Phố', kind: 'restaurant', province_code: '79', ward_code: WARD, street: '3 Lê Lợi' },
    })).json;
    for (const p of [people[8], people[0]]) {
      const r = await server.request('POST', '/api/v1/checkins', { token: p.token, body: { venue_code: venue.code } });
      assert.ok(r.status === 201 || r.status === 200, r.text);
    }
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('samples twelve people into two pools, retests pool 2, confirms a positive as a case', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/staff-login`);
      await page.fill('#username', 'hcm.testing');
      await page.fill('#password', PASSWORD);
      await page.click('[data-testid=staff-sign-in]');
      await page.waitForURL(`${server.base}/`);
      await page.click('[data-testid=tile-featTesting]');
      await page.waitForURL(`${server.base}/testing`);

      await page.fill('#name', 'Xét nghiệm phường đợt 1');
      await page.fill('#ward_codes', WARD);
      await page.fill('#pool_size', '6');
      await page.click('[data-testid=round-submit]');
      await page.waitForURL(/\/testing\/\d+$/);
      await page.locator('[data-testid=fig-invited]').waitFor();
      assert.equal(await page.textContent('[data-testid=fig-invited]'), '12');

      // At the site: a tube label, then each person's code as a reader types it.
      const sampleInto = async (tube, codes) => {
        await page.fill('#tube', tube);
        for (const code of codes) {
          const before = await page.locator('[data-testid=sample-log] li').count();
          await page.fill('#payload', code);
          await page.press('#payload', 'Enter');
          await page.waitForFunction((n) => document.querySelectorAll('[data-testid=sample-log] li').length > n, before);
        }
      };
      await sampleInto('P1', people.slice(0, 6).map((p) => p.id));
      await sampleInto('P2', people.slice(6).map((p) => p.id));
      assert.match(await page.textContent('[data-testid=sample-log] li'), /P2 \(6\/6\)/);
      // A thirteenth sample into the full pool is refused in words.
      await page.fill('#payload', people[0].id);
      await page.press('#payload', 'Enter');
      await page.locator('[data-testid=form-error]').waitFor();
      assert.match(await page.textContent('[data-testid=form-error]'), /đã được lấy mẫu/);
      await page.waitForFunction(() => document.querySelector('[data-testid=fig-pools]')?.textContent === '2');
      assert.equal(await page.textContent('[data-testid=fig-sampled]'), '12');
      // By ward: the twelve live in the round's ward, sampled into its two pools.
      const ward = page.locator(`[data-testid=ward-${WARD}] td`);
      await ward.first().waitFor();
      assert.deepEqual((await ward.allTextContents()).slice(1, 4), ['12', '12', '2']);

      // The lab uploads its file: pool 1 negative, pool 2 positive.
      const roundUrl = page.url();
      await page.goto(`${server.base}/testing/results`);
      await page.setInputFiles('[data-testid=lab-file]', {
        name: 'ket-qua.csv', mimeType: 'text/csv',
        buffer: Buffer.from('ma_ong,ket_qua,thoi_gian,phong_xet_nghiem\r\nP1,Âm tính,,Viện Pasteur\r\nP2,Dương tính,,Viện Pasteur\r\n'),
      });
      await page.click('[data-testid=lab-upload]');
      await page.locator('[data-testid=lab-applied]').waitFor();
      assert.match(await page.textContent('[data-testid=lab-applied]'), /6 người âm tính, 6 người được gọi xét nghiệm lại/);
      const inbox = (await server.request('GET', '/api/v1/me/inbox', { token: people[9].token })).json;
      assert.ok(JSON.stringify(inbox).includes('Cần xét nghiệm lại'), 'pool 2 members are called back');

      // Retests, one individual tube each.
      await page.goto(roundUrl);
      await page.locator('[data-testid=fig-recalled]').waitFor();
      assert.equal(await page.textContent('[data-testid=fig-recalled]'), '6');
      for (let i = 6; i < 12; i++) await sampleInto(`R${i}`, [people[i].id]);
      assert.match(await page.textContent('[data-testid=sample-log] li'), /R11 \(xét nghiệm lại\)/);

      await page.goto(`${server.base}/testing/results`);
      for (let i = 6; i < 12; i++) {
        await page.fill('#tube_id', `R${i}`);
        await page.selectOption('#result', i === 8 ? 'positive' : 'negative');
        const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/testing/results'));
        await page.click('[data-testid=single-submit]');
        assert.equal((await answered).status(), 200);
        await page.locator('[data-testid=lab-applied]').waitFor();
      }
      const positive = page.locator('[data-testid=positive-list] li');
      await positive.first().waitFor();
      assert.equal(await positive.count(), 1);
      assert.match(await positive.first().textContent(), /Người Dân I/);
      await positive.first().locator('button[data-testid^=confirm-]').click();
      await page.locator('[data-testid$=-confirm]').first().click();
      await page.locator('[data-testid=case-confirmed]').waitFor();
      await page.click('[data-testid=case-confirmed] a');
      await page.waitForURL(/\/cases\/\d+$/);
      await page.fill('#case-reason', 'Truy vết sau xét nghiệm');
      await page.click('[data-testid=case-open]');
      await page.locator('[data-testid=contact-list]').waitFor();
      assert.match(await page.textContent('[data-testid=contact-list]'), /Cà phê Góc Phố/);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `no sideways scrolling on a phone (${width}px)`);
    } finally {
      await context.close();
    }
  });

  it('a negative member sees "Âm tính" in their results', async () => {
    const context = await phoneContext(browser);
    try {
      await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), people[2].token);
      const page = await newPage(context);
      await page.goto(`${server.base}/`);
      await page.click('[data-testid=tile-featMyTests]');
      await page.waitForURL(`${server.base}/tests`);
      await page.locator('[data-testid=test-result]').first().waitFor();
      assert.equal(await page.textContent('[data-testid=test-result]'), 'Âm tính');
      assert.match(await page.textContent('[data-testid=my-tests]'), /Xét nghiệm phường đợt 1/);
    } finally {
      await context.close();
    }
  });
});
