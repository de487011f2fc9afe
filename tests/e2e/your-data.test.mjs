// "Your data" on the tracker (issue #25, docs/api.md "Your data"), end to end against the real intake: the
// customer downloads everything held about their complaint (one zip, fetched with the complaint's proof and
// saved through a blob URL under the strict CSP) and asks for erasure while offline; back online, the request
// goes through the replies' outbox and is recorded once, and the status file says when we will answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
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

/** The bytes of `name` in a zip whose entries are stored uncompressed (as the intake writes them). */
function storedEntry(zip, name) {
  let at = 0;
  while (at + 30 <= zip.length && zip.readUInt32LE(at) === 0x04034b50) {
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const entry = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    if (entry === name) return zip.subarray(start, start + size);
    at = start + size;
  }
  throw new Error(`no ${name} in the zip`);
}

test('the tracker downloads the zip of everything held; erasure asked offline is recorded once when back online', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(intake.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The parcel with the blue lamp never arrived.', details: { 'Order number': 'NW-50077' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Mia Park', email: 'mia@example.com' });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();

  await page.goto(intake.origin + '/track');
  await page.getByLabel('Complaint reference').fill(reference);
  await page.getByLabel('Email address or PIN').fill('mia@example.com');
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  const yourData = page.getByRole('region', { name: 'Your data' });
  await yourData.waitFor();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    yourData.getByRole('button', { name: 'Download everything we hold about this complaint' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${reference}.zip`);
  const zip = await readFile(await download.path());
  const complaint = JSON.parse(storedEntry(zip, 'complaint.json').toString('utf8'));
  assert.equal(complaint.reference, reference);
  assert.equal(complaint.description, 'The parcel with the blue lamp never arrived.');

  const asked = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/erasure')) asked.push(r.status());
  });
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  await context.setOffline(true);
  await yourData.getByRole('button', { name: 'Ask us to erase it' }).click();
  await yourData.getByText(/We will answer you by /).waitFor();
  await yourData.getByRole('button', { name: 'Send my request' }).click();
  await page.getByText(/^Waiting to send\. There is no connection right now/).waitFor();
  assert.deepEqual(asked, []);
  await context.setOffline(false);

  const recorded = () =>
    intake.rows(`SELECT d.kind, d.state FROM data_requests d JOIN complaints c ON c.id = d.complaint_id WHERE c.reference = '${reference}'`);
  const until = Date.now() + 30_000;
  while ((await recorded()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(await recorded(), [['erasure', 'open']]);
  // The status file, fetched again after delivery, says when we will answer; nothing was sent twice.
  await page.getByText(/^You asked us to erase your data on .*\. We will answer by /).waitFor();
  assert.deepEqual(asked, [201]);
  assert.deepEqual(await recorded(), [['erasure', 'open']]);

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});
