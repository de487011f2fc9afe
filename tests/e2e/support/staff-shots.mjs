// Screenshots of the staff desk (issue #23): each screen in every language the desk offers, saved under
// target/screenshots/staff and checked by axe, for the journey and landing tests alike.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { assertAccessible } from './a11y.mjs';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const SHOTS = join(ROOT, 'target/screenshots/staff');
const LANGUAGES = { en: 'English', ko: '한국어', pl: 'Polski' };

/** The screen in each language, saved and checked by axe; back in English after. */
export async function shoot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  for (const [lang, endonym] of Object.entries(LANGUAGES)) {
    await page.getByLabel(/^(Language|언어|Język)$/).selectOption({ label: endonym });
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await page.screenshot({ path: join(SHOTS, `${name}.${lang}.png`), fullPage: true });
    await assertAccessible(page);
  }
  await page.getByLabel(/^(Language|언어|Język)$/).selectOption({ label: 'English' });
  await page.locator('html[lang="en"]').waitFor();
}
