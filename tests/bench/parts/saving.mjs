// Saving at CPU ×4: after the last keystroke, how long until the draft in IndexedDB holds it (≤ 400 ms; the
// app saves 250 ms after typing pauses); and when the page is hidden mid-sentence (a phone's home button),
// how long until the draft is committed (≤ 50 ms). Read from IndexedDB by the page itself, polled each
// few milliseconds over one connection.
import { onDescription } from './typing.mjs';

const RUNS = 5;

/** In the page: resolves with the time the stored draft's description first has `length` characters. */
export function committedAt(length) {
  return new Promise((done) => {
    const open = indexedDB.open('complaint-desk');
    open.onsuccess = () => {
      const db = open.result;
      const look = () => {
        const all = db.transaction('drafts').objectStore('drafts').getAll();
        all.onsuccess = () => {
          if (all.result.some((d) => d.description?.length === length)) {
            db.close();
            done(performance.now());
          } else setTimeout(look, 2);
        };
      };
      look();
    };
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default {
  name: 'saving',
  async run({ browser, origin }) {
    const { context, page, field } = await onDescription(browser, origin);
    try {
      await field.focus();
      const typed = [];
      const hidden = [];
      let length = 0;
      for (let i = 0; i < RUNS; i += 1) {
        // Typing: the last key's time, then the commit.
        await page.keyboard.type('The lid was missing. ');
        length += 'The lid was missing. '.length;
        const last = await page.evaluate(() => performance.now());
        typed.push((await page.evaluate(committedAt, length)) - last);
        // Hidden: one more key, and the page hidden before the pause that would save it.
        await page.keyboard.press('x');
        length += 1;
        const hiddenAt = await page.evaluate(() => {
          Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
          document.dispatchEvent(new Event('visibilitychange'));
          return performance.now();
        });
        hidden.push((await page.evaluate(committedAt, length)) - hiddenAt);
        await page.evaluate(() => {
          delete document.visibilityState;
          document.dispatchEvent(new Event('visibilitychange'));
        });
      }
      return [
        { what: 'last keystroke → committed in IndexedDB', value: median(typed), unit: 'ms', budget: 400, note: `median of ${RUNS}, max ${Math.max(...typed).toFixed(0)}` },
        { what: 'page hidden → committed in IndexedDB', value: median(hidden), unit: 'ms', budget: 50, note: `median of ${RUNS}, max ${Math.max(...hidden).toFixed(0)}` },
      ];
    } finally {
      await context.close();
    }
  },
};
