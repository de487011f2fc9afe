// No personal data where it does not belong (issue #25, "On the device"): a complaint filed with a distinctive
// name, email address, phone number and description, in the app and in the widget on another site, against the
// real intake; then the service worker's caches, the addresses the page went through, the events the host
// page heard and the intake's log are searched for any of them. Also: the contact step shows the notice, asks
// no consent, and links the full notice generated from the config.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startShop } from '../../scripts/shop-server.mjs';
import { launchBrowser, openPage } from './support/browser.mjs';
import { daysAgo, Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

let shop;
let intake;
let browser;

// What no store, address, event or log line may hold (each also searched lower-cased).
const PERSON = {
  name: 'Zofia Qwertyprivacka',
  email: 'Zofia.Qwerty7731@example.org',
  phone: '+48 600 773 193',
  description: 'The Xylophonic kettle whistled Quintuply before dying.',
};
const NEEDLES = [
  PERSON.name,
  'Qwertyprivacka',
  PERSON.email,
  'Qwerty7731',
  PERSON.phone,
  '600773193',
  '600 773 193',
  'Xylophonic',
  'Quintuply',
].flatMap((n) => [n, n.toLowerCase(), encodeURIComponent(n), encodeURIComponent(n.toLowerCase())]);

/** The needles found in `text`. */
const found = (text) => [...new Set(NEEDLES.filter((n) => text.includes(n)))];

// Every address the page's own script gives itself (pushState, replaceState), recorded before it runs.
function recordAddresses() {
  window.__addresses = [location.href];
  for (const name of ['pushState', 'replaceState']) {
    const native = history[name].bind(history);
    history[name] = (state, title, url) => {
      const result = native(state, title, url);
      window.__addresses.push(location.href);
      return result;
    };
  }
}

before(async () => {
  shop = await startShop({
    extra: {
      '/widget.html': `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Help – Test shop</title>
<script type="module" src="{{DESK}}/embed/v1/embed.js"></script></head>
<body><h1>Help</h1><complaint-desk api="{{DESK}}/api/v1/" lang="en" category="defective-product"></complaint-desk></body></html>`,
      // The shop's own icon, so that the browser's request for it is not a console error of the test's.
      '/favicon.ico': '',
    },
  });
  intake = await startIntake({ args: ['--allow-origin', shop.origin] });
  shop.desk = intake.origin;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await shop?.close();
});

/** Files the distinctive complaint from the first question, in the app or in a widget (category chosen). */
async function fileDistinctively(page, { chosen = false } = {}) {
  const filing = new Filing(page);
  if (chosen) {
    await filing.continue();
    await filing.atStep(2);
  } else {
    await filing.chooseCategory('A faulty or damaged product');
  }
  await filing.skipCommonAnswers();
  await filing.describe({ description: PERSON.description, details: { 'Which product?': 'Kettle K-200', 'When did you buy it?': daysAgo(20) } });
  await filing.chooseOutcome('Replace it');
  await filing.finishEvidence();
  await filing.giveContact({ name: PERSON.name, email: PERSON.email, phone: PERSON.phone, mayCall: true });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  return (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
}

/** The text of every entry of every Cache Storage cache of the page's origin, with its address. */
async function cachedTexts(page) {
  return page.evaluate(async () => {
    const entries = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        entries.push({ url: request.url, text: response ? await response.text() : '' });
      }
    }
    return entries;
  });
}

test('the contact step shows the notice from the config and asks no consent; the full notice is there in each language', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(intake.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A service or a bill');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'Charged twice.', details: { 'Order or invoice number': 'NW-1' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  const notice = page.getByRole('region', { name: 'How we use your details' });
  // This category's own retention in the demo config (6 years), not the default.
  await notice.getByText('We keep them for 6 years after your complaint is closed', { exact: false }).waitFor();
  await notice.getByText('GDPR art. 6(1)(b)', { exact: false }).waitFor();
  assert.equal(await page.getByRole('checkbox').count(), 0, 'no box to tick without a phone number');
  await page.getByLabel('Phone number').fill('+44 20 7946 0001');
  await page.getByRole('checkbox', { name: /You may also call me/ }).waitFor();
  assert.equal(await page.getByRole('checkbox').count(), 1, 'one optional box, no consent');
  await page.getByLabel('Full name').fill('Ann Example');
  await page.getByRole('radio', { name: 'By phone' }).check();
  const link = notice.getByRole('link', { name: 'Read the full privacy notice (opens in a new tab)' });
  assert.equal(await link.getAttribute('href'), intake.origin + '/privacy.html');
  await filing.continue();
  // A bill's deadlines depend on where the customer lives (the demo's Polish rules): asked next.
  await filing.liveIn('Somewhere else');
  await page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
  for (const [path, title] of [
    ['/privacy.html', 'Privacy notice'],
    ['/privacy.ko.html', '개인정보 처리방침'],
    ['/privacy.pl.html', 'Informacja o przetwarzaniu danych osobowych'],
  ]) {
    await page.goto(intake.origin + path);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  }
  // The generated page says the config's numbers: the billing category's six years.
  await page.goto(intake.origin + '/privacy.html');
  await page.getByRole('listitem').filter({ hasText: 'A service or a bill: We keep them for 6 years' }).waitFor();
  assert.deepEqual(problems, [], 'no console errors, no CSP violations');
  await context.close();
});

