// Nothing typed is lost: drafts are kept in IndexedDB as the customer types and offered back on the next
// visit; where storage is refused the form still works and says so.
import { beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { useServerAndBrowser } from './support/harness.mjs';
import { launchProfile, openPage } from './support/browser.mjs';
import { Filing, daysAgo } from './support/filing.mjs';
import { fillDevice } from './support/device.mjs';


const env = useServerAndBrowser();
beforeEach(() => env.server.intake());

/** The ids of the drafts in the app's IndexedDB, as the page sees them. */
function draftIds(page) {
  return page.evaluate(
    () =>
      new Promise((ok) => {
        const open = indexedDB.open('complaint-desk');
        open.onsuccess = () => {
          const keys = open.result.transaction('drafts').objectStore('drafts').getAllKeys();
          keys.onsuccess = () => {
            open.result.close();
            ok(keys.result);
          };
        };
      }),
  );
}

const TEXT = 'Zamówienie 4471 przyszło bez pokrywki.\n주전자 뚜껑이 없어요 🫖 — "quotes" & <tags>';

test('typed text survives a reload (which keeps the step) and the next visit offers it back at that step', async () => {
  const { context, page, problems } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill(TEXT);
  await page.waitForTimeout(700); // past the 250 ms save delay
  await page.reload();
  await filing.atStep(3); // a reload keeps the step and the draft
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), TEXT);
  assert.equal(await page.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
  await page.goto(env.server.origin + '/'); // the next visit offers it back

  await page.getByRole('heading', { name: 'Continue your complaint?' }).waitFor();
  await page.getByText('You started a complaint on this device (A delivery', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Continue your complaint' }).click();
  await filing.atStep(3);
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), TEXT);
  assert.deepEqual(problems, []);
  await context.close();
});

test('text typed just before the page is closed is saved on the way out and restored in a new session', async () => {
  const profile = await mkdtemp(join(tmpdir(), 'complaint-desk-profile-'));
  let first;
  let second;
  try {
    first = await launchProfile(profile);
    await first.page.goto(env.server.origin + '/');
    const filing = new Filing(first.page);
    await filing.chooseCategory('Something else');
    await filing.skipCommonAnswers();
    await first.page.getByLabel('Describe what happened').fill(TEXT);
    // Closed at once, well inside the save delay: only the save on page hide can keep this text.
    // page.close() resolves once the tab is gone, after its pagehide handlers have run.
    await first.page.close();
    await first.context.close();

    second = await launchProfile(profile);
    await second.page.goto(env.server.origin + '/');
    await second.page.getByRole('button', { name: 'Continue your complaint' }).click();
    await new Filing(second.page).atStep(3);
    assert.equal(await second.page.getByLabel('Describe what happened').inputValue(), TEXT, 'character for character');
    assert.deepEqual(second.problems, []);
  } finally {
    await first?.context.close().catch(() => {});
    await second?.context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true });
  }
});

test('"Start a new complaint" leaves the old draft and starts empty', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A service or a bill');
  await page.waitForTimeout(700);
  await page.goto(env.server.origin + '/'); // a new visit (a reload keeps the step instead)
  await page.getByRole('button', { name: 'Start a new complaint' }).click();
  assert.equal(await page.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
  assert.equal(await page.getByRole('radio', { checked: true }).count(), 0);
  await context.close();
});

test('several unfinished drafts are listed with their first words; each can be deleted', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill('The parcel never came');
  await page.waitForTimeout(700);
  await page.goto(env.server.origin + '/'); // a new visit (a reload keeps the step instead)
  await page.getByRole('button', { name: 'Start a new complaint' }).click();
  await filing.chooseCategory('A service or a bill');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill('Charged twice for one order');
  await page.waitForTimeout(700);
  await page.goto(env.server.origin + '/'); // a new visit (a reload keeps the step instead)

  const offer = page.getByRole('region', { name: 'Continue your complaint?' });
  const items = offer.getByRole('listitem');
  await items.first().waitFor();
  assert.equal(await items.count(), 2);
  assert.match(await items.nth(0).textContent(), /A service or a bill.*Charged twice for one order/s, 'newest first');
  assert.match(await items.nth(1).textContent(), /A delivery.*The parcel never came/s);
  await offer.getByRole('button', { name: 'Delete The parcel never came' }).click();
  assert.equal(await items.count(), 1);
  // The deleted draft's buttons are gone: the focus rests on the offer's question, not on the page's start.
  await offer.getByRole('heading', { level: 1, name: 'Continue your complaint?' }).and(page.locator(':focus')).waitFor();
  await page.waitForTimeout(300);
  await page.goto(env.server.origin + '/'); // a new visit (a reload keeps the step instead)
  await items.first().waitFor();
  assert.equal(await items.count(), 1, 'deleted for good');
  await offer.getByRole('button', { name: 'Continue your complaint Charged twice for one order' }).click();
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Charged twice for one order');
  await context.close();
});

