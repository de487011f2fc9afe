// Typing into a long description at CPU ×4: the description holds 9,800 characters, then 200 more are
// typed one key at a time, to 10,000. Each keystroke → the next paint: from the key event's own time
// stamp to the first task after the next animation frame (the frame the new character is drawn in).
// Median and 95th percentile, budget 50 ms (p95).
import { PHONE } from '../../e2e/support/browser.mjs';
import { Filing } from '../../e2e/support/filing.mjs';

const TYPED = 200;
const TOTAL = 10_000;
export const CPU_SLOWDOWN = 4;

/** A fresh phone-sized page on the description step of a new complaint. */
export async function onDescription(browser, origin, category = 'A delivery') {
  const context = await browser.newContext({ viewport: PHONE, locale: 'en-GB', hasTouch: true });
  const page = await context.newPage();
  await page.goto(origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory(category);
  await filing.skipCommonAnswers();
  const field = page.getByLabel('Describe what happened');
  await field.waitFor();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  return { context, page, field };
}

const percentile = (xs, p) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

export default {
  name: 'typing',
  async run({ browser, origin }) {
    const { context, page, field } = await onDescription(browser, origin);
    try {
      await field.fill('a'.repeat(TOTAL - TYPED));
      await field.focus();
      await page.evaluate(() => {
        window.__keys = [];
        document.addEventListener(
          'keydown',
          (e) => {
            const pressed = e.timeStamp;
            requestAnimationFrame(() => setTimeout(() => window.__keys.push(performance.now() - pressed), 0));
          },
          true,
        );
      });
      for (let i = 0; i < TYPED; i += 1) await page.keyboard.press('b');
      await page.waitForFunction((n) => window.__keys.length >= n, TYPED);
      const times = await page.evaluate(() => window.__keys);
      const length = await field.evaluate((el) => el.value.length);
      if (length !== TOTAL) throw new Error(`typing: the description has ${length} characters, not ${TOTAL}`);
      return [
        { what: `keystroke → next paint, ${TOTAL.toLocaleString('en')} characters, CPU ×${CPU_SLOWDOWN}: median`, value: percentile(times, 50), unit: 'ms', note: `${TYPED} keys typed` },
        { what: `keystroke → next paint, ${TOTAL.toLocaleString('en')} characters, CPU ×${CPU_SLOWDOWN}: p95`, value: percentile(times, 95), unit: 'ms', budget: 50 },
      ];
    } finally {
      await context.close();
    }
  },
};