test('filed in the app: nothing of the person in the caches, the addresses or the log; the desk shows the notice shown', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.addInitScript(recordAddresses);
  const visited = [];
  page.on('framenavigated', (frame) => frame === page.mainFrame() && visited.push(frame.url()));
  await page.goto(intake.origin + '/');
  await page.evaluate(() => navigator.serviceWorker.ready);
  const reference = await fileDistinctively(page);
  // Into the tracker from the confirmation, and the status the intake published.
  await page.getByRole('link', { name: 'Track your complaint' }).click();
  await page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  await page.getByText('Where it stands: Registration').waitFor();
  // The tracker's own files are cached once it is opened: waited for, so the scan sees a full cache.
  await page.waitForFunction(async () => (await caches.keys()).length > 0);

  const cached = await cachedTexts(page);
  assert.ok(cached.length > 3, `the service worker cached the app (${cached.length} entries)`);
  const inCaches = cached.flatMap((e) => found(e.url + '\n' + e.text).map((n) => `${e.url}: ${n}`));
  assert.deepEqual(inCaches, [], 'no personal data in Cache Storage');

  const addresses = [...visited, ...(await page.evaluate(() => window.__addresses))];
  assert.ok(addresses.some((a) => a.includes('/track')), 'the tracker was opened');
  assert.deepEqual(addresses.filter((a) => found(a).length > 0), [], 'no personal data in an address');

  // The intake has it all, and its log names the reference only.
  const [[stored]] = await intake.rows(`select count(*) from complaints where reference = '${reference}'`);
  assert.equal(stored, 1);
  const log = intake.log.join('');
  assert.ok(log.includes(reference), 'the log names the complaint by its reference');
  assert.deepEqual(found(log), [], 'no personal data in the intake log');

  // Stored with the notice shown and the optional consent, and no compulsory one.
  const [[submission]] = await intake.rows(`select submission from complaints where reference = '${reference}'`);
  const body = JSON.parse(submission);
  // The search is able to find: the stored complaint holds every one of them.
  assert.ok([PERSON.name, PERSON.email, PERSON.phone, 'Xylophonic'].every((n) => found(submission).includes(n)));
  assert.deepEqual(body.privacy_notice, { version: '2026-12', date: '2026-12-07' });
  assert.equal(body.contact.may_call, true);
  assert.equal(body.contact.consent, undefined);
  assert.deepEqual(problems, [], 'no console errors, no CSP violations');
  await context.close();
});

test('filed in the widget: the host page hears nothing of the person, and its address never changes', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.addInitScript(() => {
    window.__heard = [];
    for (const type of ['complaint:ready', 'complaint:step', 'complaint:submitted', 'complaint:queued', 'complaint:error']) {
      document.addEventListener(type, (e) => window.__heard.push({ type: e.type, detail: JSON.stringify(e.detail) }));
    }
  });
  await page.addInitScript(recordAddresses);
  await page.goto(shop.origin + '/widget.html');
  await page.getByRole('button', { name: 'Make a complaint' }).click();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  const reference = await fileDistinctively(page, { chosen: true });
  // The same notice inside the widget: the host's page is not ours to speak for.
  const heard = await page.evaluate(() => window.__heard);
  assert.ok(heard.some((e) => e.type === 'complaint:submitted' && e.detail.includes(reference)), 'the host heard the reference');
  assert.deepEqual(heard.filter((e) => found(e.detail).length > 0), [], 'no personal data in the host events');
  const addresses = await page.evaluate(() => window.__addresses);
  assert.deepEqual([...new Set(addresses)], [shop.origin + '/widget.html'], 'the host page keeps its address');
  assert.deepEqual(found(intake.log.join('')), [], 'no personal data in the intake log');
  assert.deepEqual(problems, [], 'no console errors, no CSP violations');
  await context.close();
});
