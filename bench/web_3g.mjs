// The venue check-in page on a slow phone: headless Chromium emulating a 3G network (400 kbit/s
// each way, 400 ms round trips) and a CPU 4 × slower than this one (Chrome DevTools Protocol:
// Network.emulateNetworkConditions, Emulation.setCPUThrottlingRate), cold cache every run.
// Opens /v/{code} of a seeded venue on a fresh server and measures, from the start of the
// navigation, the time until the page offers a usable check-in button (the guest form's, as a
// first-time visitor sees it; a signed-in citizen's one button when there is one), and the time
// from the tap on it until the check-in is confirmed on screen; "confirmed" is their sum (the
// typing of the form is not counted). Prints markdown table rows: median of the runs, all runs.
// Usage: KB_BIN=build/khaibao node bench/web_3g.mjs [runs]   (default 5; web/dist must be built)
import { startServer, citizenToken, kNoWriteLimits } from '../tests/lib/server.mjs';
import { launchBrowser, phoneContext } from '../tests/lib/browser.mjs';

const runs = Number(process.argv[2] || 5);
const kbps = 400;
const network = {
  offline: false,
  latency: 400,  // ms added to every request's round trip
  downloadThroughput: (kbps * 1000) / 8,  // bytes/s
  uploadThroughput: (kbps * 1000) / 8,
};
const cpuSlowdown = 4;

// In the page from its first byte: notes performance.now() (ms since the navigation started)
// when a check-in button is first usable and when the check-in is first confirmed.
function watchCheckin() {
  const marks = {};
  window.__kbMarks = marks;
  const usable = '[data-testid=guest-submit]:not([disabled]), [data-testid=checkin-button]:not([disabled])';
  const check = () => {
    if (marks.usable === undefined && document.querySelector(usable)) marks.usable = performance.now();
    if (marks.confirmed === undefined && document.querySelector('[data-testid=checkin-done]')) marks.confirmed = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  // The tap on the button (a form submit, or the citizen's click), before the page handles it.
  const tapped = () => { if (marks.tapped === undefined) marks.tapped = performance.now(); };
  document.addEventListener('submit', tapped, true);
  document.addEventListener('click', (e) => { if (e.target.closest('[data-testid=checkin-button]')) tapped(); }, true);
}

async function once(server, venue, run) {
  const browser = await launchBrowser();
  try {
    const context = await phoneContext(browser);
    await context.addInitScript(watchCheckin);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', network);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
    let bytes = 0;
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });

    await page.goto(`${server.base}/v/${venue.code}`, { waitUntil: 'commit', timeout: 60000 });
    const guest = page.locator('[data-testid=guest-submit]:not([disabled])');
    const citizen = page.locator('[data-testid=checkin-button]:not([disabled])');
    await guest.or(citizen).first().waitFor({ timeout: 60000 });
    const asGuest = (await guest.count()) > 0;
    if (asGuest) {
      await page.fill('#full_name', `Khách Thử ${'ABCDEFGHIKLMNOPQRSTUVXY'[run % 23]}`);
      await page.fill('#phone', `0987 300 ${String(100 + run).padStart(3, '0')}`);
      await guest.click();
    } else {
      await citizen.click();
    }
    await page.locator('[data-testid=checkin-done]').waitFor({ timeout: 60000 });
    const marks = await page.evaluate(() => window.__kbMarks);
    // What arrived when (ms), to see what the time went on.
    const waterfall = await page.evaluate(() => performance.getEntriesByType('resource').map((e) =>
      `${e.name.replace(location.origin, '').replace(/^\/assets\//, '')} ${Math.round(e.startTime)}→${Math.round(e.responseEnd)}`));
    console.error(`  ${waterfall.join(', ')}`);
    // As if the visitor tapped the moment the button was usable: the typing of the guest form
    // (by automation, itself slowed by the CPU throttle) is not counted.
    const roundTrip = marks.confirmed - marks.tapped;
    return { usable: marks.usable, roundTrip, confirmed: marks.usable + roundTrip, bytes, asGuest };
  } finally {
    await browser.close();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const seconds = (ms) => (ms / 1000).toFixed(2);

const server = await startServer({ args: kNoWriteLimits });
try {
  const owner = await citizenToken(server, '0912000401');
  const wards = await server.request('GET', '/api/v1/areas/provinces/79/wards');
  const created = await server.request('POST', '/api/v1/venues', {
    token: owner,
    body: { name: 'Chợ Bến Thành', kind: 'market', province_code: '79', ward_code: wards.json[0].code, street: 'Lê Lợi' },
  });
  if (created.status !== 201) throw new Error(created.text);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await once(server, created.json, i);
    console.error(`run ${i + 1}: usable ${seconds(r.usable)} s, tap to confirmed ${seconds(r.roundTrip)} s, ${r.bytes} bytes`);
    results.push(r);
  }
  const row = (what, key, target) => {
    const xs = results.map((r) => r[key]);
    console.log(`| ${what} | ${seconds(median(xs))} s (${xs.map(seconds).join(' / ')}) | ${target} |`);
  };
  row('check-in button usable', 'usable', '≤ 3 s');
  const how = results.every((r) => r.asGuest) ? 'guest form' : 'guest form or signed-in citizen';
  row(`check-in confirmed (${how})`, 'confirmed', '≤ 4 s');
  row('of which tap to confirmed', 'roundTrip', '–');
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`| bytes received (page, scripts, styles, API) | ${kib(median(results.map((r) => r.bytes)))} | – |`);
} finally {
  await server.stop();
}
