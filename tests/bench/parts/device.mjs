// Device scale at CPU ×4: 200 unfinished drafts and 200 sent complaints stored on the phone (copies of a
// draft the app itself saved, and sent records as the app keeps them), then the filing page's
// "Continue your complaint?" list and the tracker's "Complaints sent from this device" drawn in full.
// Each from the moment the app replaced the static shell (so the page's own start is not counted) to the
// first frame with every item on screen; the budget is 50 ms.
import { committedAt } from './saving.mjs';
import { onDescription, CPU_SLOWDOWN } from './typing.mjs';

const COUNT = 200;

/** In the page: the app's own saved draft, copied to `count` drafts, and `count` sent records. */
function fill(count) {
  return new Promise((done, fail) => {
    const open = indexedDB.open('complaint-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const read = db.transaction('drafts').objectStore('drafts').getAll();
      read.onsuccess = () => {
        const [draft] = read.result;
        if (!draft) return fail(new Error('no draft saved'));
        const tx = db.transaction(['drafts', 'sent'], 'readwrite');
        for (let i = 1; i < count; i += 1) {
          tx.objectStore('drafts').put({ ...draft, id: `${draft.id.slice(0, -4)}${String(i).padStart(4, '0')}`, description: `${draft.description} ${i}`, updated_at_ms: draft.updated_at_ms - i * 60_000 });
        }
        for (let i = 0; i < count; i += 1) {
          tx.objectStore('sent').put({ reference: `CMP-BNCH-${String(i).padStart(4, '0')}`, category: 'delivery', sent_at_ms: Date.now() - i * 86_400_000, verifier: 'bench@example.com' });
        }
        tx.oncomplete = () => {
          db.close();
          done();
        };
        tx.onerror = () => fail(tx.error);
      };
    };
  });
}

/** Loads `path`: ms from the shell's replacement to the frame with `count` of `selector`, and that frame's
 *  time since the navigation began. */
async function listed(page, cdp, origin, path, selector, count) {
  await page.goto('about:blank');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto(origin + path, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    ({ selector, count }) => {
      const w = window;
      if (w.__appAt === undefined && !document.querySelector('[data-complaint-desk-shell]') && document.getElementById('app')) w.__appAt = performance.now();
      return w.__appAt !== undefined && document.querySelectorAll(selector).length >= count && { after: performance.now() - w.__appAt, at: performance.now() };
    },
    { selector, count },
    { polling: 'raf', timeout: 60_000 },
  );
  return handle.jsonValue();
}

export default {
  name: 'device',
  async run({ browser, origin }) {
    const { context, page, field } = await onDescription(browser, origin);
    try {
      await field.fill('The parcel never came, though the tracking says it was delivered.');
      // The draft the app saves a moment after the last change is the one copied.
      await page.evaluate(committedAt, await field.evaluate((el) => el.value.length));
      await page.evaluate(fill, COUNT);
      const cdp = await context.newCDPSession(page);
      const drafts = await listed(page, cdp, origin, '/', '.resume__item', COUNT);
      const sent = await listed(page, cdp, origin, '/track', '.my-complaints__item', COUNT);
      return [
        { what: `${COUNT} drafts stored → "Continue your complaint?" lists them`, value: drafts.after, unit: 'ms', budget: 50, note: `after the app is on screen (${drafts.at.toFixed(0)} ms from navigation), CPU ×${CPU_SLOWDOWN}` },
        { what: `${COUNT} sent complaints stored → the tracker lists them`, value: sent.after, unit: 'ms', budget: 50, note: `after the app is on screen (${sent.at.toFixed(0)} ms from navigation), CPU ×${CPU_SLOWDOWN}` },
      ];
    } finally {
      await context.close();
    }
  },
};
