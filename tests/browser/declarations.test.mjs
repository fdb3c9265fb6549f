// Declaring in the browser: a citizen completes their own details, adds two dependants,
// declares for all three, sees three QR codes, and the public verifier reads each one —
// offline (WebCrypto Ed25519 with cached keys) and online — and rejects a tampered code;
// signing out forgets the codes kept for offline use.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

async function fillPerson(page, p) {
  await page.fill('#full_name', p.name);
  await page.selectOption('#id_kind', 'cccd');
  await page.fill('#id_number', p.id);
  await page.fill('#birth_date', p.birth);
  await page.check(`input[name=sex][value=${p.sex}]`);
  await page.selectOption('#province_code', '79');
  await page.waitForSelector('#ward_code option[value="26882"]', { state: 'attached' });
  await page.selectOption('#ward_code', '26882');
  await page.fill('#street', '12 Lê Lợi');
  await page.click('[data-testid=save-person]');
  await page.waitForURL(/\/declare\/\d+$/);
  return Number(/\/declare\/(\d+)$/.exec(page.url())[1]);
}

async function declare(page, { symptoms = ['none'], exposures = ['none'] }) {
  await page.locator('[data-testid=declaration-form]').waitFor();
  for (const s of symptoms) await page.check(`[data-testid=symptoms-${s}]`);
  for (const e of exposures) await page.check(`[data-testid=exposures-${e}]`);
  await page.click('[data-testid=submit-declaration]');
  await page.waitForURL(/\/qr\/\d+/);
  await page.locator('[data-testid=qr-note]').waitFor();
}

