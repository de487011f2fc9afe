// When storage misbehaves mid-draft: the device runs out of space (a Chromium quota override through the
// DevTools protocol), or the browser empties the site's storage while the page is open. Nothing typed is lost,
// and the customer is told what could not be kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { assertAccessible } from './support/a11y.mjs';
import { useFormPage, useServerAndBrowser } from './support/harness.mjs';
import { PNG_1x1, daysAgo } from './support/filing.mjs';
import { noisePng } from './support/images.mjs';

let session;
let filing;

const env = useServerAndBrowser();

useFormPage(env, (s, f) => {
  session = s;
  filing = f;
});

const BEFORE = 'Parcel 4471 came open. 상자가 열려 있었어요 📦';
const AFTER = ' — and the receipt was missing too.';

/** To the evidence step with a description typed and saved. */
async function atEvidence() {
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await filing.describe({ description: BEFORE, happenedOn: daysAgo(1) });
  await filing.chooseOutcome('Apologise');
}

/** Back from the evidence step to "What happened?". */
async function backToDescription() {
  for (const step of [4, 3]) {
    await session.page.getByRole('button', { name: 'Back' }).click();
    await filing.atStep(step);
  }
}

/** The browser's DevTools protocol for this page, and the page's origin as the storage APIs name it. */
async function devtools() {
  const cdp = await session.context.newCDPSession(session.page);
  return { cdp, origin: env.server.origin };
}

/** What this origin uses now, once the service worker (whose cache counts against the same quota) is in. */
async function usage() {
  return session.page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    return (await navigator.storage.estimate()).usage;
  });
}

/** Gives this origin `room` bytes beyond what it uses now (negative: already over). Chromium applies an
 *  override only from the origin's first IndexedDB write on, so this must come before the draft is saved. */
async function deviceWithRoomFor(room) {
  const { cdp, origin } = await devtools();
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.max(0, (await usage()) + room) });
  return { restore: () => cdp.send('Storage.overrideQuotaForOrigin', { origin }) };
}

/** The app's stored draft descriptions and file ids, read through a connection of the test's own. If the
 *  database does not exist, it is not created (that would leave it at the wrong version for the app). */
function stored(page) {
  return page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open('complaint-desk');
        open.onupgradeneeded = () => open.transaction.abort();
        open.onerror = () => ok({ descriptions: [], files: [] });
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['drafts', 'files']);
          const drafts = tx.objectStore('drafts').getAll();
          const files = tx.objectStore('files').getAllKeys();
          tx.oncomplete = () => {
            db.close();
            ok({ descriptions: drafts.result.map((d) => d.description), files: files.result });
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
}

