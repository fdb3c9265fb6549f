// Headless Chromium for browser tests, through playwright-core and the system's chromium
// (no browser is ever downloaded). playwright gives every launch a fresh, throwaway profile;
// every context from newContext() has its own storage (localStorage, cookies).
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.KB_CHROMIUM || '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Launches headless Chromium; `extraArgs` adds flags (e.g. a fake camera). */
export async function launchBrowser({ extraArgs = [] } = {}) {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
  });
}

/** A phone-sized context (390×844, touch, Vietnamese locale) unless options say otherwise. */
export async function phoneContext(browser, opts = {}) {
  return browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'vi-VN',
    ...opts,
  });
}

/**
 * A new page that records uncaught page errors and whatever the server's
 * Content-Security-Policy blocked, for asserting the app ran cleanly: `page.errors` is the list.
 */
export async function newPage(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.errors.push(m.text());
  });
  return page;
}
