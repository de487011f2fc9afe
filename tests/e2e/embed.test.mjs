// The widget on another site (issue #11): a made-up shop's page on one loopback origin, under the strict
// Content-Security-Policy of the issue (scripts/shop-server.mjs), embedding <complaint-desk> from the real
// intake on a second origin, which serves the release build (dist/embed/v1/) and receives the complaint.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startShop } from '../../scripts/shop-server.mjs';
import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing, PNG_1x1 } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

let shop;
let intake;
let browser;

// What the host page sees, recorded from before any of its scripts run: CSP violations, the widget's events,
// uncaught errors, and (wrapped) the BroadcastChannels open and the timeouts pending on the page.
function instrumentHost() {
  const host = { violations: [], events: [], errors: [], channels: 0, timers: new Map() };
  window.__host = host;
  document.addEventListener('securitypolicyviolation', (e) => host.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  for (const type of ['complaint:ready', 'complaint:step', 'complaint:submitted', 'complaint:queued', 'complaint:error']) {
    document.addEventListener(type, (e) => host.events.push({ type: e.type, detail: e.detail, bubbles: e.bubbles, composed: e.composed }));
  }
  window.addEventListener('error', (e) => host.errors.push(String(e.message)));
  window.addEventListener('unhandledrejection', (e) => host.errors.push(String(e.reason)));
  const Native = window.BroadcastChannel;
  window.BroadcastChannel = class extends Native {
    constructor(name) {
      super(name);
      this.__open = true;
      host.channels += 1;
    }
    close() {
      if (this.__open) host.channels -= 1;
      this.__open = false;
      super.close();
    }
  };
  const [set, clear] = [window.setTimeout, window.clearTimeout];
  window.setTimeout = function (callback, ms, ...rest) {
    const id = set.call(window, (...args) => {
      host.timers.delete(id);
      if (typeof callback === 'function') callback(...args);
    }, ms, ...rest);
    host.timers.set(id, ms);
    return id;
  };
  window.clearTimeout = function (id) {
    host.timers.delete(id);
    return clear.call(window, id);
  };
}

const page = (body, { css = '', title = 'Report a problem – Test shop' } = {}) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
${css ? `<link rel="stylesheet" href="${css}">` : ''}
<script type="module" src="{{DESK}}/embed/v1/embed.js"></script>
<script type="module" src="/shop.js"></script></head>
<body>${body}</body></html>`;

before(async () => {
  shop = await startShop({
    extra: {
      // The widget far below the fold: the Wasm must wait until it is needed.
      '/tall.html': page(
        `<h1>Report a problem</h1><p class="tall">Read this first.</p>
         <complaint-desk api="{{DESK}}/api/v1/" lang="en" category="delivery"></complaint-desk>
         <p id="thanks" hidden></p>`,
        { css: '/tall.css' },
      ),
      '/tall.css': '.tall { height: 300vh; }',
      // The issue's hostile stylesheet. No <div> of the host's wraps the widget (the host hides its own divs).
      '/hostile.html': page(
        `<section><complaint-desk api="{{DESK}}/api/v1/" lang="en"></complaint-desk></section>
         <div id="host-div">The host's own div</div><p id="thanks" hidden></p>`,
        { css: '/hostile.css' },
      ),
      '/hostile.css': '* { all: unset !important } div { display: none } button { font-size: 4px } :root { --complaint-accent: red }',
      // Bad input: a category the organisation does not offer, and an API folder that does not exist.
      '/odd.html': page(
        `<section><complaint-desk id="odd-category" api="{{DESK}}/api/v1/" lang="pl" category="no-such-thing"></complaint-desk></section>
         <section><complaint-desk id="odd-api" api="{{DESK}}/nowhere/" lang="ko"></complaint-desk></section>
         <section><complaint-desk id="odd-lang" api="{{DESK}}/api/v1/" lang="tlh"></complaint-desk></section>`,
      ),
      '/empty.html': page('<h1>Single-page app</h1><p id="thanks" hidden></p>'),
      // A host whose style-src does not list the desk.
      '/own-styles.html': {
        body: page('<h1>Our styles only</h1>'),
        policy: (desk) =>
          `default-src 'self'; script-src 'self' ${desk} 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self' ${desk}; img-src 'self' blob: data:`,
      },
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

async function openShop(path) {
  const opened = await openPage(browser);
  await opened.page.addInitScript(instrumentHost);
  const requests = [];
  opened.page.on('request', (r) => requests.push(r.url()));
  await opened.page.goto(shop.origin + path);
  return { ...opened, requests };
}

const host = (page) => page.evaluate(() => ({ ...window.__host, timers: window.__host.timers.size }));

