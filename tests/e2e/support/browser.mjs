// Headless Debian Chromium driven by playwright-core, with every console error and uncaught page error
// collected so each test can fail on them.
import { chromium } from 'playwright-core';

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Every page reports a Content-Security-Policy violation as a console error, so a test that checks its
 *  problems also proves the page runs clean under the policy the intake sends. */
async function reportPolicyViolations(context) {
  await context.addInitScript(() => {
    addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A browser with a profile on disk, as a phone keeps one between visits; `problems` as in openPage. */
export async function launchProfile(userDataDir, { viewport = PHONE } = {}) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport,
    locale: 'en-GB',
    hasTouch: true,
  });
  await reportPolicyViolations(context);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}

/** A fresh context and page; `problems` fills with console errors and page errors as they happen.
 *  `serviceWorkers: 'block'` for a page that must always ask the server (as before any worker). */
export async function openPage(browser, { viewport = PHONE, locale = 'en-GB', timezoneId, serviceWorkers = 'allow' } = {}) {
  const context = await browser.newContext({
    viewport,
    locale,
    deviceScaleFactor: 1,
    hasTouch: viewport === PHONE,
    serviceWorkers,
    ...(timezoneId ? { timezoneId } : {}),
  });
  await reportPolicyViolations(context);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { context, page, problems };
}
