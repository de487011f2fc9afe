// The app as a customer meets it: the release build, served on loopback, in Chromium at phone size.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { assertAccessible } from './support/a11y.mjs';
import { useServerAndBrowser } from './support/harness.mjs';
import { DESKTOP, openPage } from './support/browser.mjs';

let session;

const env = useServerAndBrowser();

afterEach(async () => {
  env.server.reset();
  await session?.context.close();
  session = undefined;
});

async function open(path, options) {
  session = await openPage(env.browser, options);
  await session.page.goto(env.server.origin + path);
  return session.page;
}

function assertNoProblems() {
  assert.deepEqual(session.problems, [], 'the page logged errors');
}

describe('filing at phone size', () => {
  test('the first step is a labelled radio group; Continue without an answer shows a focused error summary', async () => {
    const page = await open('/');
    // The step's question is the page's one h1, and the document's title names it first.
    await page.getByRole('heading', { level: 1, name: 'What is your complaint about?' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'one h1');
    assert.equal(await page.title(), 'What is your complaint about? – Make a complaint – Complaint desk');
    const group = page.getByRole('group', { name: 'What is your complaint about?' });
    await group.waitFor();
    assert.equal(await page.getByText('Step 1 of 7').count(), 1);
    assert.equal(await group.getByRole('radio').count(), 5);

    await page.getByRole('button', { name: 'Continue' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await summary.evaluate((el) => el === document.activeElement), true, 'summary is focused');
    await summary.getByRole('link', { name: 'Select what your complaint is about' }).click();
    const firstRadio = page.getByRole('radio', { name: 'A faulty or damaged product' });
    assert.equal(await firstRadio.evaluate((el) => el === document.activeElement), true, 'link focuses the field');

    await page.getByRole('radio', { name: 'My gaming account' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Step 2 of 7').waitFor();
    await page.getByRole('heading', { level: 1, name: 'Common answers to problems like yours' }).waitFor();
    assert.equal(
      await page.getByRole('heading', { name: 'Common answers to problems like yours' }).evaluate((el) => el === document.activeElement),
      true,
      "the new step's heading takes focus",
    );
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'one h1');
    assert.equal(await page.title(), 'Common answers to problems like yours – Make a complaint – Complaint desk');

    await page.getByRole('button', { name: 'Back' }).click();
    await group.waitFor();
    assert.equal(await page.getByRole('radio', { name: 'My gaming account' }).isChecked(), true, 'answer kept');
    assertNoProblems();
  });

  test('the page passes axe WCAG 2.2 AA checks with and without errors', async () => {
    const page = await open('/');
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').first().waitFor();
    await assertAccessible(page);
    assertNoProblems();
  });

  test('switching language translates the page, sets <html lang> and is remembered', async () => {
    const page = await open('/');
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('heading', { level: 1, name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.getByRole('group', { name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.getByRole('radio', { name: 'Wadliwy lub uszkodzony produkt' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'pl');
    // Polish keeps a one-letter word with the next one: "i\u00a0skargi".
    await page.waitForFunction(() => document.title === 'Czego dotyczy Twoje zgłoszenie? – Złóż zgłoszenie – Reklamacje i\u00a0skargi');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.getByLabel('Język').selectOption('ko');
    await page.getByRole('heading', { level: 1, name: '어떤 문제로 불만을 접수하시나요?' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    // An explicit choice outranks a link's ?lang=.
    await page.goto(env.server.origin + '/?lang=pl');
    await page.getByRole('heading', { level: 1, name: '어떤 문제로 불만을 접수하시나요?' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'ko');
    assertNoProblems();
  });

  test('a ?lang= we do not offer falls back to the browser\'s language and says so', async () => {
    const page = await open('/?lang=de', { locale: 'pl-PL' });
    await page.getByRole('heading', { level: 1, name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.getByText('Ta strona nie jest dostępna w języku wskazanym w linku.').waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'pl');
    assertNoProblems();
  });

  test("the browser's preferred language is used on a first visit", async () => {
    const page = await open('/', { locale: 'pl-PL' });
    await page.getByRole('heading', { level: 1, name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    assertNoProblems();
  });

  test('the static shell is the first step, identical to the app\'s first frame, and nothing shifts when the app replaces it', async () => {
    // Long enough that a busy machine still paints the shell well before the module arrives.
    env.server.slow(/\.wasm$/, 3000);
    session = await openPage(env.browser);
    const { page } = session;
    await page.goto(env.server.origin + '/', { waitUntil: 'commit' });
    // While the module is still on its way, the shell already asks the first question.
    const group = page.getByRole('group', { name: 'What is your complaint about?' });
    await group.waitFor({ timeout: 2500 });
    const inShell = () => page.evaluate(() => document.querySelector('[data-complaint-desk-shell]') !== null);
    assert.equal(await inShell(), true, 'the app has not mounted yet');
    assert.equal(await group.getByRole('radio').count(), 5);
    assert.equal(await page.getByText('Step 1 of 7').count(), 1);
    const footer = page.getByRole('contentinfo');
    assert.equal(await footer.getByRole('link', { name: 'complaints@northwind.example' }).getAttribute('href'), 'mailto:complaints@northwind.example');
    assert.equal(await footer.getByRole('link', { name: '+44 20 7946 0000' }).getAttribute('href'), 'tel:+442079460000');
    const boxes = () =>
      page.evaluate(() =>
        ['header', 'h1', 'nav', '.step-progress', 'fieldset', 'legend', '.radio:last-of-type', 'form .button', 'footer'].map((sel) => {
          const r = document.querySelector(sel)?.getBoundingClientRect();
          // The footer grows below its first lines when the app adds its button: its top must stay.
          return r && { sel, top: Math.round(r.top), height: sel === 'footer' ? null : Math.round(r.height) };
        }),
      );
    // The app's markup without its placeholder comments; the shell's differs only where it must: its
    // language picker waits for the app, its form carries the waiting text, its footer has no button yet.
    const markup = () =>
      page.evaluate(() => {
        const copy = document.getElementById('app').cloneNode(true);
        const strip = (node) => {
          for (const child of [...node.childNodes]) {
            if (child.nodeType === Node.COMMENT_NODE) child.remove();
            else if (child.nodeType === Node.TEXT_NODE && !child.data.trim()) child.remove();
            else strip(child);
          }
        };
        strip(copy);
        copy.querySelector('#language')?.removeAttribute('disabled');
        copy.querySelector('form')?.removeAttribute('data-waiting');
        copy.querySelectorAll('noscript, footer button, footer [role=status]').forEach((n) => n.remove());
        return copy.innerHTML;
      });
    // Measured once the stylesheet applies (on a busy machine the heading can show before it does).
    await page.waitForFunction(() => [...document.styleSheets].some((sheet) => sheet.href?.includes('/main-')));
    assert.equal(await inShell(), true, 'still the shell');
    const beforeMount = await boxes();
    const shellMarkup = await markup();
    const shellTitle = await page.title();
    assert.equal(shellTitle, 'What is your complaint about? – Make a complaint – Complaint desk', "the shell's title names the question");
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, "the shell's one h1 is the question");
    await page.waitForFunction(() => document.querySelector('[data-complaint-desk-shell]') === null);
    assert.equal(await markup(), shellMarkup, "the shell's markup is the app's first frame");
    assert.equal(await page.title(), shellTitle, "the app keeps the shell's title");
    // Replaced nodes do not count as layout shifts in the browser's own metric, so compare the boxes.
    assert.deepEqual(await boxes(), beforeMount, 'the page stays where the shell put it');
    const shift = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let total = 0;
          new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
          }).observe({ type: 'layout-shift', buffered: true });
          setTimeout(() => resolve(total), 300);
        }),
    );
    assert.ok(shift < 0.01, `cumulative layout shift ${shift} should be ~0`);
    assertNoProblems();
  });

  test('an answer and a Continue given in the shell before the Wasm arrives wait visibly and are kept', async () => {
    env.server.slow(/\.wasm$/, 3000);
    session = await openPage(env.browser);
    const { page } = session;
    await page.goto(env.server.origin + '/', { waitUntil: 'commit' });
    await page.getByRole('radio', { name: 'A delivery' }).check({ timeout: 2500 });
    await page.getByRole('button', { name: 'Continue' }).click();
    // The tap is held and said so, in the shell, while the module is still on its way.
    await page.getByRole('status').filter({ hasText: 'One moment: the next step is opening.' }).waitFor();
    assert.equal(await page.evaluate(() => document.querySelector('[data-complaint-desk-shell]') !== null), true, 'still the shell');
    assert.equal(await page.getByRole('button', { name: 'Continue' }).getAttribute('aria-disabled'), 'true');
    // The app takes the answer and the tap: the next step, the choice kept behind Back.
    await page.getByText('Step 2 of 8').waitFor();
    await page.getByRole('heading', { name: 'Common answers to problems like yours' }).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    assert.equal(await page.getByRole('radio', { name: 'A delivery' }).isChecked(), true, 'the answer is kept');
    assertNoProblems();
  });

  test('a Continue in the shell with nothing chosen shows the app\'s error once it runs', async () => {
    env.server.slow(/\.wasm$/, 1500);
    session = await openPage(env.browser);
    const { page } = session;
    await page.goto(env.server.origin + '/', { waitUntil: 'commit' });
    await page.getByRole('button', { name: 'Continue' }).click({ timeout: 2500 });
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await page.getByText('Step 1 of 7').count(), 1);
    assertNoProblems();
  });
});

describe('tracking and navigation', () => {
  test('the form and the tracker are two Wasm modules: each page asks only for its own, a link between them is a page load in the same language, Back and Forward work, the current page is marked', async () => {
    session = await openPage(env.browser);
    const { page } = session;
    // The modules the page itself asks for (the service worker's precache of every file is not the page's).
    const modules = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('_bg.wasm')) modules.push(path);
    });
    await page.goto(env.server.origin + '/?lang=pl');
    const nav = page.getByRole('navigation', { name: 'Menu główne' });
    await page.getByRole('group', { name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-complaint-desk-shell]') === null);
    assert.equal(await nav.getByRole('link', { name: 'Złóż zgłoszenie' }).getAttribute('aria-current'), 'page');
    assert.equal(modules.length, 1, `${modules}`);
    assert.match(modules[0], /^\/complaint-desk-[0-9a-f]{12,16}_bg\.wasm$/);
    assert.ok(!modules.some((path) => path.includes('complaint-tracker')), "the filing page does not load the tracker's module");

    await page.evaluate(() => (window.__samePage = true));
    await nav.getByRole('link', { name: 'Sprawdź status' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sprawdź status zgłoszenia' }).waitFor();
    assert.equal(new URL(page.url()).search, '?lang=pl', 'the language named in the address goes with the customer');
    assert.equal(await page.evaluate(() => window.__samePage), undefined, 'a page load');
    assert.match(modules.at(-1), /^\/complaint-tracker-[0-9a-f]{12,16}_bg\.wasm$/);
    assert.equal(await nav.getByRole('link', { name: 'Sprawdź status' }).getAttribute('aria-current'), 'page');
    assert.equal(await nav.getByRole('link', { name: 'Złóż zgłoszenie' }).getAttribute('aria-current'), null);

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Sprawdź status zgłoszenia' }).waitFor();
    assertNoProblems();
  });

  test('the Track link opens the lookup form, which asks for both parts', async () => {
    const page = await open('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Track a complaint' }).click();
    await page.getByRole('heading', { level: 1, name: 'Track your complaint' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/track');
    await page.getByRole('button', { name: 'Find my complaint' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: 'Enter your complaint reference' }).waitFor();
    await summary.getByRole('link', { name: 'Enter the email address or PIN you gave us' }).waitFor();
    await assertAccessible(page);

    await page.getByLabel('Complaint reference').fill('CMP-7K4Q-2M9X');
    await page.getByLabel('Email address or PIN').fill('1234');
    await page.getByRole('button', { name: 'Find my complaint' }).click();
    await page.getByRole('alert').filter({ hasText: 'We could not find a complaint with those details' }).waitFor();
    assert.equal(await summary.count(), 0);
    // The browser notes the 404 of the status file it looked for; nothing else may go wrong.
    assert.deepEqual(session.problems.filter((p) => !p.includes('Failed to load resource')), []);
  });

  test('a deep link to /track with ?ref= prefills the reference', async () => {
    const page = await open('/track?ref=CMP-7K4Q-2M9X');
    await page.getByRole('heading', { level: 1, name: 'Track your complaint' }).waitFor();
    assert.equal(await page.getByLabel('Complaint reference').inputValue(), 'CMP-7K4Q-2M9X');
    assertNoProblems();
  });

  test('an unknown address shows a not-found page with a way back', async () => {
    const page = await open('/no/such/page');
    await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Go to the complaint form' }).click();
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    assertNoProblems();
  });

  test('at desktop width the form works the same', async () => {
    const page = await open('/', { viewport: DESKTOP });
    await page.getByRole('radio', { name: 'A delivery' }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Step 2 of 8').waitFor();
    const width = await page.locator('main').evaluate((el) => el.getBoundingClientRect().width);
    assert.ok(width <= 700, `the reading column stays narrow on a wide screen (${width}px)`);
    assertNoProblems();
  });
});

describe('bad input and failures', () => {
  test('a malformed config shows a clear, localised error screen, and Try again recovers', async () => {
    env.server.override('/api/v1/config.json', { body: '{"schema_version": 1, "categories": [' });
    const page = await open('/?lang=ko');
    const alert = page.getByRole('alert');
    await alert.getByRole('heading', { name: '죄송합니다. 지금은 불만 접수 양식을 열 수 없습니다' }).waitFor();
    await alert.getByText('불만 접수 양식의 설정 정보를 읽을 수 없습니다.').waitFor();
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, 'the page keeps its heading');

    env.server.override('/api/v1/config.json', null);
    await page.getByRole('button', { name: '다시 시도' }).click();
    await page.getByRole('group', { name: '어떤 문제로 불만을 접수하시나요?' }).waitFor();
    assertNoProblems();
  });

  test('a config with an unknown category kind names the problem on the console, never on the screen', async () => {
    env.server.override('/api/v1/config.json', {
      body: JSON.stringify({
        schema_version: 1,
        organisation: { name: { en: 'Test' } },
        categories: [{ id: 'x', kind: 'time_travel', label: { en: 'X' } }],
      }),
    });
    session = await openPage(env.browser);
    const page = session.page;
    const warned = new Promise((resolve) => {
      page.on('console', (msg) => {
        if (msg.type() === 'warning' && msg.text().includes('time_travel')) resolve(msg.text());
      });
    });
    await page.goto(env.server.origin + '/');
    await page.getByText('could not be read').waitFor();
    await warned;
    assert.equal(await page.getByText(/time_travel/).count(), 0, 'no raw technical text on screen');
    assertNoProblems();
  });

  test('an untranslated category label or hint falls back on its own, marked as shown in English', async () => {
    const config = JSON.parse(readFileSync(new URL('../../public/api/v1/config.json', import.meta.url), 'utf8'));
    // The first category's label is untranslated but its hint is; the second's the other way round.
    delete config.categories[0].label.ko;
    delete config.categories[1].hint.ko;
    env.server.override('/api/v1/config.json', { body: JSON.stringify(config) });
    const page = await open('/?lang=ko');
    const radio = page.getByRole('radio', { name: 'A faulty or damaged product' });
    await radio.waitFor();
    const first = page.locator('.radio').first();
    assert.equal(await first.locator('label [lang="en"]').textContent(), 'A faulty or damaged product');
    assert.equal(await first.locator('label').textContent(), 'A faulty or damaged product (영어 원문)');
    // Its hint has Korean: shown in Korean, with no lang or note of its own.
    assert.equal(await first.locator('.radio__hint').textContent(), config.categories[0].hint.ko);
    assert.equal(await first.locator('.radio__hint [lang]').count(), 0);
    const second = page.locator('.radio').nth(1);
    assert.equal(await second.locator('label').textContent(), config.categories[1].label.ko);
    assert.equal(await second.locator('label [lang]').count(), 0);
    assert.equal(await second.locator('.radio__hint [lang="en"]').textContent(), config.categories[1].hint.en);
    assert.equal(await second.locator('.radio__hint').textContent(), `${config.categories[1].hint.en} (영어 원문)`);
    // The translated ones carry no lang of their own: they are in the page's language.
    assert.equal(await page.locator('label', { hasText: '배송' }).locator('[lang]').count(), 0);
    assertNoProblems();
  });

  test('a missing config says the settings were not found', async () => {
    env.server.override('/api/v1/config.json', { status: 404, body: 'not found', type: 'text/plain' });
    const page = await open('/');
    await page.getByRole('alert').getByText("The organisation's settings for this form could not be found.").waitFor();
    // The browser itself reports the failed fetch on the console; nothing else may appear.
    assert.deepEqual(session.problems.filter((p) => !p.includes('404')), []);
  });

  test('a panic shows "something went wrong, your draft is safe" instead of a blank page', async () => {
    session = await openPage(env.browser);
    await session.context.addInitScript(() => localStorage.setItem('complaint-desk.crash-test', '1'));
    await session.page.goto(env.server.origin + '/?lang=pl');
    const page = session.page;
    const alert = page.getByRole('alert');
    await alert.getByRole('heading', { name: 'Coś poszło nie tak' }).waitFor();
    await alert.getByText('Twój szkic jest bezpiecznie zapisany na tym urządzeniu.', { exact: false }).waitFor();
    await alert.getByRole('link', { name: 'Odśwież stronę' }).waitFor();
    assert.ok(session.problems.some((p) => p.includes('crash test requested')), 'the panic is logged');
  });

  test('an address cannot make the page crash, and the reload link stays on this site', async () => {
    const page = await open('/?crash-test');
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Something went wrong' }).count(), 0);
    session = await openPage(env.browser);
    await session.context.addInitScript(() => localStorage.setItem('complaint-desk.crash-test', '1'));
    await session.page.goto(env.server.origin + '//evil.example/x');
    const reload = session.page.getByRole('link', { name: 'Reload the page' });
    await reload.waitFor();
    assert.equal(await reload.getAttribute('href'), '/evil.example/x');
  });
});

test('the release build is what is served, with the right type for the Wasm module', async () => {
  const html = await (await fetch(env.server.origin + '/')).text();
  const wasm = html.match(/[\w-]+_bg\.wasm/);
  assert.ok(wasm, 'the shell preloads a Wasm module');
  const res = await fetch(`${env.server.origin}/${wasm[0]}`);
  assert.equal(res.headers.get('content-type'), 'application/wasm');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x61, 0x73, 0x6d], 'a Wasm module');
  // A debug build is several megabytes; the size-tuned, wasm-opt'd release build is a fraction of one.
  assert.ok(bytes.length < 1_500_000, `release-sized module (${bytes.length} bytes)`);
});
