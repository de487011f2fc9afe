// The whole first visit, as a prepaid customer pays for it: what the filing page itself downloads, what the
// service worker downloads beside it (its install, and what it fetches ahead later), and the second visit.
// Measured by what reached the server: each visit runs in a fresh Chromium context on the intake serving
// the release, and the paths the intake answered with 200 in that time are the ones sent over the wire (an
// HTTP-cache hit never reaches it; a 304 is headers only and counts as nothing here). Each path's size is
// its body as the intake sends it to a browser asking for brotli (as `bytes` measures it), headers left out.
//   page: the filing page with service workers blocked (what the visit costs before any worker);
//   precache: the same visit with the worker, less the page's own paths (what the worker's install adds);
//   first visit: both, against the budget; then every file of it, saying which of the two it was;
//   after sending: what the worker fetches once a complaint is sent (the tracker, for opening offline);
//   with Save-Data: the first visit and a sent complaint with the `Save-Data` header on every request;
//   second visit: the same context opening the page again (nothing but what changed: the data and sw.js).
import { request } from 'node:http';
import { startIntake } from '../../e2e/support/intake.mjs';
import { openPage } from '../../e2e/support/browser.mjs';
import { Filing } from '../../e2e/support/filing.mjs';

const PAGE_BUDGET_KB = 200;
const VISIT_BUDGET_KB = 450;

/** The body's length as sent to a browser asking for brotli (node:http neither asks nor decodes itself). */
function brotliBytes(origin, path) {
  return new Promise((done, fail) => {
    request(origin + path, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } }, (response) => {
      let length = 0;
      response.on('data', (chunk) => (length += chunk.length));
      response.on('end', () => done(length));
      response.on('error', fail);
    })
      .on('error', fail)
      .end();
  });
}

/** The paths the intake answered with 200 since its `since`-th log line. */
function sent(intake, since) {
  return intake.log
    .join('')
    .split('\n')
    .slice(since)
    .map((line) => line.match(/ GET (\S+) 200 /)?.[1])
    .filter(Boolean);
}

const lines = (intake) => intake.log.join('').split('\n').length - 1;

/** Waits until the server has been quiet for a second (the worker's install, a fetch ahead, done). */
async function quiet(intake) {
  let before = -1;
  for (let waited = 0; lines(intake) !== before; waited += 1000) {
    if (waited > 30_000) throw new Error('the visit never went quiet');
    before = lines(intake);
    await new Promise((ok) => setTimeout(ok, 1000));
  }
}

async function openFiling(page, origin) {
  await page.goto(origin + '/');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
}

async function sendComplaint(page) {
  await new Filing(page).fileADelivery();
}

/** One visit in a fresh context: the paths sent for the page, then after sending, then on a second visit. */
async function visit(browser, intake, { serviceWorkers = 'allow', saveData = false, send = false } = {}) {
  const { context, page } = await openPage(browser, { serviceWorkers });
  if (saveData) await context.setExtraHTTPHeaders({ 'save-data': 'on' });
  const result = {};
  let since = lines(intake);
  await openFiling(page, intake.origin);
  if (serviceWorkers === 'allow') await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await quiet(intake);
  result.first = sent(intake, since);
  if (send) {
    since = lines(intake);
    await sendComplaint(page);
    await quiet(intake);
    result.afterSending = sent(intake, since).filter((path) => !path.startsWith('/api/'));
  }
  since = lines(intake);
  const again = await context.newPage();
  await openFiling(again, intake.origin);
  await quiet(intake);
  result.second = sent(intake, since);
  await context.close();
  return result;
}

async function sized(origin, paths) {
  const sizes = new Map();
  for (const path of new Set(paths)) sizes.set(path, (await brotliBytes(origin, path)) / 1024);
  return sizes;
}

const sum = (sizes, paths) => paths.reduce((total, path) => total + (sizes.get(path) ?? 0), 0);
const listed = (paths) => (paths.length ? paths.join(' ') : 'nothing');

export default {
  name: 'visit',
  async run({ browser, site }) {
    // An intake of its own, so its log holds only these visits.
    const intake = await startIntake({ site });
    try {
      const blocked = await visit(browser, intake, { serviceWorkers: 'block' });
      const full = await visit(browser, intake, { send: true });
      const frugal = await visit(browser, intake, { saveData: true, send: true });
      const pagePaths = blocked.first;
      const precache = full.first.filter((path) => !pagePaths.includes(path));
      const sizes = await sized(intake.origin, [...full.first, ...pagePaths, ...full.afterSending, ...full.second, ...frugal.first, ...frugal.afterSending]);
      const rows = [
        { what: 'first visit: the filing page', value: sum(sizes, pagePaths), unit: 'KB', budget: PAGE_BUDGET_KB, note: `brotli, service worker blocked; ${pagePaths.length} files` },
        { what: "first visit: the worker's precache", value: sum(sizes, precache), unit: 'KB', note: `brotli; ${precache.length} files beyond the page's` },
        { what: 'first visit: total', value: sum(sizes, full.first), unit: 'KB', budget: VISIT_BUDGET_KB, note: `brotli; ${full.first.length} files` },
      ];
      for (const path of [...new Set([...pagePaths, ...full.first])]) {
        const whose = pagePaths.includes(path) ? (full.first.includes(path) ? 'page' : 'page (from the HTTP cache with a worker)') : 'precache';
        rows.push({ what: `first visit file: ${path.slice(0, 60)}`, value: sizes.get(path), unit: 'KB', note: `brotli; ${whose}` });
      }
      rows.push(
        { what: 'after sending a complaint: fetched ahead', value: sum(sizes, full.afterSending), unit: 'KB', note: `brotli; ${listed(full.afterSending)}` },
        { what: 'second visit', value: sum(sizes, full.second), unit: 'KB', note: `brotli; ${listed(full.second)}` },
        { what: 'with Save-Data: first visit', value: sum(sizes, frugal.first), unit: 'KB', note: `brotli; ${frugal.first.length} files` },
        { what: 'with Save-Data: after sending', value: sum(sizes, frugal.afterSending), unit: 'KB', note: `brotli; ${listed(frugal.afterSending)}` },
      );
      return rows;
    } finally {
      await intake.stop();
    }
  },
};
