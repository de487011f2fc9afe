// The three browser engines a customer may bring, each from Debian's packages and each driven by the client
// that speaks its own protocol: Chromium by playwright-core (as tests/e2e does), Firefox by puppeteer-core
// over WebDriver BiDi (Playwright needs its own patched Firefox), WebKit by selenium-webdriver over classic
// W3C WebDriver to WebKitGTK's WebKitWebDriver and MiniBrowser. Each engine gives the same few primitives;
// tests/engines/support/tab.mjs builds the one driver interface the journeys use on top of them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';

import { launchBrowser, openPage } from '../../e2e/support/browser.mjs';
import { startDisplay, startWebKitDriver } from './display.mjs';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** Files to hand to a file input by path (Firefox and WebKit read them from disk), in a folder of their own. */
async function onDisk(files) {
  const dir = await mkdtemp(join(tmpdir(), 'engines-upload-'));
  const paths = [];
  for (const { name, buffer } of files) {
    const path = join(dir, name);
    await writeFile(path, buffer);
    paths.push(path);
  }
  return { paths, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The page function `source` (a function's text) as a function, for the clients that take one. */
const asFunction = (source) => new Function(`return (${source});`)();

/** The page function `source` called with `arg`, as the script classic WebDriver takes. */
const call = (source, arg) => `return (${source})(${JSON.stringify(arg ?? null)});`;

async function chromium() {
  const browser = await launchBrowser();
  return {
    name: 'chromium',
    network: 'switch',
    async newTab() {
      const { context, page, problems } = await openPage(browser);
      return {
        problems,
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        evaluate: (source, arg) => page.evaluate(asFunction(source), arg),
        element: async (source, arg) => (await page.evaluateHandle(asFunction(source), arg)).asElement(),
        click: (el) => el.click(),
        type: (el, text) => el.type(text),
        setFiles: (el, files) => el.setInputFiles(files),
        setOffline: (offline) => context.setOffline(offline),
        close: () => context.close(),
      };
    },
    close: () => browser.close(),
  };
}

async function firefox() {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  return {
    name: 'firefox',
    network: 'switch',
    async newTab() {
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 390, height: 844 });
      const problems = [];
      // A file picked is read by the page later (when it is saved or sent): kept on disk until the tab closes.
      const uploads = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
      return {
        problems,
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        evaluate: (source, arg) => page.evaluate(asFunction(source), arg),
        element: async (source, arg) => (await page.evaluateHandle(asFunction(source), arg)).asElement(),
        click: (el) => el.click(),
        type: (el, text) => el.type(text),
        async setFiles(el, files) {
          const disk = await onDisk(files);
          uploads.push(disk);
          await el.uploadFile(...disk.paths);
        },
        setOffline: (offline) => page.setOfflineMode(offline),
        async close() {
          await context.close();
          await Promise.all(uploads.map((disk) => disk.remove()));
        },
      };
    },
    close: () => browser.close(),
  };
}

async function webkit() {
  const display = await startDisplay();
  const service = await startWebKitDriver(display);
  const capabilities = {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  };
  return {
    name: 'webkit',
    // WebKitWebDriver speaks classic WebDriver only, which has no command to take the network away.
    network: 'server',
    async newTab() {
      // One session (one MiniBrowser, its own website data) per journey, as a new context is elsewhere.
      const driver = await new Builder().usingServer(service.url).withCapabilities(capabilities).build();
      await driver.manage().window().setRect({ width: 390, height: 844 });
      const uploads = [];
      return {
        // Classic WebDriver cannot read the console: a journey here fails on what the page shows instead.
        problems: [],
        goto: (url) => driver.get(url),
        reload: () => driver.navigate().refresh(),
        evaluate: (source, arg) => driver.executeScript(call(source, arg)),
        element: (source, arg) => driver.executeScript(call(source, arg)),
        click: (el) => el.click(),
        type: (el, text) => el.sendKeys(text),
        async setFiles(el, files) {
          const disk = await onDisk(files);
          uploads.push(disk);
          await el.sendKeys(disk.paths.join('\n'));
        },
        setOffline: undefined,
        async close() {
          await driver.quit();
          await Promise.all(uploads.map((disk) => disk.remove()));
        },
      };
    },
    async close() {
      await service.stop();
      await display.stop();
    },
  };
}

export const ENGINES = { chromium, firefox, webkit };

/** Starts `name`'s browser (and, for WebKit, its display and driver). */
export function launchEngine(name) {
  return ENGINES[name]();
}
