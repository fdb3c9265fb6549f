// The door scanner without network, in a real browser: the staff scanner opened once online,
// then the network cut (playwright offline mode) — the page still opens (service worker), a
// personal QR and a CCCD card are read through the fake camera and kept on the phone with their
// own times, the scanner is closed and opened again still offline, and when the network
// returns the queue is sent: the server holds exactly those two visits at their original times,
// and sending the batch again records nothing new.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, citizenToken } from '../lib/server.mjs';
import { chromiumArgs, chromiumPath, launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const CCCD_AN = '079090001234|025123456|Nguyễn Văn An|15031990|Nam|Số 1 Lê Lợi, Phường Bến Thành, TP HCM|20042021';
const STAFF = { username: 'offline.guard', password: 'door guard password 1' };

/** A 2-second MJPEG "camera" showing `png` on white (or only white), as Chromium's fake device reads it. */
function cameraVideo(dir, name, png) {
  const out = join(dir, `${name}.mjpeg`);
  const input = png ? ['-loop', '1', '-i', png] : ['-f', 'lavfi', '-i', 'color=c=white:s=320x240'];
  execFileSync('ffmpeg', ['-y', '-loglevel', 'error', ...input, '-vf',
    'pad=640:480:(ow-iw)/2:(oh-ih)/2:color=white,format=yuvj420p', '-r', '30', '-t', '2',
    '-c:v', 'mjpeg', '-q:v', '3', '-f', 'mjpeg', out]);
  return out;
}

function qrPng(dir, name, text) {
  const out = join(dir, `${name}.png`);
  execFileSync('qrencode', ['-o', out, '-s', '6', '-m', '4', text]);
  return out;
}

describe('the door scanner offline', () => {
  let server;
  let owner;
  let staffToken;
  let venue;
  let qr;
  let profile;  // one browser profile for every launch: the phone keeps its storage
  let videos;
  before(async () => {
    server = await startServer();
    owner = await citizenToken(server, '0912000701');
    const wards = await server.request('GET', '/api/v1/areas/provinces/79/wards');
    const created = await server.request('POST', '/api/v1/venues', {
      token: owner,
      body: { name: 'Chợ Xã Mất Sóng', kind: 'market', province_code: '79', ward_code: wards.json[0].code, street: '9 Bến Đò' },
    });
    assert.equal(created.status, 201, created.text);
    venue = created.json;
    const added = await server.request('POST', `/api/v1/venues/${venue.id}/staff`, { token: owner, body: STAFF });
    assert.equal(added.status, 201, added.text);
    staffToken = (await server.request('POST', '/api/v1/auth/login', { body: STAFF })).json.token;
    const citizen = await citizenToken(server, '0912000702');
    const person = await server.request('POST', '/api/v1/me/people', {
      token: citizen,
      body: { full_name: 'Đinh Thị Hoa', id_kind: 'cccd', id_number: '001301070702', birth_date: '2001-02-03', sex: 'female',
        province_code: '79', ward_code: venue.ward_code, street: '2 Bến Đò' },
    });
    assert.equal(person.status, 201, person.text);
    const decl = await server.request('POST', '/api/v1/declarations', {
      token: citizen, body: { person_id: person.json.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
    });
    assert.equal(decl.status, 201, decl.text);
    qr = { payload: decl.json.qr, person_id: person.json.id };
    profile = mkdtempSync(join(tmpdir(), 'kb-scanner-phone-'));
    videos = {
      blank: cameraVideo(server.dataDir, 'blank'),
      qr: cameraVideo(server.dataDir, 'qr', qrPng(server.dataDir, 'qr', qr.payload)),
      cccd: cameraVideo(server.dataDir, 'cccd', qrPng(server.dataDir, 'cccd', CCCD_AN)),
    };
  });
  after(async () => { await server?.stop(); });

  /** The scanner phone with `video` as its camera: the same profile at every launch. */
  async function openPhone(video) {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args: [...chromiumArgs, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`],
      viewport: { width: 390, height: 844 },
      locale: 'vi-VN',
      permissions: ['camera'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    return { context, page };
  }

  const waitingIn = (page) => page.evaluate(() => new Promise((resolve, reject) => {
    const req = indexedDB.open('kb-scanner', 1);
    req.onsuccess = () => {
      const all = req.result.transaction('scans').objectStore('scans').getAll();
      all.onsuccess = () => { req.result.close(); resolve(all.result); };
      all.onerror = () => reject(all.error);
    };
    req.onerror = () => reject(req.error);
  }));

  async function guestLog() {
    const dates = new Set([0, -1].map((d) => new Date(Date.now() + 7 * 3600e3 + d * 86400e3).toISOString().slice(0, 10)));
    const visits = [];
    for (const date of dates) {
      const r = await server.request('GET', `/api/v1/venues/${venue.id}/visits?date=${date}`, { token: owner });
      assert.equal(r.status, 200, r.text);
      visits.push(...r.json.visits);
    }
    return visits;
  }

  it('keeps scans made offline across a closed page and sends them once the network returns', async () => {
    // Online once: the page, its code, the venue and the public keys are kept on the phone.
    let phone = await openPhone(videos.blank);
    await phone.context.addInitScript((token) => localStorage.setItem('kb_token', token), staffToken);
    await phone.page.goto(`${server.base}/scan/${venue.id}`);
    await phone.page.locator('[data-testid=scanner-venue]').waitFor();
    await phone.page.evaluate(() => navigator.serviceWorker.ready);
    await phone.page.waitForFunction(() => JSON.parse(localStorage.getItem('kb_qr_keys') || '[]').length > 0);
    // The scanner's own code is kept by the worker once the page has told it what it loaded.
    const scannerKept = () => phone.page.evaluate(async () => {
      for (const name of await caches.keys()) {
        const keys = await (await caches.open(name)).keys();
        if (keys.some((r) => /\/assets\/Scanner-/.test(r.url)) && keys.some((r) => /\/assets\/jsQR-/.test(r.url))) return true;
      }
      return false;
    });
    for (let i = 0; !(await scannerKept()); i++) {
      assert.ok(i < 100, 'the service worker kept the scanner page');
      await new Promise((r) => setTimeout(r, 100));
    }
    await phone.context.close();

    // Offline: the page opens, and the personal QR is checked on the phone.
    phone = await openPhone(videos.qr);
    await phone.context.setOffline(true);
    await phone.page.goto(`${server.base}/scan/${venue.id}`);
    await phone.page.locator('[data-testid=scanner-venue]').waitFor();
    const qrResult = phone.page.locator('[data-testid=scan-result][data-offline="1"]');
    await qrResult.waitFor({ timeout: 15000 });
    assert.equal(await qrResult.getAttribute('data-colour'), 'green', await qrResult.textContent());
    assert.match(await qrResult.textContent(), /không cần mạng/);
    const banner = phone.page.locator('[data-testid=offline-banner]');
    await phone.page.waitForFunction(() => document.querySelector('[data-testid=offline-banner]')?.getAttribute('data-waiting') === '1');
    assert.match(await banner.textContent(), /Mất mạng — 1 lượt quét đang chờ gửi/);
    assert.deepEqual(phone.page.errors, []);
    await phone.context.close();  // the scanner closed while offline

    // Opened again, still offline: the queue is still there; a CCCD card is never green offline.
    phone = await openPhone(videos.cccd);
    await phone.context.setOffline(true);
    await phone.page.goto(`${server.base}/scan/${venue.id}`);
    await phone.page.locator('[data-testid=scanner-venue]').waitFor();
    const cardResult = phone.page.locator('[data-testid=scan-result][data-offline="1"]');
    await cardResult.waitFor({ timeout: 15000 });
    assert.equal(await cardResult.getAttribute('data-colour'), 'unverified');
    const cardText = await cardResult.textContent();
    assert.match(cardText, /Chưa xác minh được khi mất mạng/);
    assert.match(cardText, /N\*\*\* V\*\*\* An/);
    await phone.page.waitForFunction(() => document.querySelector('[data-testid=offline-banner]')?.getAttribute('data-waiting') === '2');
    const queued = await waitingIn(phone.page);
    assert.deepEqual(queued.map((q) => q.kind).sort(), ['cccd', 'personal_qr']);
    assert.equal((await guestLog()).length, 0, 'nothing reached the server while offline');
    assert.deepEqual(phone.page.errors, []);
    await phone.context.close();

    // The network is back: opening the scanner sends the queue.
    phone = await openPhone(videos.blank);
    await phone.page.goto(`${server.base}/scan/${venue.id}`);
    await phone.page.locator('[data-testid=scans-sent]').waitFor({ timeout: 15000 });
    assert.equal(await phone.page.locator('[data-testid=offline-banner]').count(), 0);
    assert.deepEqual(await waitingIn(phone.page), []);
    await phone.context.close();

    const visits = await guestLog();
    const seconds = (iso) => Math.floor(Date.parse(iso) / 1000);
    assert.deepEqual(visits.map((v) => seconds(v.t_in)).sort(), queued.map((q) => seconds(q.scanned_at)).sort());
    assert.deepEqual(visits.map((v) => v.trust).sort(), ['cccd', 'personal_qr']);
    assert.ok(visits.some((v) => v.person_id === qr.person_id));

    // The same batch again (a phone that lost the answer): nothing new.
    const again = await server.request('POST', '/api/v1/scans/batch', {
      token: staffToken,
      body: { scans: queued.map((q) => ({ client_id: q.client_id, venue_id: q.venue_id, scanned_at: q.scanned_at, payload: q.payload })) },
    });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.json.recorded, again.json.duplicate], [0, 2], again.text);
    assert.equal((await guestLog()).length, 2);

    // The manager's guest log says both came from a scan made offline, and when it arrived.
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      await context.addInitScript((token) => localStorage.setItem('kb_token', token), owner);
      const page = await newPage(context);
      await page.goto(`${server.base}/venues/${venue.id}/log`);
      await page.locator('[data-testid=log-table] tbody tr').first().waitFor();
      const notes = await page.locator('[data-testid=offline-note]').allTextContents();
      assert.equal(notes.length, 2, notes.join(' / '));
      assert.ok(notes.every((n) => /quét khi mất mạng, nhận lúc \d\d:\d\d/.test(n)), notes.join(' / '));
      assert.deepEqual(page.errors, []);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it('keeps a declaration filled in without network and sends it when the network returns', async () => {
    const citizen = await citizenToken(server, '0912000703');
    const me = await server.request('GET', '/api/v1/me/people', { token: citizen });
    const self = me.json.people[0];
    const put = await server.request('PUT', `/api/v1/me/people/${self.id}`, {
      token: citizen,
      body: { full_name: 'Võ Văn Nam', id_kind: 'cccd', id_number: '001090070703', birth_date: '1990-04-05', sex: 'male',
        province_code: '79', ward_code: venue.ward_code, street: '3 Bến Đò' },
    });
    assert.equal(put.status, 200, put.text);
    const declarations = async () => {
      const r = await server.request('GET', `/api/v1/me/people/${self.id}/declarations`, { token: citizen });
      assert.equal(r.status, 200, r.text);
      return r.json.declarations;
    };
    const browser = await launchBrowser();
    try {
      const context = await phoneContext(browser);
      await context.addInitScript((token) => localStorage.setItem('kb_token', token), citizen);
      const page = await newPage(context);
      await page.goto(`${server.base}/declare/${self.id}`);
      await page.locator('[data-testid=declaration-form]').waitFor();
      await page.evaluate(() => navigator.serviceWorker.ready);

      await context.setOffline(true);
      await page.reload();  // the form opens without network too
      await page.locator('[data-testid=declaration-form]').waitFor();
      await page.check('[data-testid=symptoms-none]');
      await page.check('[data-testid=exposures-none]');
      await page.click('[data-testid=submit-declaration]');
      await page.locator('[data-testid=declaration-kept]').waitFor();
      assert.match(await page.textContent('[data-testid=declaration-kept]'), /sẽ tự gửi khi có mạng/);
      await page.locator('[data-testid=declarations-waiting]').waitFor();
      assert.equal((await declarations()).length, 0);

      await context.setOffline(false);
      await page.locator('[data-testid=declarations-sent]').waitFor({ timeout: 15000 });
      assert.match(await page.textContent('[data-testid=declarations-sent]'), /1 tờ khai/);
      const sent = await declarations();
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0].symptoms, ['none']);
      assert.deepEqual(page.errors, []);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
