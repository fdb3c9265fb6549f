// A citizen signs in with a phone number and the SMS code, as a person would in a browser.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

/** The code the server "texted", read from the outbox (retrying briefly). */
async function otpFor(server, phone) {
  for (let i = 0; i < 40; i++) {
    const code = server.lastOtp(phone);
    if (code) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no OTP for ${phone} in the outbox: ${JSON.stringify(server.outbox())}`);
}

describe('citizen sign-in', () => {
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

  it('signs in by phone + SMS code, switches to English, signs out', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/`);
      await page.waitForURL(`${server.base}/login`);

      await page.fill('#phone', '0912 345 678');
      await page.click('[data-testid=send-code]');
      await page.locator('[data-testid=sent-to]').getByText('+84912345678').waitFor();

      const code = await otpFor(server, '+84912345678');
      await page.fill('#code', code);
      await page.click('[data-testid=verify-code]');
      await page.waitForURL(`${server.base}/`);
      await page.locator('[data-testid=home-citizen]').waitFor();
      assert.equal(await page.textContent('[data-testid=me-phone]'), '+84912345678');
      assert.match(await page.textContent('main'), /Xin chào/);
      const token = await page.evaluate(() => localStorage.getItem('kb_token'));
      assert.ok(token, 'token kept in localStorage');

      // English, and it survives a reload.
      await page.click('[data-testid=lang-en]');
      await page.getByText('Hello', { exact: false }).first().waitFor();
      assert.match(await page.textContent('[data-testid=tile-featDeclaration]'), /Health declaration/);
      assert.match(await page.textContent('[data-testid=tile-featMyQr]'), /My QR code/);
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
      await page.reload();
      await page.locator('[data-testid=home-citizen]').waitFor();
      assert.match(await page.textContent('main'), /Hello/);
      assert.equal(await page.textContent('[data-testid=sign-out]'), 'Sign out');

      await page.click('[data-testid=sign-out]');
      await page.waitForURL(`${server.base}/login`);
      assert.equal(await page.evaluate(() => localStorage.getItem('kb_token')), null);
      const me = await server.request('GET', '/api/v1/me', { token });
      assert.equal(me.status, 401, 'the signed-out token no longer works');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('shows a wrong code next to the code field and stays on the form', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/login`);
      await page.fill('#phone', '0987654321');
      await page.click('[data-testid=send-code]');
      await page.locator('#code').waitFor();
      const real = await otpFor(server, '+84987654321');
      const wrong = real === '000000' ? '111111' : '000000';
      await page.fill('#code', wrong);
      await page.click('[data-testid=verify-code]');

      const error = page.locator('[data-testid=error-code]');
      await error.waitFor();
      assert.match(await error.textContent(), /không đúng/);
      // It belongs to the code field: inside the same field block and announced with it.
      assert.equal(await page.getAttribute('#code', 'aria-invalid'), 'true');
      assert.equal(await page.getAttribute('#code', 'aria-describedby'), 'code-error');
      assert.equal(await error.getAttribute('id'), 'code-error');
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.evaluate(() => localStorage.getItem('kb_token')), null);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('shows an invalid phone number next to the phone field', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/login`);
      await page.fill('#phone', '12345');
      await page.click('[data-testid=send-code]');
      await page.locator('[data-testid=error-phone]').waitFor();
      assert.equal(await page.locator('#code').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('asking for a code again too soon says how long to wait and takes the code already sent', async () => {
    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/login`);
      await page.fill('#phone', '0977 123 000');
      await page.click('[data-testid=send-code]');
      await page.locator('#code').waitFor();
      const code = await otpFor(server, '+84977123000');
      // Back to the phone form (a wrong number, a reload) and ask again at once.
      await page.click('[data-testid=change-phone]');
      await page.fill('#phone', '0977123000');
      await page.click('[data-testid=send-code]');
      await page.locator('[data-testid=code-already-sent]').waitFor();
      assert.match(await page.textContent('[data-testid=code-already-sent]'), /vẫn dùng được/);
      const wait = await page.textContent('[data-testid=resend-code]');
      assert.match(wait, /Gửi lại mã sau \d+ giây/);
      assert.ok(Number(/\d+/.exec(wait)[0]) > 30, wait);
      assert.equal(await page.isDisabled('[data-testid=resend-code]'), true);
      assert.equal(server.lastOtp('+84977123000'), code, 'no second code was sent');
      await page.fill('#code', code);
      await page.click('[data-testid=verify-code]');
      await page.locator('[data-testid=home-citizen]').waitFor();
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
