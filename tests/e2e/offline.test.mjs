// Installable, and instant after one visit: the web app manifest Chromium installs from, and the app opening
// with no network after ONE online visit, then a next visit whose shell never touches the network. Served
// both by the loopback test server and by the reference intake as the README's demo runs it (with
// --allow-origin, so it varies the answers other sites may read on Origin).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { launchBrowser, launchProfile, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';
import { DIST, contentSecurityPolicy, startServer } from './support/server.mjs';

/** Each server as the tests need it: its origin, the paths it has received so far, and a way to stop. */
const SERVERS = {
  'the test server': async () => {
    const server = await startServer();
    server.intake();
    return { origin: server.origin, received: () => server.requests.map((r) => r.path), stop: () => server.close() };
  },
  'the reference intake': async () => {
    const intake = await startIntake({ args: ['--allow-origin', 'http://127.0.0.1:9'] });
    const received = () =>
      intake.log
        .join('')
        .split('\n')
        .map((line) => line.match(/ (?:GET|HEAD) (\S+) \d{3} /)?.[1])
        .filter(Boolean);
    return { origin: intake.origin, received, stop: () => intake.stop() };
  },
};

/** What the app needs to open: the page and its files, not the worker's own script or the data. */
const SHELL = /^\/$|^\/track$|\.(html|js|wasm|css|svg|png|webmanifest)$/;

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

