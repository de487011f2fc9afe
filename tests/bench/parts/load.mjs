// The filing page's cold and warm load next to a plain HTML form that asks the same first question
// (tests/bench/plain-form.html), both served by the real intake in the same run, in headless Chromium at
// 390×844 with Lighthouse's mobile profile. Prints a table and writes it as JSON; a benchmark, never a
// test: it fails only when a page does not work at all.
//
// What is measured, each from the navigation's start, on every load:
// - usable: the first animation frame, after the first contentful paint, in which the first category's
//   radio is laid out, visible and enabled (the app's radios have their handlers from the frame they
//   appear in). The run counts only if a tap on it
//   then checks it (its `change` event) and Continue, tapped the same way, leads to step 2;
// - next step: "Step 2 of 7" on screen after that tap and Continue (for the plain form, its next page's
//   first paint: one more round trip, as a plain form costs);
// - LCP (the last largest-contentful-paint before the tap), CLS (Lighthouse's largest session window),
//   TBT (Lighthouse's sum of each long task's time over 50 ms, from first contentful paint to "usable":
//   the work before a customer can answer, which is where a page built from Wasm spends it);
// - KB: everything the page's requests took on the wire (headers and brotli bodies) until the tap; the
//   service worker's own requests (its install, its revalidations) are not the page's and not counted.
// Warm: a second visit from the same browser in a new tab (the service worker installed, the HTTP cache
// kept), with the first visit's draft cleared so the same first question shows.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { launchBrowser, PHONE } from '../e2e/support/browser.mjs';
import { startBenchSite } from './site.mjs';

// Lighthouse's mobile profile (its "slow 4G" and a mid-range phone): 150 ms round trip, 1.6 Mbit/s down,
// 750 kbit/s up, CPU 4× slower. Chromium applies the network part per request (DevTools throttling).
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const CPU_SLOWDOWN = 4;
const RUNS = Number(process.env.RUNS ?? 5);
const FIRST_ANSWER = 'A faulty or damaged product';
const QUIET = { timeout: 60_000 };

const PAGES = [
  { name: 'plain HTML form', path: '/bench/plain-form.html', nextStep: plainNextStep, worker: false },
  { name: 'app (/)', path: '/', nextStep: appNextStep, worker: true },
];

/** Runs in every page before its own scripts: collects what the figures are computed from. */
function observe() {
  const seen = { lcp: [], shifts: [], long: [], answeredAt: null };
  window.__bench = seen;
  const watch = (type, each) => new PerformanceObserver((list) => list.getEntries().forEach(each)).observe({ type, buffered: true });
  watch('largest-contentful-paint', (e) => seen.lcp.push(e.startTime));
  watch('layout-shift', (e) => e.hadRecentInput || seen.shifts.push([e.startTime, e.value]));
  watch('longtask', (e) => seen.long.push([e.startTime, e.duration]));
  document.addEventListener(
    'change',
    (e) => {
      if (seen.answeredAt === null && e.target.type === 'radio' && e.target.checked) seen.answeredAt = performance.now();
    },
    true,
  );
}

/**
 * Taps the radio (or button) labelled `label` once it is on screen and enabled, looked for in the page every
 * animation frame; returns the time of the first frame that had it. One tap at its centre: Playwright's own
 * check() and click() would add a few hundred milliseconds of their own checks at CPU ×4, and its waiting
 * backs off to half a second between looks.
 */
async function tapWhenThere(page, kind, label) {
  const handle = await page.waitForFunction(
    ({ kind, label }) => {
      const candidates = kind === 'radio' ? document.querySelectorAll('input[type=radio]') : document.querySelectorAll('button');
      const text = (element) => (kind === 'radio' ? element.labels?.[0]?.textContent : element.textContent)?.trim();
      const target = [...candidates].find((e) => text(e) === label && !e.disabled && e.checkVisibility());
      // In the document is not yet on screen: nothing is painted before the style sheet is in.
      const painted = performance.getEntriesByName('first-contentful-paint').length > 0;
      if (!target || !painted) return false;
      // A styled radio may be drawn by its label; the label takes the tap for it.
      let box = target.getBoundingClientRect();
      if (box.width * box.height === 0 && target.labels?.[0]) box = target.labels[0].getBoundingClientRect();
      return { x: box.left + box.width / 2, y: box.top + box.height / 2, at: performance.now() };
    },
    { kind, label },
    { polling: 'raf', ...QUIET },
  );
  const { x, y, at } = await handle.jsonValue();
  // A few frames for the paint that showed it to be reported: the largest contentful paint is no longer
  // recorded after the first input, so a tap in the same frame would cut it short.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done)))));
  await page.mouse.click(x, y);
  return at;
}

/** The app shows step 2 in the same document: the first frame (polled per animation frame) where it does. */
async function appNextStep(page) {
  const handle = await page.waitForFunction(
    () => document.querySelector('.step-progress')?.textContent.includes('Step 2 of 7') && performance.timeOrigin + performance.now(),
    null,
    { polling: 'raf', ...QUIET },
  );
  return handle.jsonValue();
}

/** The plain form's Continue loads its next page: that page's first contentful paint. */
async function plainNextStep(page) {
  await page.waitForURL(/\/bench\/plain-next\.html/, { waitUntil: 'commit', ...QUIET });
  return page.evaluate(
    () =>
      new Promise((done) => {
        const at = () => performance.getEntriesByName('first-contentful-paint')[0];
        const finish = () => at() && done(performance.timeOrigin + at().startTime);
        new PerformanceObserver(finish).observe({ type: 'paint', buffered: true });
        finish();
      }),
  );
}

