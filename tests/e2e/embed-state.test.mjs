// The widget's own state and its manners on a host page (issue #11): widgets on one page keep separate
// device stores; offline inside the widget, a complaint is queued and then delivered exactly once; axe finds
// nothing inside the shadow root; bad attributes, a config that will not load, a host removing the widget
// mid-send and a panic inside the Wasm all stay inside the widget's box, with nothing thrown at the host and
// nothing typed lost; attributes changed after mount apply as docs/embed.md says.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';

import { hostPolicy, startShop } from '../../scripts/shop-server.mjs';
import { assertAccessible } from './support/a11y.mjs';
import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

let shop;
let intake;
let elsewhere; // an API on a third origin: no CORS for the shop, or a broken config
let browser;

// What the host sees, from before any of its scripts: the widgets' events with the element that sent them,
// and everything uncaught (window.onerror too, not only listeners).
function instrumentHost() {
  const host = { events: [], errors: [], violations: [] };
  window.__host = host;
  document.addEventListener('securitypolicyviolation', (e) => host.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  for (const type of ['complaint:ready', 'complaint:step', 'complaint:submitted', 'complaint:queued', 'complaint:error']) {
    document.addEventListener(type, (e) => host.events.push({ type: e.type, from: e.target.id, detail: e.detail }));
  }
  window.onerror = (message) => host.errors.push(`onerror: ${message}`);
  window.addEventListener('error', (e) => host.errors.push(`error: ${e.message}`));
  window.addEventListener('unhandledrejection', (e) => host.errors.push(`unhandledrejection: ${e.reason}`));
}

const page = (body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Help – Test shop</title>
<script type="module" src="{{DESK}}/embed/v1/embed.js"></script></head>
<body>${body}</body></html>`;

const desk = (attributes) => `<complaint-desk ${attributes}></complaint-desk>`;

before(async () => {
  elsewhere = createServer((req, res) => {
    if (req.url.startsWith('/broken/')) {
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end('{"organisation": ');
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}'); // no Access-Control-Allow-Origin
    }
  });
  await new Promise((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  const third = `http://127.0.0.1:${elsewhere.address().port}`;
  shop = await startShop({
    extra: {
      // A filing widget, a tracking one, and a second filing widget for another kind of problem.
      '/two.html': page(
        `<h1>Help</h1>
         ${desk('id="desk-file" api="{{DESK}}/api/v1/" lang="en" category="delivery"')}
         ${desk('id="desk-track" api="{{DESK}}/api/v1/" lang="en" mode="track"')}
         ${desk('id="desk-other" api="{{DESK}}/api/v1/" lang="en" category="defective-product"')}`,
      ),
      '/bad.html': {
        body: page(
          `${desk('id="no-api" lang="en"')}
           ${desk(`id="no-cors" api="${third}/api/v1/" lang="pl"`)}
           ${desk(`id="broken" api="${third}/broken/" lang="ko"`)}
           ${desk('id="odd-lang" api="{{DESK}}/api/v1/" lang="tlh" mode="sideways"')}`,
        ),
        policy: (origin) => hostPolicy(origin).replace('connect-src', `connect-src ${third}`),
      },
      '/empty.html': page('<h1>Single-page app</h1>'),
      // Two filing widgets the host gave one store.
      '/shared.html': page(
        `${desk('id="desk-a" name="orders" api="{{DESK}}/api/v1/" lang="en" category="delivery"')}
         ${desk('id="desk-b" name="orders" api="{{DESK}}/api/v1/" lang="en" category="delivery"')}`,
      ),
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
  await new Promise((resolve) => elsewhere?.close(resolve));
});

async function openShop(path, { crash = false } = {}) {
  const opened = await openPage(browser);
  await opened.page.addInitScript(instrumentHost);
  if (crash) await opened.page.addInitScript(() => localStorage.setItem('complaint-desk.crash-test', '1'));
  await opened.page.goto(shop.origin + path);
  return opened;
}

const host = (page) => page.evaluate(() => window.__host);
const unexpected = (problems) => problems.filter((p) => !p.includes('Failed to load resource') && !p.includes('CORS policy'));

/** What each widget store on the host's origin holds: database name → { drafts, outbox, sent } counts. */
function stores(page) {
  return page.evaluate(async () => {
    const found = {};
    for (const { name } of await indexedDB.databases()) {
      const db = await new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const count = (store) =>
        new Promise((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
        });
      const drafts = await count('drafts');
      found[name] = {
        drafts: drafts.filter((d) => d.description).map((d) => d.description),
        outbox: (await count('outbox')).length,
        sent: (await count('sent')).map((s) => s.reference),
      };
      db.close();
    }
    return found;
  });
}

test('widgets on one page keep separate stores; offline the complaint is queued and then delivered exactly once; axe finds nothing inside the shadow root', async () => {
  const { context, page, problems } = await openShop('/two.html');
  const file = page.locator('#desk-file');
  const track = page.locator('#desk-track');
  const other = page.locator('#desk-other');
  const axe = () => assertAccessible(page, { include: '#desk-file' });
  await file.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await axe();
  const filing = new Filing(file);
  await filing.continue();
  await filing.atStep(2);
  await axe();
  await filing.skipCommonAnswers();
  await axe();
  await filing.describe({ description: 'The parcel was left in the rain.', details: { 'Order number': 'AP-1' } });
  await axe();

  // A reload: only the widget it was typed in offers it back; the others' stores never had it.
  await page.reload();
  await file.getByRole('heading', { name: 'Continue your complaint?' }).waitFor();
  for (const [id, selector] of [['desk-track', track], ['desk-other', other]]) {
    await selector.getByRole('button', { name: /Make a complaint|Track a complaint/ }).first().dispatchEvent('click');
    await page.waitForFunction((id) => window.__host.events.some((e) => e.type === 'complaint:ready' && e.from === id), id);
  }
  await track.getByRole('button', { name: 'Make a complaint' }).click();
  await track.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await other.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  // Each widget has opened its own store by now (the one of the tracking widget too).
  await page.waitForFunction(async () => (await indexedDB.databases()).length === 3);
  const held = await stores(page);
  assert.deepEqual(held['complaint-desk.widget.file.delivery'].drafts, ['The parcel was left in the rain.']);
  assert.deepEqual(held['complaint-desk.widget.track'].drafts, [], 'the tracking widget has none of it');
  assert.deepEqual(held['complaint-desk.widget.file.defective-product'].drafts, [], 'nor the other filing widget');
  assert.equal(await track.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
  assert.equal(await other.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
  await axe();

  await file.getByRole('button', { name: 'Continue your complaint' }).click();
  await filing.atStep(4);
  await filing.chooseOutcome('Give me a refund');
  await axe();
  await filing.finishEvidence();
  await axe();
  await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
  await axe();

  // The host page goes offline at Send: queued, said in the box, and the host hears it.
  await context.setOffline(true);
  await filing.send();
  await file.getByRole('heading', { name: 'Waiting to send' }).waitFor();
  await page.waitForFunction(() => window.__host.events.some((e) => e.type === 'complaint:queued'));
  assert.equal(await intakeCount(), 0);
  await axe();
  // Back online: delivered by itself, once.
  await context.setOffline(false);
  await file.getByRole('heading', { name: 'Complaint received' }).waitFor();
  await axe();
  const seen = await host(page);
  const from = (id, type) => seen.events.filter((e) => e.from === id && e.type === type);
  assert.equal(from('desk-file', 'complaint:queued').length, 1);
  const submitted = from('desk-file', 'complaint:submitted');
  assert.equal(submitted.length, 1);
  const { reference } = submitted[0].detail;
  assert.match(reference, /^CMP-/);
  const [[count]] = await intake.rows(`select count(*) from complaints where reference = '${reference}'`);
  assert.equal(count, 1);
  assert.equal(await intakeCount(), 1, 'exactly one complaint reached the intake');
  assert.deepEqual(from('desk-track', 'complaint:submitted'), []);
  assert.deepEqual(from('desk-other', 'complaint:submitted'), []);

  // The tracker, in the filing widget, lists what it sent; the tracking widget's store has none of it.
  await file.getByRole('button', { name: 'Track your complaint' }).click();
  await file.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  await file.getByRole('heading', { name: 'Complaints sent from this device' }).waitFor();
  await axe();
  await assertAccessible(page, { include: '#desk-track' });
  const after = await stores(page);
  assert.deepEqual(after['complaint-desk.widget.file.delivery'], { drafts: [], outbox: 0, sent: [reference] });
  assert.deepEqual(after['complaint-desk.widget.track'].sent, []);
  assert.deepEqual(after['complaint-desk.widget.file.defective-product'].sent, []);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.violations, []);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('two filing widgets sharing a name share the store but never the draft: one taken up is not continued in the other', async () => {
  const { context, page, problems } = await openShop('/shared.html');
  const [a, b] = [page.locator('#desk-a'), page.locator('#desk-b')];
  await b.getByRole('button', { name: 'Make a complaint' }).dispatchEvent('click');
  const filing = new Filing(a);
  await a.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await filing.continue();
  await filing.atStep(2);
  await filing.skipCommonAnswers();
  await a.getByLabel('Describe what happened').fill('Two boxes of three arrived.');
  await page.waitForFunction(async () => {
    const db = await new Promise((resolve) => {
      const open = indexedDB.open('complaint-desk.widget.orders');
      open.onsuccess = () => resolve(open.result);
    });
    const drafts = await new Promise((resolve) => {
      const request = db.transaction('drafts').objectStore('drafts').getAll();
      request.onsuccess = () => resolve(request.result);
    });
    db.close();
    return drafts.some((d) => d.description === 'Two boxes of three arrived.');
  });
  await page.reload();
  // Both offer it (one store); once A has taken it up, B's offer only goes away.
  await a.getByRole('button', { name: 'Continue your complaint' }).click();
  await filing.atStep(3);
  await b.getByRole('button', { name: 'Continue your complaint' }).click();
  await b.getByRole('heading', { name: 'Continue your complaint?' }).waitFor({ state: 'detached' });
  await b.getByText('Step 1 of 7').waitFor();
  assert.equal(await a.locator('textarea').inputValue(), 'Two boxes of three arrived.');
  assert.equal(await b.locator('textarea').count(), 0, 'B is not on the draft');
  assert.deepEqual((await host(page)).errors, []);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

async function intakeCount() {
  const [[count]] = await intake.rows('select count(*) from complaints');
  return count;
}

test("bad input stays in the widget's box, in its language: no api, an API without CORS, a broken config, an unknown lang and mode", async () => {
  const { context, page } = await openShop('/bad.html');
  // No api: the desk's own, beside embed.js.
  await page.locator('#no-api').getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await page.locator('#no-cors').getByRole('heading', { name: 'Przepraszamy, nie możemy teraz otworzyć formularza' }).waitFor();
  await page.locator('#broken').getByRole('heading', { name: '죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다' }).waitFor();
  // An unknown language falls back to the browser's (en-GB), an unknown mode to the form.
  const odd = page.locator('#odd-lang');
  await odd.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  assert.equal(await odd.locator('.desk-widget__body').getAttribute('lang'), 'en');
  const seen = await host(page);
  const errors = seen.events.filter((e) => e.type === 'complaint:error').map((e) => [e.from, e.detail.code]).sort();
  assert.deepEqual(errors, [['broken', 'config_unavailable'], ['no-cors', 'config_unavailable']]);
  await assertAccessible(page, { include: '#no-cors' });
  assert.deepEqual(seen.errors, [], "nothing reached the host's window.onerror");
  assert.deepEqual(seen.violations, []);
  await context.close();
});

const mountOn = (page, attributes) =>
  page.evaluate((attributes) => {
    const element = document.createElement('complaint-desk');
    for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
    document.body.append(element);
  }, attributes);

async function untilCheckAnswers(filing, description) {
  await filing.continue();
  await filing.atStep(2);
  await filing.skipCommonAnswers();
  await filing.describe({ description, details: { 'Order number': 'AP-2' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Jan Kowalski', email: 'jan@example.pl' });
}

test('the host removes the widget mid-send: nothing thrown, nothing lost; mounted again it offers the complaint, which is sent once', async () => {
  const { context, page, problems } = await openShop('/empty.html');
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  const api = intake.origin + '/api/v1/';
  await mountOn(page, { id: 'desk', api, lang: 'en', category: 'delivery' });
  const filing = new Filing(page.locator('#desk'));
  await untilCheckAnswers(filing, 'The courier threw the box over the fence.');
  // The complaint's request is held at the network until the widget is gone, then the connection drops.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let dropped;
  const arrived = new Promise((resolve) => {
    dropped = page.route('**/complaints', async (route) => {
      resolve();
      await held;
      await route.abort('connectionreset');
    });
  });
  await filing.send();
  await arrived;
  await page.evaluate(() => document.getElementById('desk').remove());
  const gone = page.waitForEvent('requestfailed', (r) => r.url().endsWith('/complaints'));
  release();
  await gone;
  await dropped;
  await page.unroute('**/complaints');
  await mountOn(page, { id: 'desk', api, lang: 'en', category: 'delivery' });
  await page.locator('#desk').getByRole('button', { name: 'Continue your complaint' }).click();
  await page.locator('#desk').getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
  assert.match(await filing.answer('What happened'), /threw the box over the fence/);
  await filing.send();
  await page.locator('#desk').getByRole('heading', { name: 'Complaint received' }).waitFor();
  const [[count]] = await intake.rows("select count(*) from complaints where submission like '%over the fence%'");
  assert.equal(count, 1);
  const seen = await host(page);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("the tracker's status fetch is aborted when the host removes the widget", async () => {
  const { context, page, problems } = await openShop('/empty.html');
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  await mountOn(page, { id: 'desk', api: intake.origin + '/api/v1/', lang: 'en', mode: 'track' });
  const widget = page.locator('#desk');
  // The status file's answer never comes; only the page can end the request.
  let seen;
  const arrived = new Promise((resolve) => (seen = resolve));
  await page.route('**/status/**', (route) => seen(route));
  await widget.getByLabel('Complaint reference').fill('CMP-DEMO-0001');
  await widget.getByLabel('Email address or PIN').fill('demo@example.com');
  await widget.getByRole('button', { name: 'Find my complaint' }).click();
  const route = await arrived;
  const aborted = page.waitForEvent('requestfailed', (r) => r === route.request());
  await page.evaluate(() => document.getElementById('desk').remove());
  assert.match((await aborted).failure().errorText, /ABORTED/);
  assert.deepEqual((await host(page)).errors, []);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('attributes changed after mount: lang and mode apply in place, category suggests, api starts afresh with the draft offered back', async () => {
  const { context, page, problems } = await openShop('/empty.html');
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  const api = intake.origin + '/api/v1/';
  await mountOn(page, { id: 'desk', api, lang: 'en' });
  const widget = page.locator('#desk');
  const set = (name, value) => page.evaluate(([name, value]) => document.getElementById('desk').setAttribute(name, value), [name, value]);
  // category suggested after mount, while the customer has chosen none.
  await widget.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await set('category', 'delivery');
  await widget.getByRole('radio', { name: 'A delivery', checked: true }).waitFor();
  const filing = new Filing(widget);
  await filing.continue();
  await filing.atStep(2);
  await filing.skipCommonAnswers();
  await widget.getByLabel('Describe what happened').fill('Half the order is missing.');
  // lang: the same step, in Polish, with what was typed.
  await set('lang', 'pl');
  await widget.getByText('Krok 3 z 8').waitFor();
  assert.equal(await widget.locator('textarea').inputValue(), 'Half the order is missing.');
  assert.equal(await widget.locator('.desk-widget__body').getAttribute('lang'), 'pl');
  // mode: the tracker, and back to the form where it was.
  await set('mode', 'track');
  await widget.getByRole('heading', { name: 'Sprawdź status zgłoszenia' }).waitFor();
  await set('mode', 'file');
  await widget.getByText('Krok 3 z 8').waitFor();
  assert.equal(await widget.locator('textarea').inputValue(), 'Half the order is missing.');
  // api: another organisation's folder (here the same one again): the widget starts afresh, and offers
  // the draft back.
  await set('lang', 'en');
  await widget.getByText('Step 3 of 8').waitFor();
  await set('api', intake.origin + '/api/v1/?again');
  await widget.getByRole('button', { name: 'Continue your complaint' }).click();
  await filing.atStep(3);
  assert.equal(await widget.locator('textarea').inputValue(), 'Half the order is missing.');
  const seen = await host(page);
  assert.equal(seen.events.filter((e) => e.type === 'complaint:ready').length, 2);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("a panic inside the widget shows the calm message in its box and never reaches the host's window.onerror", async () => {
  const { context, page } = await openShop('/empty.html', { crash: true });
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  await mountOn(page, { id: 'desk', api: intake.origin + '/api/v1/', lang: 'en' });
  await page.locator('#desk').getByRole('alert').getByRole('heading', { name: 'Something went wrong' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Single-page app' }).count(), 1, "the host's page is its own");
  // The host can still remove it.
  await page.evaluate(() => document.getElementById('desk').remove());
  const seen = await host(page);
  assert.deepEqual(seen.errors, [], "nothing reached the host's window.onerror or unhandledrejection");
  await context.close();
});
