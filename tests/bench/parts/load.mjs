// The filing page's cold and warm load next to a plain HTML form that asks the same first question
// (tests/bench/plain-form.html), both served by the real intake (brotli, cache headers: as a CDN would and
// as the README's demo runs) in the same run, in headless Chromium at 390×844 with Lighthouse's mobile
// profile. RUNS (5) loads of each, median and spread, and the ratios against the budgets.
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
import { PHONE } from '../../e2e/support/browser.mjs';

// Lighthouse's mobile profile (its "slow 4G" and a mid-range phone): 150 ms round trip, 1.6 Mbit/s down,
// 750 kbit/s up, CPU 4× slower. Chromium applies the network part per request (DevTools throttling).
export const NETWORK = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
export const CPU_SLOWDOWN = 4;
export const RUNS = Number(process.env.RUNS ?? 5);
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
  // Looked for in the page every animation frame, by the page's own script: see inPage.
  const everyFrame = (found) =>
    new Promise((done) => {
      const look = () => {
        const result = found();
        if (result) done(result);
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    });
  window.__benchWait = {
    /** The first frame with the radio (or button) labelled `label` on screen and enabled: where to tap it. */
    async tapTarget(kind, label) {
      const target = await everyFrame(() => {
        const candidates = kind === 'radio' ? document.querySelectorAll('input[type=radio]') : document.querySelectorAll('button');
        const text = (element) => (kind === 'radio' ? element.labels?.[0]?.textContent : element.textContent)?.trim();
        const element = [...candidates].find((e) => text(e) === label && !e.disabled && e.checkVisibility());
        // In the document is not yet on screen: nothing is painted before the style sheet is in.
        const painted = performance.getEntriesByName('first-contentful-paint').length > 0;
        if (!element || !painted) return null;
        // A styled radio may be drawn by its label; the label takes the tap for it.
        let box = element.getBoundingClientRect();
        if (box.width * box.height === 0 && element.labels?.[0]) box = element.labels[0].getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2, at: performance.now() };
      });
      // A few frames for the paint that showed it to be reported: the largest contentful paint is no longer
      // recorded after the first input, so a tap in the same frame would cut it short.
      for (let i = 0; i < 3; i += 1) await new Promise((next) => requestAnimationFrame(next));
      return target;
    },
    /** The first frame in which `selector`'s text includes `text`, on the wall clock. */
    shows: (selector, text) =>
      everyFrame(() => document.querySelector(selector)?.textContent.includes(text) && performance.timeOrigin + performance.now()),
    /** The page's first contentful paint, on the wall clock. */
    firstPaint: () =>
      new Promise((done) => {
        const at = () => performance.getEntriesByName('first-contentful-paint')[0];
        const finish = () => at() && done(performance.timeOrigin + at().startTime);
        new PerformanceObserver(finish).observe({ type: 'paint', buffered: true });
        finish();
      }),
  };
}

/**
 * Evaluates `expression` in the page through the DevTools protocol alone, once the page's observer is
 * there. Playwright's own `evaluate` and `waitForFunction` first load its helper script into each new
 * document: at CPU ×4 a task of 80–100 ms on the page's main thread (a trace shows it as a script with
 * no address), inside the very window measured, for the plain form and the app alike.
 */