/** Waits until `check(stored)` holds (saves are debounced and run in the background). */
async function eventuallyStored(page, check, what) {
  let last;
  for (let tries = 0; tries < 40; tries++) {
    last = await stored(page);
    if (check(last)) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}; stored: ${JSON.stringify(last)}`);
}

test('a photo the full device cannot keep is announced, stays attached and removable; the text is kept', async () => {
  const { page, problems } = session;
  const device = await deviceWithRoomFor(300_000);
  await atEvidence();
  await filing.addFiles([{ name: 'label.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  await page.getByRole('button', { name: 'Remove label.png' }).waitFor();
  await eventuallyStored(page, (s) => s.files.length === 1, 'the small photo is kept');

  // About 1 MB of noise: it does not shrink, and it does not fit.
  await filing.addFiles([{ name: 'parcel.png', mimeType: 'image/png', buffer: noisePng(600, 600) }]);
  const warning = page.getByRole('alert').filter({ hasText: 'There is no room left on this device to keep “parcel.png”' });
  await warning.waitFor();
  await page.getByRole('button', { name: 'Remove parcel.png' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Remove / }).count(), 2, 'still attached, in memory');
  assert.equal((await stored(page)).files.length, 1, 'only the photo that fitted is on the device');
  await assertAccessible(page);

  await page.getByRole('button', { name: 'Remove parcel.png' }).click();
  await warning.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('button', { name: /^Remove / }).count(), 1);
  await page.getByRole('button', { name: 'Remove label.png' }).click();
  await page.getByText('No files added yet.').waitFor();

  // Chromium still counts the refused photo's bytes for a while, so the text may have gone to the
  // localStorage copy rather than to IndexedDB: either way it comes back.
  await page.reload(); // this tab's draft comes back at its step (a new visit would offer it)
  await filing.atStep(5);
  await page.getByText('No files added yet.').waitFor();
  await backToDescription();
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), BEFORE);
  await device.restore();
  assert.deepEqual(problems, []);
});

test('with no room even for the text, it is kept aside, the customer is told, and it comes back on reload', async () => {
  const { page, problems } = session;
  const device = await deviceWithRoomFor(-(await usage()) / 2);
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill(BEFORE + AFTER);
  await page.getByRole('status').filter({ hasText: 'This device is out of storage space.' }).waitFor();
  assert.deepEqual((await stored(page)).descriptions, [], 'IndexedDB refused the draft');
  await assertAccessible(page);

  await page.reload(); // this tab's draft comes back at its step (a new visit would offer it)
  await filing.atStep(3);
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), BEFORE + AFTER);
  await page.getByRole('status').filter({ hasText: 'This device is out of storage space.' }).waitFor();

  // Room again: the next save puts the text back where it belongs, and the notice goes.
  await device.restore();
  await page.getByLabel('Describe what happened').fill(BEFORE + AFTER + '!');
  await page.getByRole('status').filter({ hasText: 'This device is out of storage space.' }).waitFor({ state: 'detached' });
  assert.deepEqual((await stored(page)).descriptions, [BEFORE + AFTER + '!']);
  assert.deepEqual(problems, []);
});

test('site data cleared by the browser mid-draft: the store reopens and the draft and photo are saved again', async () => {
  const { page, problems } = session;
  await atEvidence();
  await filing.addFiles([{ name: 'label.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  await eventuallyStored(page, (s) => s.files.length === 1 && s.descriptions[0] === BEFORE, 'saved before the clear');

  const { cdp, origin } = await devtools();
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
  assert.deepEqual(await stored(page), { descriptions: [], files: [] }, 'the browser emptied the store');

  await backToDescription();
  await page.getByLabel('Describe what happened').fill(BEFORE + AFTER);
  await eventuallyStored(
    page,
    (s) => s.descriptions[0] === BEFORE + AFTER && s.files.length === 1,
    'the text and the photo in memory are written again',
  );

  await page.reload(); // this tab's draft comes back at its step (a new visit would offer it)
  await filing.atStep(3);
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), BEFORE + AFTER);
  await filing.continue();
  await filing.atStep(4);
  await filing.continue();
  await filing.atStep(5);
  await page.getByRole('button', { name: 'Remove label.png' }).waitFor();
  assert.deepEqual(problems, []);
});

test('the database deleted while the page has it open: the deletion is not blocked, and typing saves again', async () => {
  const { page, problems } = session;
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await page.getByLabel('Describe what happened').fill(BEFORE);
  await eventuallyStored(page, (s) => s.descriptions[0] === BEFORE, 'saved before the deletion');

  const outcome = await page.evaluate(
    () =>
      new Promise((ok) => {
        const deletion = indexedDB.deleteDatabase('complaint-desk');
        deletion.onsuccess = () => ok('deleted');
        deletion.onerror = () => ok('failed');
        // Blocked means a connection ignored `versionchange`; the deletion would wait for ever.
        deletion.onblocked = () => ok('blocked');
      }),
  );
  assert.equal(outcome, 'deleted');

  await page.getByLabel('Describe what happened').fill(BEFORE + AFTER);
  await eventuallyStored(page, (s) => s.descriptions[0] === BEFORE + AFTER, 'saved again after the deletion');
  await page.reload(); // this tab's draft comes back at its step (a new visit would offer it)
  await filing.atStep(3);
  assert.equal(await page.getByLabel('Describe what happened').inputValue(), BEFORE + AFTER);
  assert.deepEqual(problems, []);
});

test('site data cleared while a complaint waits to be sent: it is put back and still arrives, once, with its photo', async () => {
  const { page, context } = session;
  await atEvidence();
  await filing.addFiles([{ name: 'label.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  await page.getByRole('button', { name: 'Remove label.png' }).waitFor();
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Jin Park', email: 'jin@example.kr' });
  await context.setOffline(true);
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();

  const { cdp, origin } = await devtools();
  await cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'indexeddb' });
  assert.deepEqual(await stored(page), { descriptions: [], files: [] }, 'the browser emptied the store, outbox too');

  await context.setOffline(false);
  await filing.confirmation();
  const posts = await env.server.complaints();
  assert.equal(posts.length, 1, 'exactly one request');
  assert.equal(posts[0].complaint.description, BEFORE);
  assert.deepEqual(posts[0].files.map((f) => f.name), ['label.png']);
});
