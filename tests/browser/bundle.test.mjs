// The download budget of weak networks and old phones: the venue check-in page that a poster's
// QR opens loads at most 60 KB of compressed JavaScript, no citizen page loads the scanner's QR
// decoder (jsQR) or the officials' pages, and a page whose code does not arrive can be tried
// again. Prints the size of every chunk the app has.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, citizenToken, webDist } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const BUDGET_BYTES = 60_000;

/**
 * Records every script a page loads; `await scripts()` gives { file, encoding, bytes } for each,
 * bytes as sent on the wire (encoded).
 */
function recordScripts(page) {
  const pending = [];
  page.on('requestfinished', (request) => {
    if (request.resourceType() !== 'script') return;
    pending.push((async () => ({
      file: new URL(request.url()).pathname,
      encoding: (await request.response()).headers()['content-encoding'],
      bytes: (await request.sizes()).responseBodySize,
    }))());
  });
  return () => Promise.all(pending);
}

/** The chunk's name without its 8-character hash, which may itself hold '-' or '_': Scanner-DkVhgq1R.js → Scanner. */
const chunkName = (file) => file.replace(/^.*\//, '').replace(/-[\w-]{8}\.js$/, '');

describe('what a phone downloads', () => {
  let server;
  let venue;
  let citizen;
  before(async () => {
    server = await startServer();
    citizen = await citizenToken(server, '0912000301');
    const wards = await server.request('GET', '/api/v1/areas/provinces/79/wards');
    const created = await server.request('POST', '/api/v1/venues', {
      token: citizen,
      body: { name: 'Tiệm Bánh Mì', kind: 'restaurant', province_code: '79', ward_code: wards.json[0].code, street: '3 Lý Tự Trọng' },
    });
    assert.equal(created.status, 201, created.text);
    venue = created.json;
  });
  after(async () => { await server?.stop(); });

  it('the check-in page loads at most 60 KB of brotli JavaScript', async (t) => {
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser, { extraHTTPHeaders: { 'accept-encoding': 'br' } });
      const page = await newPage(context);
      const loadedScripts = recordScripts(page);
      await page.goto(`${server.base}/v/${venue.code}`);
      await page.locator('[data-testid=guest-submit]').waitFor();
      await page.waitForLoadState('networkidle');
      assert.deepEqual(page.errors, []);
      const scripts = await loadedScripts();

      const loaded = new Map(scripts.map((s) => [s.file, s]));
      const all = readdirSync(join(webDist, 'assets')).filter((f) => f.endsWith('.js'));
      const rows = all.map((f) => {
        const br = statSync(join(webDist, 'assets', `${f}.br`), { throwIfNoEntry: false });
        return { f, plain: statSync(join(webDist, 'assets', f)).size, br: br ? br.size : NaN, loaded: loaded.get(`/assets/${f}`) };
      }).sort((a, b) => a.br - b.br);
      t.diagnostic(`chunks of web/dist (bytes): plain / brotli; * = loaded by /v/{code}`);
      for (const r of rows) t.diagnostic(`${r.loaded ? '*' : ' '} ${r.f.padEnd(32)} ${String(r.plain).padStart(7)} / ${String(r.br).padStart(6)}`);

      assert.ok(scripts.length >= 2, `only ${scripts.length} scripts: pages should load as chunks`);
      for (const s of scripts) assert.equal(s.encoding, 'br', s.file);
      const total = scripts.reduce((sum, s) => sum + s.bytes, 0);
      t.diagnostic(`/v/{code} loaded ${scripts.length} scripts, ${total} bytes brotli (budget ${BUDGET_BYTES})`);
      assert.ok(total <= BUDGET_BYTES, `${total} bytes of JavaScript for the check-in page`);
      // The bytes on the wire are the precompressed files themselves.
      for (const s of scripts) assert.equal(s.bytes, readFileSync(join(webDist, `${s.file}.br`)).length, s.file);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('when a page’s code cannot be fetched, the app says so and trying again loads it', async () => {
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      const page = await newPage(context);
      const drop = (route) => route.abort('internetdisconnected');
      await context.route(/\/assets\/CheckIn-[^/]+\.js$/, drop);
      await page.goto(`${server.base}/v/${venue.code}`);
      const retry = page.getByRole('button', { name: 'Thử lại' });
      await retry.waitFor();
      assert.match(await page.textContent('main'), /Không kết nối được máy chủ/);
      await context.unroute(/\/assets\/CheckIn-[^/]+\.js$/, drop);
      await retry.click();
      await page.locator('[data-testid=guest-submit]').waitFor();
      assert.equal(await page.textContent('[data-testid=venue-name]'), 'Tiệm Bánh Mì');
      assert.deepEqual(page.errors, []);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('citizen pages do not load the scanner or the officials’ pages', async () => {
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      await context.addInitScript((tk) => { if (!localStorage.getItem('kb_token')) localStorage.setItem('kb_token', tk); }, citizen);
      const page = await newPage(context);
      const loadedScripts = recordScripts(page);
      for (const path of ['/', `/v/${venue.code}`, '/visits', '/qr']) {
        await page.goto(server.base + path);
        await page.waitForLoadState('networkidle');
      }
      const names = new Set((await loadedScripts()).map((s) => chunkName(s.file)));
      assert.ok(names.has('CheckIn') && names.has('MyVisits'), [...names].join(' '));
      for (const other of ['Scanner', 'Kiosk', 'Cases', 'CaseDetail', 'Clusters', 'Compose', 'GuestLog']) {
        assert.ok(!names.has(other), `${other} loaded on citizen pages: ${[...names].join(' ')}`);
      }
      assert.deepEqual(page.errors, []);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
