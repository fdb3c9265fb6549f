// Officials and administrators sign in with a password and use their home page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, admin, ADMIN_PASSWORD } from '../lib/server.mjs';
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

  it('a province official sees the jurisdiction, its wards first, and may browse the other provinces', async () => {
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

      // A province official's home opens at the province's own wards.
      const wardsApi = await server.request('GET', '/api/v1/areas/provinces/79/wards');
      assert.equal(wardsApi.status, 200);
      const wards = page.locator('[data-testid=ward-list] > li');
      await wards.first().waitFor();
      assert.equal(await wards.count(), wardsApi.json.length);
      assert.ok(wardsApi.json.length > 50, 'Ho Chi Minh City has well over 50 wards/communes');
      assert.match(await page.textContent('[data-testid=areas-heading]'), /Hồ Chí Minh/);
      const first = wardsApi.json[0];
      assert.match(await wards.first().textContent(), new RegExp(first.code));
      const provinces = page.locator('[data-testid=province-list] > li');

      // Filtering without diacritics, then back to the provinces.
      await page.fill('#area-filter', first.name.normalize('NFD').replace(/[\u0300-\u036f]/g, ''));
      assert.ok(await wards.count() >= 1);
      await page.click('[data-testid=areas-back]');
      await provinces.first().waitFor();
      assert.equal(await provinces.count(), 34);
      await page.click('[data-testid=province-01]');
      await page.locator('[data-testid=ward-list] > li').first().waitFor();
      assert.match(await page.textContent('[data-testid=areas-heading]'), /Hà Nội/);
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
      // An administrator is not a health official: no case, cluster or broadcast forms.
      for (const tile of ['tile-featCases', 'tile-featClusters', 'tile-composeTitle']) {
        assert.equal(await page.locator(`[data-testid=${tile}]`).count(), 0, tile);
      }

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
      // The new account is listed at once.
      await page.locator('[data-testid=account-list] li[data-name="hanoi.official"]').waitFor();

      // Venue staff act for venues: the form asks no jurisdiction, and the server accepts it.
      await page.selectOption('#new-role', 'venue_staff');
      assert.equal(await page.locator('#new-scope').count(), 0);
      await page.fill('#new-username', 'door.staff');
      await page.fill('#new-password', 'a long enough password 2');
      await page.click('[data-testid=create-staff-submit]');
      await page.locator('[data-testid=create-staff-done]').getByText(/door\.staff/).waitFor();

      // Every field the form can check is marked at once.
      await page.fill('#new-username', 'Bad Name');
      await page.fill('#new-password', 'short');
      await page.click('[data-testid=create-staff-submit]');
      await page.locator('[data-testid=error-new-username]').waitFor();
      assert.match(await page.textContent('[data-testid=error-new-password]'), /ít nhất 10 ký tự/);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('the first administrator must change the one-time password before anything else', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await staffSignIn(page, server, 'admin', server.adminPassword);
      await page.waitForURL(`${server.base}/password`);
      await page.locator('[data-testid=password-required]').waitFor();
      // Home leads back here while the password is unchanged.
      await page.goto(`${server.base}/`);
      await page.waitForURL(`${server.base}/password`);

      // Every field is checked at once, in Vietnamese, before asking the server.
      await page.click('[data-testid=change-password-submit]');
      for (const f of ['current_password', 'new_password', 'repeat_password']) {
        assert.match(await page.textContent(`[data-testid=error-${f}]`), /Vui lòng nhập/, f);
      }
      await page.fill('#current_password', 'not the one-time password');
      await page.fill('#new_password', ADMIN_PASSWORD);
      await page.fill('#repeat_password', `${ADMIN_PASSWORD}!`);
      await page.click('[data-testid=change-password-submit]');
      await page.locator('[data-testid=error-repeat_password]').getByText(/không giống nhau/).waitFor();
      await page.fill('#repeat_password', ADMIN_PASSWORD);
      await page.click('[data-testid=change-password-submit]');
      const wrong = page.locator('[data-testid=error-current_password]');
      await wrong.waitFor();
      assert.match(await wrong.textContent(), /không đúng/, 'the server\'s refusal, next to its field, in Vietnamese');

      await page.fill('#current_password', server.adminPassword);
      await page.click('[data-testid=change-password-submit]');
      await page.locator('[data-testid=home-admin]').waitFor();
      await page.locator('[data-testid=password-changed]').waitFor();
      const old = await server.request('POST', '/api/v1/auth/login', { body: { username: 'admin', password: server.adminPassword } });
      assert.equal(old.status, 401, 'the one-time password no longer works');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('an administrator searches accounts, disables and enables one, and resets a password', async () => {
    addStaff(server, 'desk.admin', 'admin', 'national');
    addStaff(server, 'danang.official', 'official', '48');
    addStaff(server, 'quangnam.official', 'official', '48');
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await staffSignIn(page, server, 'desk.admin');
      await page.locator('[data-testid=home-admin]').waitFor();
      await page.locator('[data-testid=account-list] li').first().waitFor();
      await page.locator('#account-jurisdiction option[value="48"]').waitFor({ state: 'attached' });
      await page.setViewportSize({ width: 360, height: 740 });
      const scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(scrollWidth <= 360, `the administrator's home scrolls sideways at 360 px: ${scrollWidth}`);
      await page.fill('#account-q', 'danang');
      await page.click('[data-testid=account-search-submit]');
      const item = page.locator('[data-testid=account-list] li[data-name="danang.official"]');
      await item.waitFor();
      await page.locator('[data-testid=account-list] li').nth(1).waitFor({ state: 'detached' });
      const id = (await item.getAttribute('data-testid')).replace('account-', '');

      // By jurisdiction: both officials of Đà Nẵng (48).
      await page.fill('#account-q', '');
      await page.selectOption('#account-jurisdiction', '48');
      await page.click('[data-testid=account-search-submit]');
      await page.locator('[data-testid=account-list] li[data-name="quangnam.official"]').waitFor();
      assert.equal(await page.locator('[data-testid=account-list] li').count(), 2);

      // Disabling asks first and says what happens.
      await page.click(`[data-testid=disable-${id}]`);
      const confirm = page.locator(`[data-testid=disable-${id}-dialog]`);
      await confirm.waitFor();
      assert.match(await confirm.textContent(), /đăng xuất ngay/);
      await page.click(`[data-testid=disable-${id}-cancel]`);
      assert.equal(await item.getAttribute('data-disabled'), 'no');
      await page.click(`[data-testid=disable-${id}]`);
      await page.click(`[data-testid=disable-${id}-confirm]`);
      await page.locator(`[data-testid=account-list] li[data-name="danang.official"][data-disabled=yes]`).waitFor();
      const refused = await server.request('POST', '/api/v1/auth/login', { body: { username: 'danang.official', password: PASSWORD } });
      assert.equal(refused.status, 401);
      await page.click(`[data-testid=enable-${id}]`);
      await page.locator(`[data-testid=account-list] li[data-name="danang.official"][data-disabled=no]`).waitFor();

      // A new one-time password, shown once; it works, and must be changed at sign-in.
      await page.click(`[data-testid=reset-${id}]`);
      await page.click(`[data-testid=reset-${id}-confirm]`);
      const once = (await page.locator('[data-testid=one-time-password]').textContent()).trim();
      assert.ok(once.length >= 10, once);
      const login = await server.request('POST', '/api/v1/auth/login', { body: { username: 'danang.official', password: once } });
      assert.equal(login.status, 200, login.text);
      assert.equal(login.json.user.must_change_password, true);

      // Their own password, from the home page.
      await page.click('[data-testid=change-own-password]');
      await page.waitForURL(`${server.base}/password`);
      await page.locator('[data-testid=password-form]').waitFor();
      assert.equal(await page.locator('[data-testid=password-required]').count(), 0);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
