// The widget in a React 19 single-page host (tests/hosts/app.tsx, bundled here by esbuild) on a second origin
// under the strict CSP: mounted and unmounted by route changes, `lang` from the host's own state, the host
// hearing `complaint:submitted`; and 100 route changes leave listeners and memory as they were.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

import { startShop } from '../../scripts/shop-server.mjs';
import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

let shop;
let intake;
let browser;

before(async () => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../hosts/app.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'error',
  });
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script type="module" src="{{DESK}}/embed/v1/embed.js"></script>
<script type="module" src="/app.js"></script></head><body><div id="root" data-api="{{DESK}}/api/v1/"></div></body></html>`;
  shop = await startShop({ extra: { '/spa/help.html': page, '/spa/report.html': page, '/app.js': bundle.outputFiles[0].text } });
  intake = await startIntake({ args: ['--allow-origin', shop.origin] });
  shop.desk = intake.origin;
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await shop?.close();
});

/** The violations the page reports (every page of the suite logs them as console errors). */
const real = (problems) => problems.filter((p) => !p.includes('Failed to load resource'));

test('routes mount and unmount the widget, its lang follows the host state, and the host hears the reference', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(shop.origin + '/spa/help.html');
  await page.getByRole('button', { name: 'Report a problem' }).click();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await page.getByRole('button', { name: 'Po polsku' }).click();
  await page.getByRole('group', { name: 'Czego dotyczy Twoje zgłoszenie?' }).waitFor();
  await page.getByRole('button', { name: 'In English' }).click();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();

  await page.getByRole('button', { name: 'Help' }).click();
  await page.getByText('Most parcels arrive within five working days.').waitFor();
  assert.equal(await page.locator('complaint-desk').count(), 0, 'unmounted with its route');
  await page.goBack();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();

  const filing = new Filing(page);
  await filing.continue(); // category="delivery" comes chosen
  await filing.atStep(2);
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The stove arrived dented.', details: { 'Order number': 'AP-30112' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
  await page.getByText(`Thank you. We have your complaint ${reference}.`).waitFor();
  assert.deepEqual(real(problems), []);
  await context.close();
});

test('100 route changes through the widget leave listeners and memory as they were', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(shop.origin + '/spa/help.html');
  const cdp = await context.newCDPSession(page);
  const listeners = async (expression) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    return (await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId })).listeners.length;
  };
  const memory = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { nodes } = await cdp.send('Memory.getDOMCounters');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    return { nodes, heap: usedSize, window: await listeners('window'), document: await listeners('document') };
  };
  // One cycle: to the report route (the widget mounted, its config loaded), then back to help (unmounted).
  const cycles = (n) =>
    page.evaluate(async (n) => {
      const button = (name) => [...document.querySelectorAll('nav button')].find((b) => b.textContent === name);
      for (let i = 0; i < n; i++) {
        const ready = new Promise((resolve) => document.addEventListener('complaint:ready', resolve, { once: true }));
        button('Report a problem').click();
        await ready;
        button('Help').click();
        while (document.querySelector('complaint-desk')) await new Promise((r) => requestAnimationFrame(r));
      }
    }, n);
  await cycles(1); // the module's one-time setup is not growth
  await cycles(50);
  const half = await memory();
  await cycles(50);
  const end = await memory();
  assert.deepEqual([end.window, end.document], [half.window, half.document], 'no listener left per cycle');
  assert.ok(end.nodes - half.nodes < 200, `DOM nodes grew from ${half.nodes} to ${end.nodes} over 50 cycles`);
  assert.ok(end.heap - half.heap < 1024 * 1024, `JS heap grew by ${end.heap - half.heap} bytes over 50 cycles`);
  assert.deepEqual(real(problems), []);
  await context.close();
});