async function inPage(cdp, expression) {
  const waited = `(async () => {
    while (!window.__benchWait) await new Promise((next) => setTimeout(next, 10));
    return ${expression};
  })()`;
  let timer;
  const late = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${expression}: nothing after ${QUIET.timeout} ms`)), QUIET.timeout);
  });
  try {
    const { result, exceptionDetails } = await Promise.race([
      cdp.send('Runtime.evaluate', { expression: waited, awaitPromise: true, returnByValue: true }),
      late,
    ]);
    if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Taps the radio (or button) labelled `label` once it is on screen and enabled, looked for in the page every
 * animation frame; returns the time of the first frame that had it. One tap at its centre: Playwright's own
 * check() and click() would add a few hundred milliseconds of their own checks at CPU ×4, and its waiting
 * backs off to half a second between looks.
 */
async function tapWhenThere(page, cdp, kind, label) {
  const { x, y, at } = await inPage(cdp, `window.__benchWait.tapTarget(${JSON.stringify(kind)}, ${JSON.stringify(label)})`);
  await page.mouse.click(x, y);
  return at;
}

/** The app shows step 2 in the same document: the first frame (polled per animation frame) where it does. */
function appNextStep(page, cdp) {
  return inPage(cdp, `window.__benchWait.shows('.step-progress', 'Step 2 of 7')`);
}

/** The plain form's Continue loads its next page: that page's first contentful paint. */
async function plainNextStep(page, cdp) {
  await page.waitForURL(/\/bench\/plain-next\.html/, { waitUntil: 'commit', ...QUIET });
  return inPage(cdp, 'window.__benchWait.firstPaint()');
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
  const shownAt = await tapWhenThere(page, cdp, 'radio', FIRST_ANSWER);
  const seen = await inPage(
    cdp,
    `({ ...window.__bench, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0, origin: performance.timeOrigin })`,
  );
  cdp.off('Network.loadingFinished', finished);
  if (seen.answeredAt === null) throw new Error(`${spec.name}: the tap did not check the radio`);
  const bytes = [...wire.values()].reduce((a, b) => a + b, 0);
  await tapWhenThere(page, cdp, 'button', 'Continue');
  const nextAt = await spec.nextStep(page, cdp);
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
  { key: 'usable', label: 'first question accepts a tap', unit: 'ms' },
  { key: 'next', label: 'next step on screen after Continue', unit: 'ms' },
  { key: 'lcp', label: 'LCP', unit: 'ms' },
  { key: 'tbt', label: 'TBT', unit: 'ms' },
  { key: 'cls', label: 'CLS', unit: '' },
  { key: 'kb', label: 'on the wire', unit: 'KB' },
];

/** The budgets: app ÷ plain for times, absolute for TBT and CLS (cold load). */
const BUDGETS = { usable: { ratio: 1.5 }, lcp: { ratio: 1.2 }, tbt: { at: 50 }, cls: { at: 0.02 } };

function figures(runs, key) {
  const xs = runs.map((r) => r[key]);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const spread = (f, unit) => {
  const d = unit === '' ? 3 : unit === 'KB' ? 1 : 0;
  return `median of ${RUNS}, ${f.min.toFixed(d)}–${f.max.toFixed(d)}`;
};

export default {
  name: 'load',
  async run({ origin, browser }) {
    const problems = [];
    const runs = {};
    for (const spec of PAGES) {
      runs[spec.name] = { cold: [], warm: [] };
      for (let i = 0; i < RUNS; i += 1) {
        const run = await visitTwice(browser, origin, spec, problems);
        runs[spec.name].cold.push(run.cold);
        runs[spec.name].warm.push(run.warm);
      }
    }
    const rows = [];
    for (const visit of ['cold', 'warm']) {
      const [plain, app] = PAGES.map((p) => runs[p.name][visit]);
      for (const { key, label, unit } of METRICS) {
        const a = figures(app, key);
        const p = figures(plain, key);
        const budget = visit === 'cold' ? BUDGETS[key] : undefined;
        rows.push({ what: `${visit}, plain form: ${label}`, value: p.median, unit, note: spread(p, unit) });
        rows.push({ what: `${visit}, app: ${label}`, value: a.median, unit, note: spread(a, unit), ...(budget?.at !== undefined ? { budget: budget.at } : {}) });
        if (p.median > 0 && unit !== 'KB') {
          rows.push({ what: `${visit}, app ÷ plain: ${label}`, value: a.median / p.median, unit: '×', ...(budget?.ratio ? { budget: budget.ratio } : {}) });
        }
      }
    }
    for (const problem of problems) rows.push({ what: 'page error', value: problem, unit: '' });
    return rows;
  },
};
