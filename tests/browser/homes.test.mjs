// Each role's home tells that person what to do (screenshots per role at 390 px go to
// $KB_SCREENSHOT_DIR), and every page each role can reach fits a phone of 360 and 390 px:
// nothing scrolls sideways and no text is squeezed into a column too narrow for its words.
// One server and one browser for the whole file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, staffToken, adminToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const shotDir = process.env.KB_SCREENSHOT_DIR;
if (shotDir) mkdirSync(shotDir, { recursive: true });

const today = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const healthy = { kind: 'domestic', travel_provinces: [], travel_countries: [], symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 };

/**
 * What does not fit, as readable lines: the page wider than the screen, an element whose
 * content is wider than its box, a word broken across lines (a time, a phone number, or a
 * label squeezed to one letter per line).
 */
async function layoutProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const root = document.scrollingElement;
    if (root.scrollWidth > window.innerWidth + 1) out.push(`page is ${root.scrollWidth}px wide`);
    const describe = (el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
    const skip = new Set(['INPUT', 'SELECT', 'TEXTAREA', 'VIDEO', 'IMG', 'svg', 'OPTION', 'SCRIPT', 'STYLE']);
    for (const el of document.body.querySelectorAll('*')) {
      if (skip.has(el.tagName) || el.closest('svg')) continue;
      const style = getComputedStyle(el);
      if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') continue;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${describe(el)} content ${el.scrollWidth}px in ${el.clientWidth}px: "${el.textContent.trim().slice(0, 40)}"`);
      }
      for (const node of el.childNodes) {
        if (node.nodeType !== Node.TEXT_NODE) continue;
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          if (m[0].length < 2 || m[0].length > 24) continue;  // a long address or link may wrap
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(`${describe(el)} breaks "${m[0]}" over ${lines.size} lines`);
        }
      }
    }
    return out;
  });
}

/** Waits for a page to have loaded what it shows (no "loading" text left). */
async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main') ?? document.querySelector('#app > *');
    return main && !/Đang tải…|Loading…/.test(main.innerText) && !main.querySelector('[aria-busy=true]');
  }, null, { timeout: 10000 }).catch((e) => { throw new Error(`${page.url()} did not finish loading: ${e.message}`); });
  await page.waitForTimeout(100);
}

