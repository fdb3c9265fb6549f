// Officials and administrators sign in with a password and use their home page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, admin } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';

/** Creates a staff account with the operator CLI, as an administrator would. */
function addStaff(server, username, role, jurisdiction) {
  const pwFile = join(server.dataDir, `pw-${username}`);
  writeFileSync(pwFile, PASSWORD + '\n', { mode: 0o600 });
  admin(server, ['user', 'add', '--username', username, '--role', role,
    '--jurisdiction', jurisdiction, '--password-file', pwFile]);
}

async function staffSignIn(page, server, username, password = PASSWORD) {
  await page.goto(`${server.base}/staff-login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('[data-testid=staff-sign-in]');
}

describe('staff sign-in', () => {
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

  it('an official sees the jurisdiction and browses provinces → wards', async () => {
    addStaff(server, 'hcm.official', 'official', '79');
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      // The citizen page links to staff sign-in.
      await page.goto(`${server.base}/login`);
      await page.click('[data-testid=staff-login-link]');
      await page.waitForURL(`${server.base}/staff-login`);

      await staffSignIn(page, server, 'hcm.official');
      await page.waitForURL(`${server.base}/`);
      await page.locator('[data-testid=home-official]').waitFor();
      assert.equal(await page.textContent('[data-testid=me-username]'), 'hcm.official');

      const token = await page.evaluate(() => localStorage.getItem('kb_token'));
      const me = await server.request('GET', '/api/v1/me', { token });
      assert.equal(me.status, 200);
      const jur = await page.textContent('[data-testid=me-jurisdiction]');
      assert.match(jur, /79/);
      assert.match(jur, /Hồ Chí Minh/);
      if (me.json.jurisdiction?.name) assert.ok(jur.includes(me.json.jurisdiction.name));

      const provinces = page.locator('[data-testid=province-list] > li');
      await provinces.first().waitFor();
      assert.equal(await provinces.count(), 34);

      const wardsApi = await server.request('GET', '/api/v1/areas/provinces/79/wards');
      assert.equal(wardsApi.status, 200);
      await page.click('[data-testid=province-79]');
      const wards = page.locator('[data-testid=ward-list] > li');
      await wards.first().waitFor();
      assert.equal(await wards.count(), wardsApi.json.length);
      assert.ok(wardsApi.json.length > 50, 'Ho Chi Minh City has well over 50 wards/communes');
      assert.match(await page.textContent('[data-testid=areas-heading]'), /Hồ Chí Minh/);
      const first = wardsApi.json[0];
      assert.match(await wards.first().textContent(), new RegExp(first.code));

      // Filtering without diacritics, then back to the provinces.
      await page.fill('#area-filter', first.name.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
      assert.ok(await wards.count() >= 1);
      await page.click('[data-testid=areas-back]');
      await provinces.first().waitFor();
      assert.equal(await provinces.count(), 34);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('a wrong password shows an error and does not sign in', async () => {
    addStaff(server, 'ward.official', 'official', 'national');
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await staffSignIn(page, server, 'ward.official', 'not the password');
      await page.locator('[data-testid=form-error], [data-testid=error-password]').first().waitFor();
      assert.equal(new URL(page.url()).pathname, '/staff-login');
      assert.equal(await page.evaluate(() => localStorage.getItem('kb_token')), null);
    } finally {
      await context.close();
    }
  });

  it('an administrator creates an official account from the form', async () => {
    addStaff(server, 'root.admin', 'admin', 'national');
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await staffSignIn(page, server, 'root.admin');
      await page.locator('[data-testid=home-admin]').waitFor();
      await page.locator('[data-testid=province-list] > li').first().waitFor();

      await page.fill('#new-username', 'hanoi.official');
      await page.fill('#new-password', 'a long enough password 1');
      await page.selectOption('#new-role', 'official');
      await page.selectOption('#new-scope', 'province');
      await page.locator('#new-province option[value="01"]').waitFor({ state: 'attached' });
      await page.selectOption('#new-province', '01');
      await page.click('[data-testid=create-staff-submit]');
      await page.locator('[data-testid=create-staff-done]').waitFor();
      assert.match(await page.textContent('[data-testid=create-staff-done]'), /hanoi\.official/);

      const login = await server.request('POST', '/api/v1/auth/login',
        { body: { username: 'hanoi.official', password: 'a long enough password 1' } });
      assert.equal(login.status, 200, login.text);
      const me = await server.request('GET', '/api/v1/me', { token: login.json.token });
      assert.equal(me.json.role, 'official');
      assert.equal(me.json.jurisdiction?.level, 'province');
      assert.equal(me.json.jurisdiction?.code, '01');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