test('a complaint with a photo is filed inside the widget under the host CSP; the host hears the reference and nothing of its page changes', async () => {
  const { context, page, problems, requests } = await openShop('/tall.html');
  const before = await page.evaluate(() => ({ href: location.href, history: history.length, title: document.title, lang: document.documentElement.lang }));
  const start = page.getByRole('button', { name: 'Make a complaint' });
  await start.waitFor();
  // The host's load does not pay for the widget: embed.js is there, its Wasm is not, until it is needed.
  assert.ok(requests.some((u) => u.endsWith('/embed/v1/embed.js')));
  assert.equal(requests.filter((u) => u.endsWith('.wasm')).length, 0, 'no Wasm before the widget is needed');
  // Pressed where it is, without scrolling it into view: the button alone starts the widget.
  await start.dispatchEvent('click');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  assert.ok(requests.some((u) => u.startsWith(intake.origin + '/embed/v1/') && u.endsWith('.wasm')), 'the Wasm beside embed.js');
  // A widget in file mode has the form's module only: the tracker's comes when tracking is opened.
  const trackerWasm = () => requests.filter((u) => /\/embed\/v1\/complaint-tracker-[0-9a-f]+_bg\.wasm$/.test(u));
  assert.deepEqual(trackerWasm(), [], "no tracker's module in file mode");
  // The host page owns its h1: the widget's question is an h2 under it.
  await page.getByRole('heading', { level: 2, name: 'What is your complaint about?' }).waitFor();
  assert.equal(await page.locator('complaint-desk').getByRole('heading', { level: 1 }).count(), 0, 'no h1 inside the widget');

  // category="delivery" comes chosen.
  assert.equal(await page.getByRole('radio', { name: 'A delivery' }).isChecked(), true);
  const filing = new Filing(page);
  await filing.continue();
  await filing.atStep(2);
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The tent arrived with a torn flysheet.', details: { 'Order number': 'AP-20931' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.addFiles([{ name: 'flysheet.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  const thumb = page.locator('img.attachment__thumb');
  await thumb.waitFor();
  await page.waitForFunction(() => document.querySelector('complaint-desk').shadowRoot.querySelector('img.attachment__thumb')?.complete);
  assert.ok((await thumb.evaluate((img) => img.naturalWidth)) > 0, 'the blob: preview loaded under img-src');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();

  // Tracking opens inside the widget, not at an address of the host's, and finds what the intake published.
  assert.deepEqual(trackerWasm(), [], "no tracker's module while filing");
  await page.getByRole('button', { name: 'Track your complaint' }).click();
  await page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  assert.equal(trackerWasm().length, 1, "the tracker's module, once tracking is opened");
  await page.getByText('Where it stands: Registration').waitFor();

  // The host's own script (shop.js) heard the reference.
  await page.locator('#thanks', { hasText: reference }).waitFor();
  const seen = await host(page);
  const of = (type) => seen.events.filter((e) => e.type === type);
  assert.equal(of('complaint:ready').length, 1);
  assert.deepEqual(of('complaint:step').map((e) => e.detail), [
    { step: 'common_answers' }, { step: 'what_happened' }, { step: 'outcome' }, { step: 'evidence' }, { step: 'contact' },
    // A delivery's deadlines depend on where the customer lives (the demo's Polish rules): asked.
    { step: 'residence' }, { step: 'check_answers' },
  ]);
  assert.deepEqual(of('complaint:submitted').map((e) => e.detail), [{ reference }]);
  assert.ok(seen.events.every((e) => e.bubbles && e.composed), 'bubbling, composed events');
  assert.deepEqual(of('complaint:error'), []);

  // The intake has it, with the photo.
  const [[count]] = await intake.rows(
    `select count(*) from attachments a join complaints c on c.id = a.complaint_id where c.reference = '${reference}'`,
  );
  assert.equal(count, 1);

  assert.deepEqual(seen.violations, [], 'no securitypolicyviolation on the host');
  assert.deepEqual(seen.errors, [], 'nothing thrown at the host');
  const now = await page.evaluate(() => ({ href: location.href, history: history.length, title: document.title, lang: document.documentElement.lang }));
  assert.deepEqual(now, before, "the host's address, history, title and language are untouched");
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test("a hostile host stylesheet leaves the widget usable; only the documented custom property reaches in", async () => {
  const { context, page, problems } = await openShop('/hostile.html');
  // The hostile sheet is really applied to the host's page (`all: unset !important` makes its div inline).
  await page.waitForFunction(() => getComputedStyle(document.getElementById('host-div')).display === 'inline');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  const proceed = page.getByRole('button', { name: 'Continue', exact: true });
  const look = await proceed.evaluate((b) => {
    const s = getComputedStyle(b);
    return { fontSize: parseFloat(s.fontSize), background: s.backgroundColor, display: s.display };
  });
  assert.ok(look.fontSize >= 14, `Continue is readable (${look.fontSize}px)`);
  assert.equal(look.background, 'rgb(255, 0, 0)', '--complaint-accent from the host applies');
  assert.notEqual(look.display, 'none');
  const box = await page.locator('complaint-desk').boundingBox();
  assert.ok(box && box.height > 200, 'the widget has its size');
  await page.getByRole('radio', { name: 'Something else' }).check();
  await new Filing(page).continue();
  await new Filing(page).atStep(2);
  assert.deepEqual((await host(page)).violations, []);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test("bad attributes get a clear message in the widget's own language, inside its box, and nothing thrown at the host", async () => {
  const { context, page } = await openShop('/odd.html');
  const odd = page.locator('#odd-category');
  await odd.getByRole('group', { name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
  await odd.getByText('Strona, z której przychodzisz, wskazała rodzaj zgłoszenia, którego nie mamy na liście.', { exact: false }).waitFor();
  assert.equal(await odd.getByRole('radio', { checked: true }).count(), 0, 'nothing chosen for the customer');
  const wrongApi = page.locator('#odd-api');
  await wrongApi.getByRole('heading', { name: '죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다' }).waitFor();
  const seen = await host(page);
  assert.deepEqual(
    seen.events.filter((e) => e.type === 'complaint:error').map((e) => e.detail),
    [{ code: 'config_unavailable' }],
  );
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', "the host's <html lang> is its own");
  assert.equal(await odd.locator('.desk-widget__body').getAttribute('lang'), 'pl');
  // A language we do not offer: the browser's (English here), said so inside the widget.
  const oddLang = page.locator('#odd-lang');
  await oddLang.getByText('This form is not available in the language this page asked for.').waitFor();
  await oddLang.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  assert.equal(await oddLang.locator('.desk-widget__body').getAttribute('lang'), 'en');
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.violations, []);
  await context.close();
});

test('a widget removed while an answer waits to be saved keeps it, and offers it back when mounted again', async () => {
  const { context, page, problems } = await openShop('/empty.html');
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  const mount = (api) =>
    page.evaluate((api) => {
      const desk = document.createElement('complaint-desk');
      desk.setAttribute('api', api);
      desk.setAttribute('lang', 'en');
      document.body.append(desk);
    }, api);
  await mount(intake.origin + '/api/v1/');
  await page.getByRole('radio', { name: 'A delivery' }).check();
  // Removed within the 250 ms the save waits for a pause in typing.
  await page.waitForFunction(() => [...window.__host.timers.values()].includes(250));
  await page.evaluate(() => document.querySelector('complaint-desk').remove());
  const copy = await page.evaluate(() => JSON.parse(localStorage.getItem('complaint-desk.widget.file.unsaved-draft') ?? 'null'));
  assert.equal(copy?.category, 'delivery', 'the waiting answer went to the synchronous copy');
  await mount(intake.origin + '/api/v1/');
  await page.getByRole('heading', { name: 'Continue your complaint?' }).waitFor();
  await page.getByRole('button', { name: 'Continue your complaint' }).click();
  await page.getByRole('radio', { name: 'A delivery', checked: true }).waitFor();
  assert.deepEqual((await host(page)).errors, []);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('100 mounts and unmounts by a single-page host leave listeners, BroadcastChannels, timers and memory as they were', async () => {
  const { context, page, problems } = await openShop('/empty.html');
  await page.waitForFunction(() => customElements.get('complaint-desk'));
  const cdp = await context.newCDPSession(page);
  const listeners = async (expression) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { listeners: found } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
    return found.length;
  };
  const counts = async () => ({ window: await listeners('window'), document: await listeners('document'), channels: (await host(page)).channels });
  // One cycle: mounted, config loaded, the form on screen, one answer given (its save waits 250 ms for the
  // pause in typing), then removed while that save is still waiting. Returns, per cycle, whether the save was
  // waiting before the removal and whether it still was after.
  const cycles = (n, api) =>
    page.evaluate(
      async ({ n, api }) => {
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        const debouncing = () => [...window.__host.timers.values()].filter((ms) => ms === 250).length;
        const seen = [];
        for (let i = 0; i < n; i++) {
          const desk = document.createElement('complaint-desk');
          desk.setAttribute('api', api);
          desk.setAttribute('lang', 'en');
          const ready = new Promise((resolve) => desk.addEventListener('complaint:ready', resolve, { once: true }));
          document.body.append(desk);
          await ready;
          let radio;
          while (!(radio = desk.shadowRoot.querySelector('input[type=radio]'))) await frame();
          radio.click();
          while (!debouncing()) await frame();
          const waiting = debouncing();
          desk.remove();
          seen.push([waiting, debouncing()]);
        }
        return seen;
      },
      { n, api },
    );
  const api = intake.origin + '/api/v1/';
  // The first mount loads the module (its one-time setup is not growth); the baseline is taken after it.
  await cycles(1, api);
  await page.waitForFunction(() => window.__host.timers.size === 0);
  const start = await counts();
  assert.equal(start.channels, 0, 'an unmounted widget holds no channel');
  // Memory after a garbage collection: DOM nodes (a widget's shadow tree kept alive by a leaked listener or
  // closure counts here) and the JS heap. Measured after 50 cycles and again after 50 more, so that one-time
  // growth (module caches, the first store) is behind us and only growth per cycle would show.
  const memory = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { nodes } = await cdp.send('Memory.getDOMCounters');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return { nodes, heap: usedSize };
  };
  const saves = [...(await cycles(50, api))];
  await page.waitForFunction(() => window.__host.timers.size === 0, null, { timeout: 10_000 });
  const half = await memory();
  saves.push(...(await cycles(50, api)));
  assert.deepEqual(saves, Array(100).fill([1, 0]), 'each waiting save is cancelled with its widget');
  // Timers still pending from the last cycles (a store open's time limit) run out; a leaked one would not.
  await page.waitForFunction(() => window.__host.timers.size === 0, null, { timeout: 10_000 });
  assert.deepEqual(await counts(), start);
  const end = await memory();
  // One widget's tree is a few hundred nodes: fifty kept alive would be thousands.
  assert.ok(end.nodes - half.nodes < 200, `DOM nodes grew from ${half.nodes} to ${end.nodes} over 50 cycles`);
  assert.ok(end.heap - half.heap < 1024 * 1024, `JS heap grew by ${end.heap - half.heap} bytes over 50 cycles`);
  const seen = await host(page);
  assert.equal(seen.events.filter((e) => e.type === 'complaint:ready').length, 101);
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

// Styles a shadow root three ways on a shop page and reports what applied: a constructed sheet from the
// fetched CSS file, a <link> to it, and an inline <style>.
async function measureStyles(path) {
  const { context, page } = await openShop(path);
  const embedDir = fileURLToPath(new URL('../../dist/embed/v1/', import.meta.url));
  const css = readdirSync(embedDir).find((f) => /^main-.*\.css$/.test(f));
  const href = `${intake.origin}/embed/v1/${css}`;
  const result = await page.evaluate(async (href) => {
    const applied = (root) => getComputedStyle(root.querySelector('.button')).backgroundColor;
    const shadowWith = () => {
      const el = document.createElement('section');
      document.body.append(el);
      const root = el.attachShadow({ mode: 'open' });
      root.innerHTML = '<div class="desk-widget"><button class="button">x</button></div>';
      return root;
    };
    const adopted = shadowWith();
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(await (await fetch(href)).text());
    adopted.adoptedStyleSheets = [sheet];
    const linked = shadowWith();
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = href;
    const loaded = new Promise((resolve) => {
      link.onload = () => resolve('load');
      link.onerror = () => resolve('error');
    });
    linked.append(link);
    const inline = shadowWith();
    const violated = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true }));
    const style = document.createElement('style');
    style.textContent = '.button { background-color: rgb(1, 2, 3); }';
    inline.append(style);
    return {
      adopted: applied(adopted),
      link: [await loaded, applied(linked)],
      inline: [await violated, applied(inline)],
    };
  }, href);
  await context.close();
  return result;
}

test('measured under the host CSP: a constructed sheet and a <link> to the desk both style a shadow root; an inline <style> is blocked', async () => {
  const result = await measureStyles('/empty.html');
  console.log('stylesheet in a shadow root under the host CSP:', JSON.stringify(result));
  assert.equal(result.adopted, 'rgb(0, 112, 60)', 'the constructed sheet applies');
  assert.deepEqual(result.link, ['load', 'rgb(0, 112, 60)'], 'the <link> applies (style-src lists the desk)');
  assert.equal(result.inline[0], 'style-src-elem', 'an inline <style> is refused');
  assert.notEqual(result.inline[1], 'rgb(1, 2, 3)');
});

test("measured under a host whose style-src lists only itself: the constructed sheet still applies, the <link> is refused", async () => {
  const result = await measureStyles('/own-styles.html');
  console.log("stylesheet in a shadow root under style-src 'self':", JSON.stringify(result));
  assert.equal(result.adopted, 'rgb(0, 112, 60)', 'the constructed sheet applies');
  assert.equal(result.link[0], 'error', 'the <link> to the desk is refused');
  assert.notEqual(result.link[1], 'rgb(0, 112, 60)');
});