test('many drafts and sent complaints: the newest five of each first, then "Show all" draws the rest', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill('Box crushed');
  await page.waitForTimeout(700);
  await page.evaluate(fillDevice, { count: 7, tag: 'MANY' });
  await page.goto(env.server.origin + '/'); // a new visit (a reload keeps the step instead)

  const offer = page.getByRole('region', { name: 'Continue your complaint?' });
  const drafts = offer.getByRole('listitem');
  await drafts.first().waitFor();
  assert.equal(await drafts.count(), 5, 'the newest five');
  assert.match(await drafts.nth(0).textContent(), /“Box crushed”/, 'newest first, quoted whole (no "…" where nothing was cut)');
  assert.match(await drafts.nth(4).textContent(), /“Box crushed 4”/);
  await offer.getByRole('button', { name: 'Show all 7 unfinished complaints' }).click();
  assert.equal(await drafts.count(), 7);
  await offer.getByRole('button', { name: 'Continue your complaint Box crushed 5' }).and(page.locator(':focus')).waitFor();
  assert.equal(await offer.getByRole('button', { name: /^Show all/ }).count(), 0);
  // One of those it brought can be taken up like any other.
  await offer.getByRole('button', { name: 'Continue your complaint Box crushed 6' }).click();
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Box crushed 6');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Track a complaint' }).click();
  const mine = page.getByRole('region', { name: 'Complaints sent from this device' });
  const sent = mine.getByRole('listitem');
  await sent.first().waitFor();
  assert.equal(await sent.count(), 5, 'the newest five');
  assert.match(await sent.nth(0).textContent(), /CMP-MANY-0000/, 'newest first');
  await mine.getByRole('button', { name: 'Show all 7 complaints sent from this device' }).click();
  assert.equal(await sent.count(), 7);
  await mine.getByRole('button', { name: 'Track this complaint CMP-MANY-0005' }).and(page.locator(':focus')).waitFor();
  await mine.getByRole('button', { name: 'Track this complaint CMP-MANY-0006' }).click();
  assert.equal(await page.getByLabel('Complaint reference').inputValue(), 'CMP-MANY-0006');
  await context.close();
});

test('"Clear everything stored on this device" deletes the draft after a confirmation', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill('Private details');
  await page.waitForTimeout(700);
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Clear everything stored on this device' }).click();
  await page.getByRole('status').filter({ hasText: 'has been deleted' }).waitFor();
  await filing.atStep(1);
  await page.reload();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
  const left = (await draftIds(page)).length;
  assert.equal(left, 0, 'no draft is left in IndexedDB');
  await context.close();
});

test('drafts untouched for longer than the configured 30 days are deleted, younger ones offered', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  const day = 86_400_000;
  const ids = await page.evaluate(async (day) => {
    const draft = (id, ageDays, description) => ({
      id, schema: 1, revision: 3, started_at_ms: Date.now() - ageDays * day, updated_at_ms: Date.now() - ageDays * day,
      step: 'what_happened', category: 'delivery', description, happened_on: '', details: new Map(),
      outcome: null, outcome_other: '', contact: { name: '', email: '', phone: '', preferred: null, consent: false },
      attachments: [], solved_by: null, honeypot: '',
    });
    const db = await new Promise((ok) => { const r = indexedDB.open('complaint-desk'); r.onsuccess = () => ok(r.result); });
    await new Promise((ok) => {
      const tx = db.transaction('drafts', 'readwrite');
      tx.objectStore('drafts').put(draft('old', 31, 'Written a month ago'));
      tx.objectStore('drafts').put(draft('recent', 29, 'Written four weeks ago'));
      tx.oncomplete = ok;
    });
    db.close();
    return ['old', 'recent'];
  }, day);
  assert.deepEqual(ids, ['old', 'recent']);
  await page.reload();
  await page.getByRole('heading', { name: 'Continue your complaint?' }).waitFor();
  await page.getByRole('button', { name: 'Continue your complaint' }).click();
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Written four weeks ago');
  // Pruning runs in the background; give it a moment.
  let left;
  for (let tries = 0; tries < 50; tries++) {
    left = await draftIds(page);
    if (left.length === 1) break;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(left, ['recent'], 'the expired draft is gone from the device');
  await context.close();
});

