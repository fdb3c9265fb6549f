// One person, many identifiers, in the browser: a confirmed case recorded by CCCD shows a BHYT
// card that names no ward, so the door files it under a new record (not red) and queues the
// pair. An official opens the duplicates queue, compares the two records, merges them; the
// same card at the door then answers red "do not admit". Undoing the merge puts the card back
// on its own record.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, citizenToken, staffToken } from '../lib/server.mjs';
import { launchBrowser, phoneContext, newPage } from '../lib/browser.mjs';

const PASSWORD = 'correct horse battery 9';
const hex = (s) => Buffer.from(s, 'utf8').toString('hex');
const NAME = 'Phạm Văn Gộp';
// A BHYT card: its number is not the CCCD, and its address names no ward.
const BHYT = `DN4790112345678|${hex(NAME)}|05/06/1981|1|${hex('TP Hồ Chí Minh')}`;

describe('the officials’ duplicates queue', () => {
  let server;
  let browser;
  let owner;
  let official;
  let venue;
  let patient;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    official = await staffToken(server, { username: 'hcm.dedup', role: 'official', jurisdiction: '79', password: PASSWORD });
    owner = await citizenToken(server, '0912700000');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    venue = (await server.request('POST', '/api/v1/venues', {
      token: owner, body: { name: 'Nhà thuốc Hòa Bình', kind: 'shop', province_code: '79', ward_code: ward, street: '7 Lý Tự Trọng' },
    })).json;
    const citizen = await citizenToken(server, '0912700001');
    patient = (await server.request('GET', '/api/v1/me/people', { token: citizen })).json.people[0];
    const profile = { full_name: NAME, id_kind: 'cccd', id_number: '079081001111', birth_date: '1981-06-05', sex: 'male',
      province_code: '79', ward_code: ward, street: '7 Lý Tự Trọng' };
    const put = await server.request('PUT', `/api/v1/me/people/${patient.id}`, { token: citizen, body: profile });
    assert.equal(put.status, 200, put.text);
    const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
    const kase = await server.request('POST', '/api/v1/cases', { token: official, body: { person_id: patient.id, test_date: today } });
    assert.equal(kase.status, 201, kase.text);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The BHYT card typed into the venue's scanner (as a USB reader does); the answer shown. */
  async function scanAtDoor(card = BHYT) {
    const context = await phoneContext(browser);
    try {
      await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), owner);
      const page = await newPage(context);
      await page.goto(`${server.base}/scan/${venue.id}`);
      await page.locator('[data-testid=scanner-venue]').waitFor();
      await page.fill('#scan-input', card);
      await page.press('#scan-input', 'Enter');
      const result = page.locator('[data-testid=scan-result]');
      await result.waitFor();
      const colour = await result.getAttribute('data-colour');
      const stop = colour === 'red' ? await page.textContent('[data-testid=door-stop]') : null;
      assert.deepEqual(page.errors, []);
      return { colour, text: await result.textContent(), stop };
    } finally {
      await context.close();
    }
  }

  it('an official merges a queued pair, and the other card shows the case’s red at the door', async () => {
    const first = await scanAtDoor();
    assert.equal(first.colour, 'not_declared', first.text);
    assert.match(first.text, /Thẻ chưa gắn với người đã khai báo/);

    const context = await phoneContext(browser);
    try {
      const page = await newPage(context);
      await page.goto(`${server.base}/staff-login`);
      await page.fill('#username', 'hcm.dedup');
      await page.fill('#password', PASSWORD);
      await page.click('[data-testid=staff-sign-in]');
      await page.waitForURL(`${server.base}/`);
      await page.goto(`${server.base}/cases`);
      await page.click('[data-testid=link-duplicates]');
      await page.waitForURL(`${server.base}/duplicates`);

      // Nothing personal shows before a reason is given.
      assert.equal(await page.locator('[data-testid^=pair-]').count(), 0);
      await page.fill('#dup-reason', 'Rà soát hồ sơ trùng');
      await page.click('[data-testid=dup-open]');
      const pair = page.locator('[data-testid^=pair-person-]').first();
      await pair.waitFor();
      const card = page.locator('section.card', { has: page.locator(`[data-testid=pair-person-${patient.id}]`) });
      assert.equal(await card.count(), 1, 'the case’s record is one side of a queued pair');
      const pairId = (await card.getAttribute('data-testid')).replace('pair-', '');
      assert.match(await card.textContent(), /Cùng họ tên và ngày sinh/);

      // Side by side: the BHYT record's number, the case's colour.
      await page.click(`[data-testid=pair-details-${pairId}]`);
      await card.locator('[data-testid=pair-colour]').first().waitFor();
      const sides = await card.textContent();
      assert.match(sides, /BHXH 0112345678/);
      assert.match(sides, /ca bệnh \(F0\)/);

      // Merging needs a reason and asks first.
      await page.click(`[data-testid=merge-${pairId}]`);
      await page.click(`[data-testid=merge-${pairId}-confirm]`);
      assert.match(await page.textContent('[data-testid=form-error]'), /lý do/);
      await page.fill('#dup-decision', 'Cùng họ tên, ngày sinh, giới tính; thẻ BHYT của người này');
      await page.click(`[data-testid=merge-${pairId}]`);
      await page.locator(`[data-testid=merge-${pairId}-dialog]`).waitFor();
      await page.click(`[data-testid=merge-${pairId}-confirm]`);
      await page.locator('[data-testid=dup-note]').waitFor();
      assert.match(await page.textContent('[data-testid=dup-note]'), new RegExp(`Đã gộp vào hồ sơ #${patient.id}`));
      await page.locator('[data-testid=dup-empty]').waitFor();  // the pair left the queue

      const merged = await scanAtDoor();
      assert.equal(merged.colour, 'red', merged.text);
      assert.match(merged.stop, /KHÔNG CHO VÀO/);
      assert.match(merged.stop, /ca bệnh \(F0\)/);

      // Undo: the card is its own record again, and the pair is back in the queue.
      await page.click('[data-testid=dup-unmerge]');
      await page.click('[data-testid=dup-unmerge-confirm]');
      await page.locator('[data-testid=dup-note] >> text=Đã tách lại hai hồ sơ').waitFor();
      await page.locator(`[data-testid=pair-${pairId}]`).waitFor();
      const apart = await scanAtDoor();
      assert.equal(apart.colour, 'not_declared', apart.text);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  });
  it('a citizen adds a grandmother’s health-insurance card number, and that card finds her at the door', async () => {
    const NHUNG = 'Trần Thị Nhung';
    const card = `HT2790198765432|${hex(NHUNG)}|12/03/1950|2|${hex('TP Hồ Chí Minh')}`;
    const citizen = await citizenToken(server, '0912700002');
    const ward = (await server.request('GET', '/api/v1/areas/provinces/79/wards')).json[0].code;
    const grandma = await server.request('POST', '/api/v1/me/people', {
      token: citizen,
      body: { full_name: NHUNG, id_kind: 'cccd', id_number: '079150002222', birth_date: '1950-03-12', sex: 'female',
        province_code: '79', ward_code: ward, street: '9 Pasteur' },
    });
    assert.equal(grandma.status, 201, grandma.text);
    const declared = await server.request('POST', '/api/v1/declarations', {
      token: citizen, body: { person_id: grandma.json.id, kind: 'domestic', symptoms: ['none'], exposures: ['none'], vaccine_doses: 2 },
    });
    assert.equal(declared.status, 201, declared.text);

    const context = await phoneContext(browser);
    try {
      await context.addInitScript((tk) => localStorage.setItem('kb_token', tk), citizen);
      const page = await newPage(context);
      await page.goto(`${server.base}/people/${grandma.json.id}`);
      await page.locator('[data-testid=identifier-form]').waitFor();
      // A card number of the wrong shape is refused next to the field.
      await page.selectOption('#identifier-kind', 'bhxh');
      await page.fill('#identifier-number', 'HT27901');
      await page.click('[data-testid=identifier-form] button[type=submit]');
      await page.locator('[data-testid=error-identifier-number]').waitFor();
      await page.fill('#identifier-number', 'HT2790198765432');
      await page.click('[data-testid=identifier-form] button[type=submit]');
      await page.locator('[data-testid=identifier-notice]').waitFor();
      assert.match(await page.textContent('[data-testid=identifier-bhxh]'), /8765432/);
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
    const door = await scanAtDoor(card);
    assert.equal(door.colour, 'green', door.text);
    assert.match(door.text, /T\*\*\* T\*\*\* Nhung/);
  });
});