describe('declarations and the personal QR in the browser', () => {
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

  it('declares for oneself and two dependants, shows three QR codes, and each verifies', async () => {
    const token = await citizenToken(server, '0912555001');
    const context = await phoneContext(browser);
    await context.addInitScript((t) => { if (!localStorage.getItem('kb_token')) localStorage.setItem('kb_token', t); }, token);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/`);
      await page.click('[data-testid=tile-peopleTitle]');
      await page.locator('[data-testid=people-list] li').first().waitFor();
      await page.locator('[data-testid=people-list] li').first().getByRole('link').first().click();
      const selfId = await fillPerson(page, { name: 'Nguyễn Văn An', id: '079090123456', birth: '1990-05-12', sex: 'male' });
      await declare(page, {});
      assert.equal(await page.getAttribute(`[data-testid=qr-${selfId}]`, 'data-colour'), 'green');

      await page.goto(`${server.base}/people/new`);
      const childId = await fillPerson(page, { name: 'Nguyễn Thị Bé', id: '079315000001', birth: '2015-03-01', sex: 'female' });
      await declare(page, { symptoms: ['fever', 'cough'] });
      assert.equal(await page.getAttribute(`[data-testid=qr-${childId}]`, 'data-colour'), 'yellow');

      await page.goto(`${server.base}/people/new`);
      const granId = await fillPerson(page, { name: 'Trần Thị Lan', id: '001150000777', birth: '1950-08-20', sex: 'female' });
      await declare(page, { exposures: ['outbreak_area'] });

      // Three codes on "my QR".
      await page.goto(`${server.base}/qr`);
      await page.locator('[data-testid=qr-list] figure').nth(2).waitFor();
      const cards = await page.$$eval('[data-testid=qr-list] figure', (els) =>
        els.map((e) => ({ id: e.dataset.testid, colour: e.dataset.colour, payload: e.dataset.payload, svg: !!e.querySelector('svg') })));
      assert.deepEqual(cards.map((c) => [c.id, c.colour]),
        [[`qr-${selfId}`, 'green'], [`qr-${childId}`, 'yellow'], [`qr-${granId}`, 'yellow']]);
      assert.ok(cards.every((c) => c.svg && /^KB1\.[A-Z2-7]+$/.test(c.payload)));

      // The update is prefilled from the last answers.
      await page.goto(`${server.base}/declare/${childId}`);
      await page.locator('[data-testid=prefilled]').waitFor();
      assert.equal(await page.isChecked('[data-testid=symptoms-fever]'), true);
      assert.equal(await page.isChecked('[data-testid=symptoms-none]'), false);

      // The public verifier: each code, offline signature check and online confirmation.
      const verifier = await newPage(await browser.newContext());
      await verifier.goto(`${server.base}/verify`);
      await verifier.locator('[data-testid=keys-count]').getByText(/^1 /).waitFor();
      const expected = [['N*** V*** An', '1990', 'green'], ['N*** T*** Bé', '2015', 'yellow'], ['T*** T*** Lan', '1950', 'yellow']];
      for (let i = 0; i < 3; i++) {
        await verifier.fill('#payload', cards[i].payload);
        await verifier.click('[data-testid=verify-button]');
        await verifier.locator('[data-testid=online-status][data-online=yes]').waitFor();
        const result = verifier.locator('[data-testid=verify-result]');
        assert.equal(await result.getAttribute('data-verdict'), 'valid');
        assert.equal(await result.getAttribute('data-colour'), expected[i][2]);
        assert.equal(await verifier.getAttribute('[data-testid=offline-verdict]', 'data-verdict'), 'valid');
        assert.equal(await verifier.textContent('[data-testid=verify-name]'), expected[i][0]);
        assert.equal(await verifier.textContent('[data-testid=verify-birth-year]'), expected[i][1]);
      }

      // A tampered code: one character of the signed body changed.
      const good = cards[1].payload;
      const pos = 40;  // inside the issued-at field
      const tampered = good.slice(0, pos) + (good[pos] === 'A' ? 'B' : 'A') + good.slice(pos + 1);
      await verifier.fill('#payload', tampered);
      await verifier.click('[data-testid=verify-button]');
      await verifier.locator('[data-testid=online-status][data-online=yes]').waitFor();
      assert.ok(['forged', 'malformed'].includes(await verifier.getAttribute('[data-testid=verify-result]', 'data-verdict')));
      assert.ok(['forged', 'malformed'].includes(await verifier.getAttribute('[data-testid=offline-verdict]', 'data-verdict')));

      // Offline, the verifier still checks the signature with the cached key.
      await verifier.context().setOffline(true);
      await verifier.fill('#payload', cards[0].payload);
      await verifier.click('[data-testid=verify-button]');
      await verifier.locator('[data-testid=online-status][data-online=no]').waitFor();
      assert.equal(await verifier.getAttribute('[data-testid=offline-verdict]', 'data-verdict'), 'valid');
      assert.equal(await verifier.getAttribute('[data-testid=verify-result]', 'data-colour'), 'green');
      await verifier.context().setOffline(false);
      await verifier.context().close();

      // "My QR" opens offline once loaded: the service worker serves the shell, localStorage the code.
      await page.goto(`${server.base}/qr/${childId}`);
      await page.locator(`[data-testid=qr-${childId}]`).waitFor();
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.reload();
      await page.locator(`[data-testid=qr-${childId}]`).waitFor();
      await context.setOffline(true);
      await page.reload();
      await page.locator(`[data-testid=qr-${childId}]`).waitFor();
      assert.equal(await page.getAttribute(`[data-testid=qr-${childId}]`, 'data-payload'), cards[1].payload);
      await context.setOffline(false);

      // Signing out forgets the codes kept for offline use: localStorage and the service
      // worker's cache of /people/{id}/qr answers.
      const keptOffline = () => page.evaluate(async () => {
        let responses = 0;
        for (const name of await caches.keys()) {
          for (const r of await (await caches.open(name)).keys()) {
            if (/\/api\/v1\/people\/\d+\/qr$/.test(new URL(r.url).pathname)) responses += 1;
          }
        }
        return { stored: localStorage.getItem('kb_qr_cache') !== null, responses };
      });
      const before = await keptOffline();
      assert.ok(before.stored && before.responses > 0, JSON.stringify(before));
      await page.locator('[data-testid=sign-out]').click();
      await page.waitForURL('**/login');
      let after = await keptOffline();
      for (let i = 0; i < 50 && (after.stored || after.responses > 0); i += 1) {
        await page.waitForTimeout(100);
        after = await keptOffline();
      }
      assert.deepEqual(after, { stored: false, responses: 0 });
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
