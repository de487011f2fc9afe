// The journeys that matter most, each run in one engine by its own test file (chromium.test.mjs,
// firefox.test.mjs, webkit.test.mjs), so ./scripts/test runs the three engines side by side. Each journey is
// short: the full filing flow, its checks and its refusals are tested at length in Chromium (tests/e2e); here
// the question is only whether a customer's own engine gets them through.
//
// Where an engine's driver cannot take the network away (WebKitWebDriver: classic WebDriver has no such
// command), the journeys take the server away instead (`server.down()`): the browser then meets dropped
// connections, as it does with no signal, but is not told it is offline (no `offline`/`online` event,
// `navigator.onLine` stays true), so the customer's "Try now" stands in for the phone coming back online.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startShop } from '../../scripts/shop-server.mjs';
import { startIntake } from '../e2e/support/intake.mjs';
import { startServer } from '../e2e/support/server.mjs';
import { launchEngine } from './support/engines.mjs';
import { Filing, PNG_1x1, stored } from './support/filing.mjs';
import { Tab } from './support/tab.mjs';

/** Console noise a browser makes for a request that met no network; anything else is a real problem. */
const real = (problems) =>
  problems.filter((p) => !/Failed to load resource|Failed to fetch|NetworkError|ERR_INTERNET_DISCONNECTED|503/.test(p));

/** The host page of the widget journey: its own script first records what the host sees (policy violations,
 *  the widget's events, anything thrown at it), then the widget from the desk's origin, far below the fold. */