for (const [name, start] of Object.entries(SERVERS)) {
  describe(`served by ${name}`, () => {
    let server;
    before(async () => {
      server = await start();
    });
    after(async () => {
      await server?.stop();
    });

    /** Resolves once the server has received `path` after its first `since` requests. */
    async function arrived(path, since) {
      for (let waited = 0; !server.received().slice(since).includes(path); waited += 50) {
        if (waited > 10_000) throw new Error(`${path} never arrived: ${server.received().slice(since)}`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    }

    test('installable: a manifest with a name, icons of the sizes phones ask for, standalone, no errors', async () => {
      // A profile on disk: Chromium never offers to install from an incognito context.
      const profile = await mkdtemp(join(tmpdir(), 'offline-e2e-'));
      const { context, page, problems } = await launchProfile(profile);
      await page.goto(server.origin + '/');
      await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      const cdp = await context.newCDPSession(page);
      const { errors, data, url } = await cdp.send('Page.getAppManifest');
      assert.deepEqual(errors, []);
      const manifest = JSON.parse(data);
      assert.equal(manifest.name, 'Complaint desk');
      assert.deepEqual([manifest.start_url, manifest.scope, manifest.display], ['/', '/', 'standalone']);
      assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
      assert.match(manifest.background_color, /^#[0-9a-f]{6}$/);
      const icons = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
      assert.deepEqual(icons, ['192x192 any', '512x512 any', '512x512 maskable']);
      const served = await page.request.get(url);
      assert.match(served.headers()['content-type'], /^application\/manifest\+json/);
      for (const icon of manifest.icons) {
        const png = await (await page.request.get(new URL(icon.src, url).href)).body();
        // The PNG signature, then its header's width and height: the size the manifest promises.
        assert.equal(png.subarray(1, 4).toString(), 'PNG', icon.src);
        assert.equal(`${png.readUInt32BE(16)}x${png.readUInt32BE(20)}`, icon.sizes, icon.src);
      }
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      assert.deepEqual(installabilityErrors, []);
      assert.deepEqual(problems, []);
      await context.close();
      await rm(profile, { recursive: true, force: true });
    });

    test('after one visit the app opens with no network at all, form included; the next visit takes its shell from the worker', async () => {
      const { context, page, problems } = await openPage(browser);
      await page.goto(server.origin + '/');
      await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
      // One visit, nothing more: the worker is installed (its cache filled), and the page is not reloaded.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
      await page.close();

      // No signal, and as a phone low on space does, no HTTP cache either: only the worker's copies.
      const cdp = await context.newCDPSession(await context.newPage());
      await cdp.send('Network.clearBrowserCache');
      await context.setOffline(true);
      const offline = await context.newPage();
      const failed = [];
      // A request the page's own navigation cut short (ERR_ABORTED) says nothing about the worker's copies;
      // one that found no copy fails otherwise.
      offline.on('requestfailed', (r) => {
        if (r.failure()?.errorText === 'net::ERR_ABORTED') return;
        failed.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText}`);
      });
      await offline.goto(server.origin + '/');
      const filing = new Filing(offline);
      await filing.chooseCategory('A delivery');
      // The knowledge base came with the first visit too.
      await filing.skipCommonAnswers();
      // The requests that found no copy say more than a wait that timed out. (The tracker is not the page
      // used: the worker fetches it once a complaint is sent, tests/e2e/precache.test.mjs.)
      assert.deepEqual(failed, []);
      await offline.close();

      await context.setOffline(false);
      const since = server.received().length;
      const next = await context.newPage();
      await next.goto(server.origin + '/');
      await next.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
      // The config is asked for afresh (the organisation's data changes without a release): by then the
      // page and its files would have been asked for too, had they been.
      await arrived('/api/v1/config.json', since);
      assert.deepEqual(
        server.received().slice(since).filter((path) => SHELL.test(path)),
        [],
        'no request for the shell reached the server',
      );
      assert.deepEqual(problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(p)), []);
      await context.close();
    });
  });
}

// When the app cannot start or cannot get its config: the localised "cannot open right now" with Try again,
// soon, never "Loading…" for ever; and what a browser merely refuses (a preload) does not stop it.
describe('when the app cannot open', () => {
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.close();
  });

  const TITLE = { en: 'Sorry, the complaint form cannot open right now', pl: 'Przepraszamy, nie możemy teraz otworzyć formularza' };
  const RETRY = { en: 'Try again', pl: 'Spróbuj ponownie' };
  /** Console noise of the failures these tests make on purpose; anything else is a real problem. */
  const real = (problems) =>
    problems.filter((p) => !/Failed to load resource|Failed to fetch dynamically imported module|integrity|ERR_FAILED|CompileError|WebAssembly/.test(p));

  async function cannotOpen(page, lang = 'en') {
    const alert = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: TITLE[lang] }) });
    await alert.waitFor();
    assert.equal(await page.getByText('Loading…').count(), 0);
    return alert.getByRole('button', { name: RETRY[lang] });
  }

  /** The built page with its glue and Wasm renamed: what an open tab holds after a release removed them. */
  async function olderShell() {
    const html = (await readFile(join(DIST, 'index.html'), 'utf8')).replace(/complaint-desk-[0-9a-f]{16}/g, 'complaint-desk-0000000000000000');
    return { type: 'text/html; charset=utf-8', headers: { 'content-security-policy': contentSecurityPolicy(html) }, body: html };
  }

  test('a config that never answers: "cannot open right now" within seconds, and Try again opens the form', async () => {
    server.reset();
    server.hold(/^\/api\/v1\/config\.json$/);
    const { context, page, problems } = await openPage(browser);
    await page.goto(server.origin + '/');
    // The app gives up after 6 s; the wait allows for a busy machine, and only a state is waited on.
    const retry = await cannotOpen(page);
    await page.getByText('We could not reach the server. Check your connection.').waitFor();
    server.release();
    await retry.click();
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    assert.deepEqual(real(problems), []);
    await context.close();
  });

  test('a page naming files that are gone (a new release while the tab was open): Try again opens the new one, and the draft is there', async () => {
    server.reset();
    server.intake();
    // Without a worker: with one, the page and its files come from its cache and cannot go missing.
    const { context, page, problems } = await openPage(browser, { serviceWorkers: 'block' });
    await page.goto(server.origin + '/');
    const filing = new Filing(page);
    await filing.chooseCategory('A delivery');
    await filing.skipCommonAnswers();
    await page.getByLabel('Describe what happened').fill('The box came open.');
    server.override('/', await olderShell());
    // Leaving the page saves the draft at once; the next page is the older release's.
    await page.goto(server.origin + '/');
    const retry = await cannotOpen(page);
    server.override('/', null);
    await retry.click();
    await page.getByRole('button', { name: 'Continue your complaint' }).click();
    await filing.atStep(3);
    assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'The box came open.');
    assert.deepEqual(real(problems), []);
    await context.close();
  });


  test('a Wasm that does not compile: "cannot open right now" in the customer\'s language, and Try again opens the form once it is whole', async () => {
    server.reset();
    const wasm = (await readdir(DIST)).find((name) => name.endsWith('_bg.wasm'));
    server.override(`/${wasm}`, { type: 'application/wasm', body: 'not a module' });
    const { context, page, problems } = await openPage(browser, { locale: 'pl-PL' });
    await page.goto(server.origin + '/');
    const retry = await cannotOpen(page, 'pl');
    server.override(`/${wasm}`, null);
    await retry.click();
    await page.getByRole('group', { name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
    assert.deepEqual(real(problems), []);
    await context.close();
  });

  test('a browser that refuses the preloads of the glue, the Wasm and the config still opens the app', async () => {
    server.reset();
    const { context, page, problems } = await openPage(browser);
    const refused = [];
    // The first request for each is the preload's (Trunk's modulepreload and preload, ours of the config).
    await page.route(/\/complaint-desk-[0-9a-f]{16}(_bg\.wasm|\.js)$|\/api\/v1\/config\.json$/, (route) => {
      const path = new URL(route.request().url()).pathname;
      if (refused.includes(path)) return route.continue();
      refused.push(path);
      return route.abort('failed');
    });
    await page.goto(server.origin + '/');
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    assert.equal(refused.length, 3, `${refused}`);
    assert.deepEqual(real(problems), []);
    await context.close();
  });
});