function blockingTime(long, from, to) {
  let total = 0;
  for (const [start, duration] of long) {
    const clipped = Math.min(start + duration, to) - Math.max(start, from);
    if (clipped > 50) total += clipped - 50;
  }
  return total;
}

/** Lighthouse's CLS: the largest sum of shifts less than 1 s apart within a 5 s window. */
function layoutShift(shifts) {
  let best = 0;
  let sum = 0;
  let first = -Infinity;
  let last = -Infinity;
  for (const [at, value] of shifts) {
    if (at - last > 1000 || at - first > 5000) {
      sum = 0;
      first = at;
    }
    sum += value;
    last = at;
    best = Math.max(best, sum);
  }
  return best;
}

/** One load of `spec` in `page` (already throttled, listening through `cdp`). */
async function load(page, cdp, origin, spec) {
  const wire = new Map();
  const finished = (e) => wire.set(e.requestId, e.encodedDataLength);
  cdp.on('Network.loadingFinished', finished);
  await page.goto(origin + spec.path, { waitUntil: 'commit' });
  const shownAt = await tapWhenThere(page, 'radio', FIRST_ANSWER);
  const seen = await page.evaluate(() => ({
    ...window.__bench,
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
    origin: performance.timeOrigin,
  }));
  cdp.off('Network.loadingFinished', finished);
  if (seen.answeredAt === null) throw new Error(`${spec.name}: the tap did not check the radio`);
  const bytes = [...wire.values()].reduce((a, b) => a + b, 0);
  await tapWhenThere(page, 'button', 'Continue');
  const nextAt = await spec.nextStep(page);
  return {
    usable: shownAt,
    next: nextAt - seen.origin,
    lcp: seen.lcp.at(-1) ?? NaN,
    tbt: blockingTime(seen.long, seen.fcp, shownAt),
    cls: layoutShift(seen.shifts),
    kb: bytes / 1024,
  };
}

async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', NETWORK);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return cdp;
}

/** A cold load in a fresh browser profile, then a second visit in a new tab of the same profile. */
async function visitTwice(browser, origin, spec, problems) {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB', deviceScaleFactor: 1, hasTouch: true });
  await context.addInitScript(observe);
  context.on('weberror', (e) => problems.push(`${spec.name}: ${e.error().message}`));
  try {
    const first = await context.newPage();
    const cold = await load(first, await throttled(context, first), origin, spec);
    if (spec.worker) await first.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await first.close();
    const second = await context.newPage();
    const cdp = await throttled(context, second);
    // The first visit's answer would bring "Continue your complaint?" instead of the first question.
    await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb,local_storage' });
    const warm = await load(second, cdp, origin, spec);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const METRICS = [
  { key: 'usable', label: 'usable ms', digits: 0 },
  { key: 'next', label: 'next step ms', digits: 0 },
  { key: 'lcp', label: 'LCP ms', digits: 0 },
  { key: 'tbt', label: 'TBT ms', digits: 0 },
  { key: 'cls', label: 'CLS', digits: 3 },
  { key: 'kb', label: 'KB on the wire', digits: 1 },
];

function summarise(runs) {
  const out = {};
  for (const { key } of METRICS) {
    const xs = runs.map((r) => r[key]);
    out[key] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
  }
  return out;
}

function table(title, rows) {
  const width = 22;
  const cell = (s) => String(s).padEnd(width);
  console.log(`\n${title}`);
  console.log(''.padEnd(18) + METRICS.map((m) => cell(m.label)).join(''));
  for (const [name, figures] of Object.entries(rows)) {
    const cells = METRICS.map(({ key, digits }) => {
      const { median: m, min, max } = figures[key];
      return cell(`${m.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`);
    });
    console.log(name.padEnd(18) + cells.join(''));
  }
  const [plain, app] = Object.values(rows);
  const ratio = (key) => (plain[key].median > 0 ? `×${(app[key].median / plain[key].median).toFixed(1)}` : '–');
  console.log('app ÷ plain'.padEnd(18) + METRICS.map(({ key }) => cell(ratio(key))).join(''));
}

const precompressed = process.env.PRECOMPRESSED !== '0';
const site = await startBenchSite({ dist: process.env.DIST, precompressed });
const browser = await launchBrowser();
const problems = [];
// Other work on the machine slows the throttled CPU further: the load is printed with the figures.
const load1 = () => loadavg()[0].toFixed(1);
const results = { date: new Date().toISOString(), runs: RUNS, precompressed, loadBefore: load1(), cold: {}, warm: {} };
try {
  for (const spec of PAGES) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < RUNS; i += 1) {
      const run = await visitTwice(browser, site.origin, spec, problems);
      cold.push(run.cold);
      warm.push(run.warm);
    }
    results.cold[spec.name] = summarise(cold);
    results.warm[spec.name] = summarise(warm);
  }
} finally {
  await browser.close();
  await site.stop();
}
const served = precompressed ? 'brotli' : 'uncompressed';
console.log(
  `Median (min–max) of ${RUNS} loads each, Chromium at 390×844, 150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU ×${CPU_SLOWDOWN}; ` +
    `served by the intake (${served}). Machine load ${results.loadBefore} before, ${load1()} after, on ${cpus().length} cores.`,
);
table('Cold load (first visit)', results.cold);
table('Warm load (second visit, service worker and HTTP cache in place)', results.warm);
for (const problem of problems) console.log(`page error: ${problem}`);
mkdirSync('target', { recursive: true });
writeFileSync('target/bench-load.json', `${JSON.stringify(results, null, 2)}\n`);
console.log('\n(also in target/bench-load.json)');
