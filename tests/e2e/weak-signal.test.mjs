// Big evidence on a weak signal, against the real intake: the phone's uplink throttled by Chromium to
// slow 4G (750 Kbps up, 150 ms RTT), and a signal that drops again and again. The complaint arrives
// exactly once, the customer sees it go, and nothing already received is sent again from zero.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';
import { startProxy } from './support/proxy.mjs';

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

const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };

/** A fresh page on Lighthouse's slow-4G link, and (with `cpu`) a phone's CPU four times slower. */
async function slowPhone({ cpu = false } = {}) {
  const session = await openPage(browser);
  const cdp = await session.context.newCDPSession(session.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  if (cpu) await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return session;
}

/** A PDF of `bytes` bytes whose content is not all the same (so nothing along the way can compress it). */
function pdf(bytes) {
  const file = Buffer.alloc(bytes);
  file.write('%PDF-1.7\n');
  for (let i = 9; i < bytes; i += 1) file[i] = (i * 2654435761) >>> 24;
  return file;
}

/** Remembers whether a text ever appeared on the page, however briefly. */
async function watchFor(page, text) {
  await page.evaluate((text) => {
    window.__seen = false;
    const look = () => {
      if (document.body.innerText.includes(text)) window.__seen = true;
    };
    new MutationObserver(look).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, text);
  return () => page.evaluate(() => window.__seen);
}

async function fileWith(page, origin, file) {
  await page.goto(origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({
    description: 'The parcel arrived crushed; the courier note and the invoice are attached.',
    details: { 'Order number': 'NW-48213' },
  });
  await filing.chooseOutcome('Give me a refund');
  await filing.addFiles([{ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: file }]);
  await page.getByText('invoice.pdf').first().waitFor();
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
  return filing;
}

async function storedOnce(reference, file) {
  const rows = await intake.rows(
    `SELECT c.reference, length(b.content), a.sha256 FROM complaints c JOIN attachments a ON a.complaint_id = c.id JOIN blobs b ON b.sha256 = a.sha256 WHERE c.reference = '${reference}'`,
  );
  assert.deepEqual(rows, [[reference, file.length, createHash('sha256').update(file).digest('hex')]]);
}

test('3 MB of evidence from a slow phone on slow 4G arrives once, with its progress shown and announced', async () => {
  const { context, page, problems } = await slowPhone({ cpu: true });
  // ~34 s at 750 Kbps: longer than the 30 s total that used to cut every attempt.
  const file = pdf(3 * 1024 * 1024);
  const filing = await fileWith(page, intake.origin, file);
  const noConnection = await watchFor(page, 'There is no connection');
  const started = Date.now();
  await filing.send();

  const bar = page.getByRole('progressbar', { name: /^Sending \d\.\d of 3\.0 MB$/ });
  await bar.waitFor();
  await page.getByText(/^Sending [1-2]\.\d of 3\.0 MB$/).waitFor({ timeout: 60_000 });
  const value = Number(await bar.getAttribute('value'));
  assert.ok(value > 0 && value < file.length, `the bar moves: ${value}`);
  await page.getByRole('status').filter({ hasText: /^Sending [1-3]\.\d of 3\.0 MB$/ }).first().waitFor({ timeout: 60_000 });

  await page.getByRole('heading', { name: 'Complaint received' }).waitFor({ timeout: 90_000 });
  assert.ok(Date.now() - started > 30_000, `the upload really was slow: ${Date.now() - started} ms`);
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
  await storedOnce(reference, file);
  assert.equal(await noConnection(), false, '"no connection" was never shown while bytes moved');
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('a signal that drops every 5 s still delivers 2 MB once, and nothing received is sent again', async () => {
  const proxy = await startProxy(intake.origin);
  const { context, page, problems } = await slowPhone();
  // ~23 s at 750 Kbps, cut every 5 s: as a 10 MB file cut every 20 s, proportionally.
  const file = pdf(2 * 1024 * 1024);
  const filing = await fileWith(page, proxy.origin, file);
  const noConnection = await watchFor(page, 'There is no connection');
  const before = proxy.counts.up;
  proxy.dropEvery(5_000);
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor({ timeout: 110_000 });
  proxy.steady();
  const sent = proxy.counts.up - before;
  assert.ok(proxy.counts.cuts >= 3, `the signal dropped ${proxy.counts.cuts} times`);
  // Every byte of the file once, plus what was in flight at each cut and the requests' own headers.
  assert.ok(sent < file.length * 1.5, `${sent} bytes went up for a ${file.length}-byte file`);
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
  await storedOnce(reference, file);
  assert.equal(await noConnection(), false, '"no connection" was never shown while bytes moved');
  assert.deepEqual(
    problems.filter((p) => !p.includes('Failed to load resource') && !p.includes('net::ERR')),
    [],
  );
  await context.close();
  await proxy.close();
});