const SHOP_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Report a problem – Test shop</title>
<script src="/watch.js"></script>
<script type="module" src="{{DESK}}/embed/v1/embed.js"></script>
<script type="module" src="/shop.js"></script></head>
<body><h1>Report a problem</h1>
<complaint-desk api="{{DESK}}/api/v1/" lang="en" category="delivery"></complaint-desk>
<p id="thanks" hidden></p></body></html>`;

const WATCH = `window.__host = { violations: [], submitted: [], errors: [] };
document.addEventListener('securitypolicyviolation', (e) => __host.violations.push(e.violatedDirective + ' ' + e.blockedURI));
document.addEventListener('complaint:submitted', (e) => __host.submitted.push(e.detail));
addEventListener('error', (e) => __host.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => __host.errors.push(String(e.reason)));`;

/** The journeys in engine `name`. */
export function journeys(name) {
  let engine;
  let server;
  let intake;
  let shop;
  let tab;

  before(async () => {
    [engine, server, shop] = await Promise.all([launchEngine(name), startServer(), startShop({ extra: { '/widget.html': SHOP_PAGE, '/watch.js': WATCH } })]);
    intake = await startIntake({ args: ['--allow-origin', shop.origin] });
    shop.desk = intake.origin;
  });
  after(async () => {
    await tab?.close().catch(() => {});
    await engine?.close();
    await Promise.all([server?.close(), intake?.stop(), shop?.close()]);
  });

  /** A fresh tab (its own storage) on `url`, the test server made the stand-in intake again. */
  async function open(url) {
    await tab?.close();
    server.reset();
    server.intake();
    tab = await Tab.open(engine);
    await tab.goto(url);
    return { tab, filing: new Filing(tab) };
  }

  /** No network: the engine's own switch where its driver has one, else the server is down. */
  async function offline(on) {
    if (tab.canGoOffline) await tab.setOffline(on);
    else if (on) server.down();
    else server.up();
  }

  test(`${name}: a complaint with a photo, the page reloaded mid-way, keeps its draft and photo and arrives whole`, async () => {
    const { filing } = await open(server.origin + '/');
    await filing.chooseCategory('A faulty or damaged product');
    await filing.skipCommonAnswers();
    await filing.describe({
      description: 'The kettle stopped heating after a week. Zamówienie 4471.',
      details: { 'Which product?': 'Kettle K-200', 'When did you buy it?': '2026-11-01' },
    });
    await filing.chooseOutcome('Replace it');
    await filing.addFiles([{ name: 'kettle.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
    await tab.until(stored, null, (s) => s.files === 1, { what: 'the photo saved on the device' });

    await tab.reload();
    await filing.atStep(5);
    await tab.waitFor({ role: 'button', name: 'Remove kettle.png' });
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Anna Kowalska', email: 'anna@example.pl' });
    await filing.send();
    assert.equal(await filing.confirmation(), 'CMP-TEST-0001');

    const [received, ...more] = await server.complaints();
    assert.equal(more.length, 0, 'exactly one request');
    assert.equal(received.complaint.description, 'The kettle stopped heating after a week. Zamówienie 4471.');
    assert.deepEqual(received.complaint.details, { product: 'Kettle K-200', purchased_on: '2026-11-01' });
    assert.deepEqual([...received.files[0].bytes], [...PNG_1x1], 'the photo arrived byte for byte');
    assert.deepEqual(real(tab.problems), []);
  });

  test(`${name}: sent with no network, it waits, then is delivered once when the network is back`, async () => {
    const { filing } = await open(server.origin + '/');
    await filing.chooseCategory('Something else');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'Sent from a train with no signal.' });
    await filing.chooseOutcome('Apologise');
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Jin Park', email: 'jin@example.kr' });

    await offline(true);
    await filing.send();
    await tab.waitFor({ text: 'Waiting to send' });
    assert.equal(await tab.count({ role: 'button', name: /^Change/ }), 0, 'a queued complaint is not changed');
    assert.equal((await server.complaints()).length, 0);
    await offline(false);
    // Without an `online` event (only the server was away), the customer's tap brings the next attempt.
    if (!tab.canGoOffline) await tab.click({ role: 'button', name: 'Try now' });
    assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
    assert.equal((await server.complaints()).length, 1, 'one request');
    assert.deepEqual(real(tab.problems), []);
  });

  test(`${name}: an unfinished complaint is offered back on the next visit and continued where it was`, async () => {
    const { filing } = await open(server.origin + '/');
    await filing.chooseCategory('A delivery');
    await filing.skipCommonAnswers();
    const text = 'Przesyłka 4471 przyszła bez pokrywki.';
    await tab.fill({ label: 'Describe what happened' }, text);
    await tab.until(stored, null, (s) => s.descriptions?.includes(text), { what: 'the draft saved on the device' });

    await tab.goto(server.origin + '/');
    await tab.waitFor({ role: 'heading', name: 'Continue your complaint?' });
    await tab.click({ role: 'button', name: /^Continue your complaint/ });
    await filing.atStep(3);
    assert.equal(await tab.value({ label: 'Describe what happened' }), text);
    assert.deepEqual(real(tab.problems), []);
  });

  test(`${name}: the tracker finds a complaint by reference and email, and a reply reaches the organisation once`, async () => {
    const { filing } = await open(intake.origin + '/');
    await filing.chooseCategory('A delivery');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'The parcel never arrived.', details: { 'Order number': 'NW-50001' } });
    await filing.chooseOutcome('Give me a refund');
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
    await filing.send();
    const reference = await filing.confirmation();

    await tab.goto(intake.origin + '/track');
    await tab.fill({ label: 'Complaint reference' }, reference);
    await tab.fill({ label: 'Email address or PIN' }, 'ola@example.pl');
    await tab.click({ role: 'button', name: 'Find my complaint' });
    await tab.waitFor({ text: 'Where it stands: Registration' });
    await tab.click({ role: 'button', name: 'Add information' });
    await tab.fill({ label: 'What would you like to add?' }, 'The courier left no card.');
    await tab.click({ role: 'button', name: 'Send information' });
    await tab.waitFor({ text: /^You added information on / });
    const replies = await intake.rows(
      `SELECT r.text FROM replies r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = '${reference}'`,
    );
    assert.deepEqual(replies, [['The courier left no card.']]);
    assert.deepEqual(real(tab.problems), []);
  });

  test(`${name}: the widget on another origin, under the host's strict CSP, files a complaint with a photo and tells the host`, async () => {
    const { filing } = await open(shop.origin + '/widget.html');
    await tab.click({ role: 'button', name: 'Make a complaint' });
    await tab.waitFor({ role: 'heading', level: 2, name: 'What is your complaint about?' });
    await filing.continue(); // category="delivery" comes chosen
    await filing.atStep(2);
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'The tent arrived with a torn flysheet.', details: { 'Order number': 'AP-20931' } });
    await filing.chooseOutcome('Give me a refund');
    await filing.addFiles([{ name: 'flysheet.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
    await filing.send();
    const reference = await filing.confirmation();

    await tab.waitFor({ text: new RegExp(`We have your complaint ${reference};`) });
    const host = await tab.evaluate(() => window.__host);
    assert.deepEqual(host.submitted, [{ reference }]);
    assert.deepEqual(host.violations, [], 'no securitypolicyviolation on the host');
    assert.deepEqual(host.errors, [], 'nothing thrown at the host');
    const [[files]] = await intake.rows(
      `SELECT count(*) FROM attachments a JOIN complaints c ON c.id = a.complaint_id WHERE c.reference = '${reference}'`,
    );
    assert.equal(files, 1);
    assert.deepEqual(real(tab.problems), []);
  });

  test(`${name}: after one visit the app opens with no network, its shell from the service worker`, async () => {
    const { filing } = await open(server.origin + '/');
    await tab.waitFor({ role: 'group', name: 'What is your complaint about?' });
    // One visit, nothing more: the worker installed (its cache filled), the page not reloaded.
    await tab.until(
      () => {
        navigator.serviceWorker.ready.then(() => {
          window.__workerReady = true;
        });
        return window.__workerReady === true;
      },
      null,
      (ready) => ready === true,
      { what: 'the service worker ready' },
    );
    // The test server sends every file with `no-store`: only the worker's copies can open the app now.
    await offline(true);
    const since = server.requests.length;
    await tab.goto(server.origin + '/');
    await filing.chooseCategory('A delivery');
    await filing.skipCommonAnswers(); // the knowledge base came with the first visit too
    // The worker's own script is not the shell: Firefox's update check for it on a navigation is the browser's
    // request, not the page's, and its offline switch (WebDriver BiDi's, per page) does not cover it.
    const shell = server.requests.slice(since).filter((r) => r.path !== '/sw.js' && /^\/$|\.(html|js|wasm|css)$/.test(r.path));
    assert.deepEqual(shell.map((r) => r.path), [], 'no request for the shell reached the server');
    await offline(false);
    assert.deepEqual(real(tab.problems), []);
  });
}
