// The whole system as the demo runs it: the app served by the reference intake service, a complaint filed
// in Chromium, moved on by the back office's command line, and read back in the tracker.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing, PNG_1x1 } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

let intake;
let browser;

before(async () => {
  intake = await startIntake();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
});

test('filed in the app, acknowledged by the back office, shown in the tracker with the next date', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(intake.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The parcel never arrived.', details: { 'Order number': 'NW-48213' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email: 'Ola@Example.pl' });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();

  // Received: the tracker finds the file the intake published, from the confirmation's link, no typing.
  await page.getByRole('link', { name: 'Track your complaint' }).click();
  await page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  await page.getByText('Where it stands: Registration').waitFor();

  const said = await intake.backOffice('acknowledge', reference, '--message', 'We have asked the courier where your parcel is.');
  assert.match(said, new RegExp(reference));

  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.getByText('Where it stands: Acknowledgement').waitFor();
  const steps = (await page.getByRole('region', { name: 'Progress' }).getByRole('listitem').allInnerTexts()).map((s) =>
    s.replace(/\s+/g, ' ').trim(),
  );
  assert.match(steps[1], /^Current stage: Acknowledgement .* We have asked the courier where your parcel is\.$/);
  assert.match(steps.find((s) => s.startsWith('Still to come: Decision ')), /^Still to come: Decision Expected by \w{3}, \d{1,2} \w{3} \d{4} \(We decide within 10 working days\)$/);

  // The file is found by the email typed any which way, and not without it.
  await page.getByLabel('Email address or PIN').fill('  ola@EXAMPLE.pl ');
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.getByText('Where it stands: Acknowledgement').waitFor();
  await page.getByLabel('Email address or PIN').fill('someone@else.pl');
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.getByRole('alert').filter({ hasText: 'We could not find a complaint with those details' }).waitFor();

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test("the app boots and shows a photo preview under the intake's Content-Security-Policy", async () => {
  const { context, page, problems } = await openPage(browser);
  // Every violation is reported to the page, whether or not the browser also logs it.
  await page.addInitScript(() => {
    window.__violations = [];
    addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(intake.origin + '/');
  // The page boots from a file of the site (public/boot.js); the one inline script (the shell's early
  // Continue) is allowed by its hash alone, never by 'unsafe-inline'.
  const policy = response.headers()['content-security-policy'];
  assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')?;/);
  assert.doesNotMatch(policy, /unsafe-inline/);
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The parcel arrived crushed.', details: { 'Order number': 'NW-48214' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.addFiles([{ name: 'parcel.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  const thumb = page.locator('img.attachment__thumb');
  await thumb.waitFor();
  // A blob: preview that img-src refused would never load.
  await page.waitForFunction(() => document.querySelector('img.attachment__thumb')?.complete);
  assert.ok((await thumb.evaluate((img) => img.naturalWidth)) > 0, 'the preview loaded');
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('served by the intake as a CDN would: brotli copies, hashed files immutable, each file fetched once', async () => {
  const { context, page, problems } = await openPage(browser);
  const responses = [];
  page.on('response', (r) => responses.push({ path: new URL(r.url()).pathname, headers: r.headers() }));
  await page.goto(intake.origin + '/');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  // The question is in the static shell at once; the app (so its module and config) has come once it replaces it.
  await page.waitForFunction(() => document.querySelector('[data-complaint-desk-shell]') === null);
  const one = (test) => {
    const found = responses.filter(({ path }) => test(path));
    // Once: the preloads (Trunk's for the JS and Wasm, ours for the config) are what the app uses.
    assert.equal(found.length, 1, `${found.map((r) => r.path)} in ${responses.map((r) => r.path)}`);
    return found[0].headers;
  };
  const immutable = 'public, max-age=31536000, immutable';
  const wasm = one((path) => path.endsWith('_bg.wasm'));
  assert.deepEqual([wasm['content-encoding'], wasm['content-type'], wasm['cache-control']], ['br', 'application/wasm', immutable]);
  const glue = one((path) => /^\/complaint-desk-[0-9a-f]{12,16}\.js$/.test(path));
  assert.deepEqual([glue['content-encoding'], glue['cache-control']], ['br', immutable]);
  for (const path of ['/', '/api/v1/config.json']) {
    const headers = one((p) => p === path);
    assert.deepEqual([headers['content-encoding'], headers['cache-control']], ['br', 'no-cache'], path);
    assert.ok(headers.etag, path);
    assert.match(headers.vary, /Accept-Encoding/, path);
  }
  // The config is asked for with the page, in the mode the app's fetch uses (or it would come twice).
  assert.equal(await page.locator('link[rel=preload][as=fetch][crossorigin][href="/api/v1/config.json"]').count(), 1);
  assert.deepEqual(problems, []);
  await context.close();
});
