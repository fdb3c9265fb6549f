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

describe('declarations: confirmations, explanations, errors and layout', () => {
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

  const details = { full_name: 'Lê Thị Hoa', id_kind: 'cccd', id_number: '079190000321', birth_date: '1990-02-03', sex: 'female',
    province_code: '79', ward_code: '26882', street: '3 Pasteur' };
  const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };

  /** A citizen whose own details are complete, signed in on a fresh phone; returns {token, id, context}. */
  async function citizen(phone, idNumber) {
    const token = await citizenToken(server, phone);
    const self = (await server.request('GET', '/api/v1/me/people', { token })).json.people[0];
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, { token, body: { ...details, id_number: idNumber } });
    assert.equal(put.status, 200, put.text);
    const context = await phoneContext(browser);
    await context.addInitScript((t) => { if (!localStorage.getItem('kb_token')) localStorage.setItem('kb_token', t); }, token);
    return { token, id: self.id, context };
  }
  const declareApi = (token, body) => server.request('POST', '/api/v1/declarations', { token, body });

  it('revoking a QR asks first, saying what happens; the verifier then says why each old code is refused', async () => {
    const { token, id, context } = await citizen('0912666001', '079190000321');
    try {
      const green = await declareApi(token, { ...healthy, person_id: id });
      const yellow = await declareApi(token, { ...healthy, person_id: id, symptoms: ['cough'] });
      const page = await newPage(context);
      await page.goto(`${server.base}/qr/${id}`);
      await page.locator(`[data-testid=qr-${id}]`).waitFor();
      await page.click('[data-testid=revoke-qr]');
      const ask = page.locator('[data-testid=revoke-qr-dialog]');
      await ask.waitFor();
      assert.match(await ask.textContent(), /không còn được chấp nhận/);
      await page.click('[data-testid=revoke-qr-cancel]');
      await ask.waitFor({ state: 'detached' });
      const still = await server.request('POST', '/api/v1/qr/verify', { body: { payload: yellow.json.qr } });
      assert.equal(still.json.verdict, 'valid', 'one tap revokes nothing');
      await page.click('[data-testid=revoke-qr]');
      await page.click('[data-testid=revoke-qr-confirm]');
      await page.locator('[data-testid=qr-note]').waitFor();
      assert.notEqual(await page.getAttribute(`[data-testid=qr-${id}]`, 'data-payload'), yellow.json.qr);

      const verifier = await newPage(await browser.newContext());
      await verifier.goto(`${server.base}/verify`);
      for (const [payload, why] of [[green.json.qr, /tình trạng sức khỏe của người này đã thay đổi/], [yellow.json.qr, /tự thu hồi/]]) {
        await verifier.fill('#payload', payload);
        await verifier.click('[data-testid=verify-button]');
        await verifier.locator('[data-testid=online-status][data-online=yes]').waitFor();
        assert.equal(await verifier.getAttribute('[data-testid=verify-result]', 'data-verdict'), 'revoked');
        assert.match(await verifier.textContent('[data-testid=verdict-why]'), why);
        assert.match(await verifier.textContent('[data-testid=verdict-why]'), /\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
      }
      await verifier.fill('#payload', 'not a code at all');
      await verifier.click('[data-testid=verify-button]');
      await verifier.locator('[data-testid=online-status][data-online=yes]').waitFor();
      assert.match(await verifier.textContent('[data-testid=verdict-why]'), /KB1\./);
      await verifier.context().close();
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('the history reads at 390 px: answers span the screen, dates are dd/mm/yyyy', async () => {
    const { token, id, context } = await citizen('0912666002', '079190000322');
    try {
      const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
      const entry = { transport: 'flight', vehicle_number: 'VN 417', seat: '', departure_country: 'KR', arrival_date: today,
        quarantine_province_code: '79', quarantine_ward_code: '26882', quarantine_street: '5 Nguyễn Huệ' };
      const r = await declareApi(token, { person_id: id, kind: 'entry', travel_provinces: ['01', '79'], travel_countries: ['KR'],
        symptoms: ['fever', 'cough', 'shortness_of_breath', 'sore_throat', 'loss_of_taste_smell'],
        exposures: ['confirmed_case', 'outbreak_area'], vaccine_doses: 3, entry });
      assert.equal(r.status, 201, r.text);
      const page = await newPage(context);
      await page.goto(`${server.base}/people/${id}/history`);
      const list = page.locator('[data-testid=history-list]');
      await list.locator('li').first().waitFor();
      const listWidth = (await list.boundingBox()).width;
      for (const dd of await list.locator('dd').all()) {
        const box = await dd.boundingBox();
        assert.ok(box.width >= listWidth * 0.5, `an answer ${box.width}px wide in a ${listWidth}px list: ${await dd.textContent()}`);
      }
      const symptoms = await page.locator('[data-testid=answer-symptoms]').boundingBox();
      assert.ok(symptoms.height < 5 * 24, `the symptoms take ${symptoms.height}px`);
      assert.match(await page.textContent('[data-testid=declared-at]'), /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
      assert.equal(await page.textContent('[data-testid=answer-arrival]'), today.split('-').reverse().join('/'));
      await page.locator('[data-testid=answer-provinces]').getByText(/Hà Nội/).waitFor();
      const scrollWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(scrollWidth <= 390, `scrolls sideways: ${scrollWidth}`);
      // The people list writes its dates the same way.
      await page.goto(`${server.base}/people`);
      await page.locator(`[data-testid=person-${id}]`).getByText(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/).waitFor();
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('forms mark every field at once, and a server error sits next to its field in Vietnamese', async () => {
    const { id, context } = await citizen('0912666003', '079190000323');
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/people/new`);
      await page.click('[data-testid=save-person]');
      for (const f of ['full_name', 'id_number', 'birth_date', 'sex', 'province_code', 'ward_code', 'street']) {
        await page.locator(`[data-testid=error-${f}]`).waitFor();
      }
      assert.match(await page.textContent('[data-testid=error-full_name]'), /Vui lòng nhập/);
      assert.match(await page.textContent('[data-testid=error-sex]'), /giới tính/);
      assert.equal(new URL(page.url()).pathname, '/people/new', 'nothing was sent');

      // A rule only the server knows (an arrival more than 7 days ahead): its answer, translated.
      await page.goto(`${server.base}/declare/${id}`);
      await page.locator('[data-testid=declaration-form]').waitFor();
      await page.check('[data-testid=kind-entry]');
      await page.click('[data-testid=submit-declaration]');
      for (const f of ['symptoms', 'exposures']) await page.locator(`[data-testid=error-${f}]`).waitFor();
      for (const f of ['vehicle_number', 'departure_country', 'arrival_date', 'quarantine_street']) {
        await page.locator(`[data-testid=error-${f}]`).waitFor();
      }
      await page.check('[data-testid=symptoms-none]');
      await page.check('[data-testid=exposures-none]');
      await page.fill('#vehicle_number', 'VN 417');
      // Countries are picked by their Vietnamese name, accents optional.
      await page.fill('#departure_country-search', 'han quoc');
      assert.equal(await page.inputValue('#departure_country'), 'KR');
      const far = new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10);
      await page.fill('#arrival_date', far);
      await page.selectOption('#quarantine_province_code', '79');
      await page.waitForSelector('#quarantine_ward_code option[value="26882"]', { state: 'attached' });
      await page.selectOption('#quarantine_ward_code', '26882');
      await page.fill('#quarantine_street', '5 Nguyễn Huệ');
      await page.click('[data-testid=submit-declaration]');
      const error = page.locator('[data-testid=error-arrival_date]');
      await error.waitFor();
      assert.match(await error.textContent(), /quá xa trong tương lai/);
      assert.doesNotMatch(await page.textContent('main'), /more than|must|is not/);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
});
