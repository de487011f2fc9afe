// Precached on need (public/sw.js): a first visit to the filing page downloads that page and what it needs,
// in the customer's language, and nothing of the tracker; once a complaint is sent the worker fetches the
// tracker, so it opens offline; and a customer whose browser asks to save data gets nothing fetched beyond
// the page they use. Served by the reference intake (language shells, brotli, its request log).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';
import { trackerCached } from './support/worker.mjs';

let browser;
let intake;
before(async () => {
  browser = await launchBrowser();
  intake = await startIntake();
});
after(async () => {
  await browser?.close();
  await intake?.stop();
});

/** The paths the intake has answered (GET or HEAD, any status), in order. */
const received = () =>
  intake.log
    .join('')
    .split('\n')
    .map((line) => line.match(/ (?:GET|HEAD) (\S+) \d{3} /)?.[1])
    .filter(Boolean);

/** Resolves once the intake has received a path matching `pattern` after its first `since` requests. */
async function arrived(pattern, since) {
  for (let waited = 0; !received().slice(since).some((path) => pattern.test(path)); waited += 50) {
    if (waited > 15_000) throw new Error(`${pattern} never arrived: ${received().slice(since)}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function openFiling(page) {
  await page.goto(intake.origin + '/');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
}

async function sendComplaint(page) {
  await new Filing(page).fileADelivery();
}

const TRACKER = /complaint-tracker-|^\/track|^\/insights/;
const OTHER_LANGUAGES = /\.(ko|pl)\.html$/;

test("a first visit downloads the filing page only, none of the tracker's; after a complaint is sent the tracker opens offline", async () => {
  const { context, page, problems } = await openPage(browser);
  const since = received().length;
  await openFiling(page);
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  // The worker is installed (its precache done) and the page is the worker's: what it asked for is all it will.
  const firstVisit = received().slice(since);
  assert.ok(firstVisit.includes('/sw.js'), `${firstVisit}`);
  assert.ok(firstVisit.some((path) => /^\/complaint-desk-[0-9a-f]+_bg\.wasm$/.test(path)), `${firstVisit}`);
  assert.deepEqual(firstVisit.filter((path) => TRACKER.test(path) || OTHER_LANGUAGES.test(path)), []);

  const sending = received().length;
  await sendComplaint(page);
  await trackerCached(page);
  const fetchedAhead = received().slice(sending);
  assert.ok(fetchedAhead.some((path) => /^\/complaint-tracker-[0-9a-f]+_bg\.wasm$/.test(path)), `${fetchedAhead}`);
  assert.deepEqual(fetchedAhead.filter((path) => OTHER_LANGUAGES.test(path)), []);
  await page.close();

  // No signal, and no HTTP cache either: only the worker's copies.
  const cdp = await context.newCDPSession(await context.newPage());
  await cdp.send('Network.clearBrowserCache');
  await context.setOffline(true);
  const offline = await context.newPage();
  const failed = [];
  // The shell's requests that found no copy (the complaint's status, asked for afresh, may fail offline).
  offline.on('requestfailed', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/track$|\.(html|js|wasm|css|png)$/.test(path)) failed.push(`${path} ${r.failure()?.errorText}`);
  });
  await offline.goto(intake.origin + '/track');
  await offline.getByLabel('Email address or PIN').waitFor();
  await offline.waitForFunction(() => document.querySelector('[data-complaint-desk-shell]') === null);
  assert.deepEqual(failed, []);
  await context.setOffline(false);
  assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p)), []);
  await context.close();
});

test('with Save-Data nothing is fetched beyond the page the customer uses, a complaint sent included', async () => {
  // What the same journey asks for with no worker at all: the page, its files, its data.
  const plain = await openPage(browser, { serviceWorkers: 'block' });
  let since = received().length;
  await openFiling(plain.page);
  await sendComplaint(plain.page);
  const page = new Set(received().slice(since));
  await plain.context.close();

  const { context, page: saving, problems } = await openPage(browser);
  await context.setExtraHTTPHeaders({ 'save-data': 'on' });
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'connection', { configurable: true, get: () => ({ saveData: true, effectiveType: '4g' }) });
  });
  since = received().length;
  await openFiling(saving);
  await saving.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await sendComplaint(saving);
  // A second visit's request for the config comes after the worker heard of the complaint sent: by then
  // anything it fetched ahead would have been asked for too.
  const again = await context.newPage();
  const seen = received().length;
  await openFiling(again);
  await arrived(/^\/api\/v1\/config\.json$/, seen);
  const beyond = received()
    .slice(since, seen)
    .filter((path) => !page.has(path) && path !== '/sw.js');
  assert.deepEqual(beyond, []);
  assert.deepEqual(received().slice(seen).filter((path) => TRACKER.test(path)), []);
  assert.deepEqual(problems, []);
  await context.close();
});