describe('homes and phone layout of every page', () => {
  let server;
  let browser;
  const tokens = {};
  const ids = {};
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const wards = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
    ids.ward = wards[0].code;
    const address = { phone: '', province_code: '79', ward_code: ids.ward, street: '12 Lê Lợi' };

    // A citizen who manages her father and a venue; declared for herself, not for him.
    tokens.citizen = await citizenToken(server, '0912700001');
    const self = (await server.request('GET', '/api/v1/me/people', { token: tokens.citizen })).json.people[0];
    ids.self = self.id;
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, {
      token: tokens.citizen,
      body: { full_name: 'Nguyễn Thị Mai', id_kind: 'cccd', id_number: '079190000123', birth_date: '1990-02-03', sex: 'female', ...address },
    });
    assert.equal(put.status, 200, put.text);
    const father = await server.request('POST', '/api/v1/me/people', {
      token: tokens.citizen,
      body: { full_name: 'Nguyễn Văn Ánh', id_kind: 'cccd', id_number: '079048000321', birth_date: '1948-05-06', sex: 'male', ...address },
    });
    assert.equal(father.status, 201, father.text);
    ids.father = father.json.id;
    const declared = await server.request('POST', '/api/v1/declarations', { token: tokens.citizen, body: { ...healthy, person_id: self.id } });
    assert.equal(declared.status, 201, declared.text);
    const venue = await server.request('POST', '/api/v1/venues', {
      token: tokens.citizen,
      body: { name: 'Quán phở Hạnh Phúc', kind: 'restaurant', province_code: '79', ward_code: ids.ward, street: '45 Nguyễn Huệ' },
    });
    assert.equal(venue.status, 201, venue.text);
    ids.venue = venue.json.id;
    ids.venueCode = venue.json.code;
    const org = await server.request('POST', '/api/v1/organisations', {
      token: tokens.citizen,
      body: { name: 'Công ty TNHH Dệt May Thành Công Sài Gòn', kind: 'company', province_code: '79', ward_code: ids.ward, street: '45 Nguyễn Huệ' },
    });
    assert.equal(org.status, 201, org.text);
    ids.org = org.json.id;
    const guard = await server.request('POST', `/api/v1/venues/${ids.venue}/staff`, {
      token: tokens.citizen, body: { username: 'pho.guard', password: 'correct horse battery 9' },
    });
    assert.ok(guard.status === 201 || guard.status === 200, guard.text);
    tokens.guard = (await server.request('POST', '/api/v1/auth/login', { body: { username: 'pho.guard', password: 'correct horse battery 9' } })).json.token;
    assert.ok(tokens.guard);
    const checkin = await server.request('POST', '/api/v1/checkins', { token: tokens.citizen, body: { venue_code: ids.venueCode, person_ids: [self.id] } });
    assert.ok(checkin.status === 201 || checkin.status === 200, checkin.text);

    tokens.wardOfficial = await staffToken(server, { username: 'ward.official', role: 'official', jurisdiction: ids.ward });
    tokens.cityOfficial = await staffToken(server, { username: 'city.official', role: 'official', jurisdiction: '79' });
    tokens.admin = await adminToken(server);

    // A second citizen is a case of the ward; the city sends a message to the ward.
    const patient = await citizenToken(server, '0912700002');
    const patientSelf = (await server.request('GET', '/api/v1/me/people', { token: patient })).json.people[0];
    const home = await server.request('PUT', `/api/v1/me/people/${patientSelf.id}`, {
      token: patient,
      body: { full_name: 'Trần Văn Bình', id_kind: 'cccd', id_number: '079085000456', birth_date: '1985-07-08', sex: 'male', ...address },
    });
    assert.equal(home.status, 200, home.text);
    await server.request('POST', '/api/v1/checkins', { token: patient, body: { venue_code: ids.venueCode } });
    const kase = await server.request('POST', '/api/v1/cases', { token: tokens.cityOfficial, body: { phone: '0912700002', test_date: today() } });
    assert.equal(kase.status, 201, kase.text);
    ids.case = kase.json.id;
    const sent = await server.request('POST', '/api/v1/broadcasts', {
      token: tokens.cityOfficial,
      body: { kind: 'info', title: 'Tiêm chủng cuối tuần', body: 'Điểm tiêm tại trạm y tế phường.', audience: { wards: [ids.ward] } },
    });
    assert.ok(sent.status === 201 || sent.status === 202, sent.text);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(role, path, width = 390) {
    const context = await phoneContext(browser, { viewport: { width, height: 800 } });
    await context.addInitScript((t) => localStorage.setItem('kb_token', t), tokens[role]);
    const page = await newPage(context);
    await page.goto(`${server.base}${path}`);
    return { page, context };
  }

  async function shot(page, name) {
    if (!shotDir) return;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(shotDir, `home-${name}-390.png`), fullPage: true });
  }

  it('the citizen home greets by name, lists today\'s tasks, each person\'s colour and the unread count', async () => {
    const { page, context } = await open('citizen', '/');
    try {
      await page.locator('[data-testid=home-citizen]').waitFor();
      await page.locator(`[data-testid=home-person-${ids.father}]`).waitFor();
      await settled(page);
      assert.match(await page.textContent('[data-testid=greeting]'), /Xin chào, Nguyễn Thị Mai/);
      // Her father has not declared: a task and his tile lead to his declaration form.
      assert.match(await page.textContent(`[data-testid=task-declare-${ids.father}]`), /Khai báo y tế cho Nguyễn Văn Ánh/);
      assert.equal(await page.locator(`[data-testid=task-declare-${ids.self}]`).count(), 0);
      assert.equal(await page.getAttribute(`[data-testid=home-person-${ids.father}]`, 'href'), `/declare/${ids.father}`);
      // Her own tile shows her colour in words (yellow: she met the case at the venue) and opens her QR.
      const mine = page.locator(`[data-testid=home-person-${ids.self}]`);
      assert.equal(await mine.getAttribute('data-colour'), 'yellow');
      assert.match(await mine.textContent(), /Vàng/);
      assert.equal(await mine.getAttribute('href'), `/qr/${ids.self}`);
      // The city's message to her ward is unread.
      assert.equal(await page.textContent('[data-testid=tile-featInbox-count]'), '1');
      assert.equal(await page.locator('text=Các tính năng sẽ lần lượt').count(), 0);
      await shot(page, 'citizen');
      // Whole tiles are links; "scan a venue QR" opens the camera on the visits page.
      const tile = page.locator('[data-testid=tile-scanVenue]');
      assert.equal(await tile.evaluate((a) => a.tagName), 'A');
      await tile.click();
      await page.waitForURL(/\/visits\?camera=1$/);
      await page.locator('[data-testid=camera-state]').waitFor();
      await page.goto(`${server.base}/`);
      await mine.click();
      await page.waitForURL(`${server.base}/qr/${ids.self}`);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('the venue manager and the guard find their venue from home', async () => {
    {
      const { page, context } = await open('citizen', '/venues');
      try {
        await page.locator(`a[href="/venues/${ids.venue}"]`).first().waitFor();
        await settled(page);
        await shot(page, 'venue-manager');
      } finally {
        await context.close();
      }
    }
    const { page, context } = await open('guard', '/');
    try {
      await page.locator('[data-testid=home-venue_staff]').waitFor();
      await page.locator(`a[href="/scan/${ids.venue}"]`).first().waitFor();
      await settled(page);
      await shot(page, 'guard');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('an official\'s home shows the area, its figures and venues; a ward official gets no province list', async () => {
    for (const [role, areaName] of [['wardOfficial', null], ['cityOfficial', /Hồ Chí Minh/]]) {
      const { page, context } = await open(role, '/');
      try {
        await page.locator('[data-testid=home-official]').waitFor();
        await page.locator(`[data-testid=area-venue-${ids.venue}]`).waitFor();
        await settled(page);
        if (areaName) assert.match(await page.textContent('[data-testid=area-name]'), areaName);
        else assert.ok((await page.textContent('[data-testid=area-name]')).trim().length > 0);
        assert.match(await page.textContent('[data-testid=fig-active]'), /^1/);
        assert.match(await page.textContent('[data-testid=fig-today]'), /^1/);
        assert.match(await page.textContent('[data-testid=fig-broadcasts]'), /^1/);
        // A ward official is shown no list of areas; the city's opens at the city's wards.
        if (role === 'wardOfficial') assert.equal(await page.locator('[data-testid=areas-browser]').count(), 0);
        else await page.locator('[data-testid=ward-list] > li').first().waitFor();
        assert.equal(await page.locator('[data-testid=province-list]').count(), 0);
        // Search, accents optional.
        await page.fill('#venue-filter', 'pho hanh');
        assert.equal(await page.locator('[data-testid=area-venue-list] > li').count(), 1);
        await page.fill('#venue-filter', 'không có');
        assert.equal(await page.locator('[data-testid=area-venue-list]').count(), 0);
        await page.fill('#venue-filter', '');
        await shot(page, role === 'wardOfficial' ? 'ward-official' : 'city-official');
        assert.deepEqual(page.errors, []);
      } finally {
        await context.close();
      }
    }
  });

  it('the administrator\'s home', async () => {
    const { page, context } = await open('admin', '/');
    try {
      await page.locator('[data-testid=home-admin]').waitFor();
      await settled(page);
      await shot(page, 'admin');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });

  it('a ward is found by typing its name without accents', async () => {
    const wards = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json;
    const target = wards.find((w) => w.name !== w.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) ?? wards[0];
    const plain = target.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
    const { page, context } = await open('citizen', '/people/new');
    try {
      await page.selectOption('#province_code', '79');
      await page.waitForSelector(`#ward_code option[value="${target.code}"]`, { state: 'attached' });
      await page.fill('#ward_code-search', plain);
      assert.equal(await page.inputValue('#ward_code'), target.code);
      // The options are sorted by name, not by code.
      await page.fill('#ward_code-search', '');
      const names = await page.$$eval('#ward_code option', (os) => os.slice(1).map((o) => o.textContent));
      assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, 'vi')));
    } finally {
      await context.close();
    }
  });

  it('every page each role reaches fits 360 and 390 px', async () => {
    // A vaccination campaign that invited her (no site yet, so no slot): its pages too.
    const campaign = await server.request('POST', '/api/v1/vaccination/campaigns', {
      token: tokens.cityOfficial, body: { name: 'Tiêm chủng COVID-19 mũi nhắc lại', products: ['EU/1/20/1528'], priority_groups: ['1'] },
    });
    assert.equal(campaign.status, 201, campaign.text);
    ids.campaign = campaign.json.id;
    await server.request('POST', `/api/v1/vaccination/campaigns/${ids.campaign}/list`, { token: tokens.cityOfficial, body: { person_ids: [ids.self] } });
    await server.request('POST', `/api/v1/vaccination/campaigns/${ids.campaign}/invitations`, { token: tokens.cityOfficial, body: {} });
    ids.invitation = (await server.request('GET', '/api/v1/me/invitations', { token: tokens.citizen })).json.invitations[0].token;
    const pages = {
      citizen: ['/', '/people', '/people/new', `/people/${ids.self}`, `/people/${ids.self}/history`, '/declare',
        `/declare/${ids.father}`, '/qr', `/qr/${ids.self}`, '/visits', '/inbox', '/venues', `/venues/${ids.venue}`,
        `/venues/${ids.venue}/log`, `/kiosk/${ids.venue}`, `/v/${ids.venueCode}`, '/verify', '/health-book',
        `/invitation/${ids.invitation}`, '/access-log', `/venues/${ids.venue}/safety`, '/locations', '/organisations',
        `/organisations/${ids.org}`, '/monitoring'],
      guard: ['/', `/scan/${ids.venue}`, `/venues/${ids.venue}`, '/password', '/vaccination/site', `/vaccination/site/${ids.venue}`],
      wardOfficial: ['/', '/cases', `/cases/${ids.case}`, '/clusters', '/duplicates', '/broadcasts', `/venues/${ids.venue}`,
        '/venue-safety', '/locations', '/monitoring/board'],
      cityOfficial: ['/', '/cases', `/cases/${ids.case}`, '/broadcasts', '/vaccination', `/vaccination/${ids.campaign}`, '/data-requests'],
      admin: ['/', '/password'],
      guest: ['/login', '/staff-login', `/v/${ids.venueCode}`, '/verify', '/locations'],
    };
    const problems = [];
    for (const width of [360, 390]) {
      for (const [role, paths] of Object.entries(pages)) {
        const context = await phoneContext(browser, { viewport: { width, height: 800 } });
        if (tokens[role]) await context.addInitScript((t) => localStorage.setItem('kb_token', t), tokens[role]);
        const page = await newPage(context);
        try {
          for (const path of paths) {
            await page.goto(`${server.base}${path}`);
            await settled(page);
            for (const p of await layoutProblems(page)) problems.push(`${role} ${path} @${width}: ${p}`);
          }
          assert.deepEqual(page.errors, [], role);
        } finally {
          await context.close();
        }
      }
    }
    // English words are longer: each home once more in English at 360 px.
    for (const role of Object.keys(tokens)) {
      const context = await phoneContext(browser, { viewport: { width: 360, height: 800 } });
      await context.addInitScript(([t, l]) => { localStorage.setItem('kb_token', t); localStorage.setItem('kb_lang', l); }, [tokens[role], 'en']);
      const page = await newPage(context);
      try {
        await page.goto(`${server.base}/`);
        await settled(page);
        for (const p of await layoutProblems(page)) problems.push(`${role} / en @360: ${p}`);
      } finally {
        await context.close();
      }
    }
    assert.deepEqual(problems, []);
  });
});