test('two tabs on one draft never silently overwrite each other', async () => {
  const context = await env.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
  const tabA = await context.newPage();
  await tabA.goto(env.server.origin + '/');
  const a = new Filing(tabA);
  await a.chooseCategory('A delivery');
  await a.skipCommonAnswers();
  await tabA.getByLabel('Describe what happened').fill('Typed in tab A');
  await tabA.waitForTimeout(700);

  const tabB = await context.newPage();
  await tabB.goto(env.server.origin + '/');
  await tabB.getByRole('button', { name: 'Continue your complaint' }).click();
  const descriptionB = tabB.getByLabel('Describe what happened');
  await descriptionB.waitFor();
  assert.equal(await descriptionB.inputValue(), 'Typed in tab A');
  await tabA.getByRole('alert').getByRole('heading', { name: 'This complaint was changed in another tab' }).waitFor();
  assert.equal(await tabA.getByLabel('Describe what happened').count(), 0, 'the stale tab offers no form to type into');
  // It stands in for the step, so its title is the page's one h1.
  assert.deepEqual(await tabA.getByRole('heading', { level: 1 }).allTextContents(), ['This complaint was changed in another tab']);
  assert.match(await tabA.title(), /^This complaint was changed in another tab – /, 'the title follows the h1');

  await descriptionB.fill('Rewritten in tab B');
  await tabB.waitForTimeout(700);
  await tabA.getByRole('button', { name: 'Load the latest version' }).click();
  const descriptionA = tabA.getByLabel('Describe what happened');
  await descriptionA.waitFor();
  assert.equal(await descriptionA.inputValue(), 'Rewritten in tab B', 'tab A carries on from tab B\'s words');
  await tabB.getByRole('heading', { name: 'This complaint was changed in another tab' }).waitFor();
  await context.close();
});

test('a sent complaint is not offered again', async () => {
  const { context, page } = await openPage(env.browser);
  await page.goto(env.server.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'Rude staff.', happenedOn: daysAgo(1) });
  await filing.chooseOutcome('Apologise');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Kim', email: 'kim@example.kr' });
  await filing.send();
  await filing.confirmation();
  await page.waitForTimeout(700);
  await page.reload();
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);

  // It is listed under "my complaints" on the tracker, one tap from a filled-in lookup.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Track a complaint' }).click();
  const mine = page.getByRole('region', { name: 'Complaints sent from this device' });
  const item = mine.getByRole('listitem').filter({ hasText: 'CMP-TEST-0001' });
  await item.waitFor();
  await item.getByText('Something else').waitFor();
  await mine.getByRole('button', { name: 'Track this complaint CMP-TEST-0001' }).click();
  assert.equal(await page.getByLabel('Complaint reference').inputValue(), 'CMP-TEST-0001');
  assert.equal(await page.getByLabel('Email address or PIN').inputValue(), 'kim@example.kr');
  await context.close();
});

test('with storage blocked the form says so, and a complete filing still works', async () => {
  const { context, page, problems } = await openPage(env.browser);
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { get: () => undefined });
  });
  await page.goto(env.server.origin + '/');
  await page.getByText('This browser is not letting us save your answers on this device.', { exact: false }).waitFor();
  const filing = new Filing(page);
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'Storage is blocked here.', happenedOn: daysAgo(1) });
  await filing.chooseOutcome('Explain what happened');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Piotr', email: 'piotr@example.pl' });
  await filing.send();
  await filing.confirmation();
  assert.deepEqual(problems, []);
  await context.close();
});
