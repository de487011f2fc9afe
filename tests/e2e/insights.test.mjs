// "How we handle complaints" (/insights): the demo insights file drawn as charts in en/ko/pl, each chart's
// figures one keyboard press away as a table, axe-clean; and a missing, malformed or hostile file leaves a
// calm page and the rest of the app working.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { assertAccessible } from './support/a11y.mjs';
import { openPage } from './support/browser.mjs';
import { useServerAndBrowser } from './support/harness.mjs';

const env = useServerAndBrowser();
let session;

const DEMO = JSON.parse(readFileSync(new URL('../../public/api/v1/insights.json', import.meta.url), 'utf8'));

beforeEach(() => env.server.reset());

afterEach(async () => {
  await session?.context.close();
  session = undefined;
});

async function openInsights({ colorScheme } = {}) {
  session = await openPage(env.browser);
  if (colorScheme) await session.page.emulateMedia({ colorScheme });
  await session.page.goto(env.server.origin + '/insights');
  await session.page.getByRole('heading', { level: 1, name: 'How we handle complaints' }).waitFor();
  return session.page;
}

/** Console errors other than the browser's own note about a failed request (a 404 is expected here). */
function pageErrors() {
  return session.problems.filter((p) => !p.includes('Failed to load resource'));
}

function serveInsights(body, { status = 200 } = {}) {
  env.server.override('/api/v1/insights.json', {
    status,
    type: 'application/json',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('how we handle complaints', () => {
  test('the demo figures as charts, each with a table by keyboard, in en, pl and ko, axe-clean in both schemes', async () => {
    const page = await openInsights();
    const received = page.getByRole('region', { name: 'Complaints received each week' });
    await received.getByRole('img', { name: 'Complaints received each week' }).waitFor();
    assert.ok((await received.locator('rect').count()) > 20, 'bars are drawn');
    await page.getByRole('region', { name: 'What we promise' }).getByText('We decide within 10 working days').waitFor();
    await page.getByRole('region', { name: 'What went wrong most often' }).getByText('Courier delay').waitFor();
    await assertAccessible(page);

    // The toggle by keyboard: focus it, press Enter, the table replaces the chart; Space brings the chart back.
    const toggle = received.getByRole('button', { name: 'Show as table' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const table = received.getByRole('table');
    await table.waitFor();
    assert.equal(await received.getByRole('img').count(), 0);
    const lastWeek = DEMO.weeks.filter((r) => !r.category).at(-1);
    // Weeks in words: "week 48, 2026", never "2026-W48".
    const [year, week] = lastWeek.week.split('-W');
    const row = table.getByRole('row', { name: new RegExp(`week ${Number(week)}, ${year}`) });
    assert.match(await row.innerText(), new RegExp(String(lastWeek.received)));
    assert.match(await table.innerText(), /fewer than 5/, 'suppressed cells say so');
    assert.equal(await received.getByRole('button', { name: 'Show as chart' }).getAttribute('aria-pressed'), 'true');
    await assertAccessible(page);
    await page.keyboard.press('Space');
    await received.getByRole('img').waitFor();

    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('heading', { level: 1, name: 'Jak rozpatrujemy zgłoszenia' }).waitFor();
    await page.getByRole('heading', { name: 'Rozpatrzone w obiecanym terminie' }).waitFor();
    await page.getByText('Opóźnienie kuriera').waitFor();
    await page.getByLabel('Język').selectOption('ko');
    await page.getByRole('heading', { level: 1, name: '불만 처리 실적' }).waitFor();
    await page.getByText('택배 지연').waitFor();
    await page.getByRole('button', { name: '표로 보기' }).first().waitFor();
    await assertAccessible(page);
    assert.deepEqual(pageErrors(), []);

    await session.context.close();
    const dark = await openInsights({ colorScheme: 'dark' });
    await dark.getByRole('img', { name: 'Decided within the promised time' }).waitFor();
    await assertAccessible(dark);
  });

  test('a missing or malformed file is a calm message, and the rest of the app is unaffected', async () => {
    serveInsights('{"schema_version": 1, "weeks": [', { status: 200 });
    let page = await openInsights();
    await page.getByText('Our complaint figures cannot be shown right now.').waitFor();
    await page.getByRole('region', { name: 'What we promise' }).waitFor();
    await assertAccessible(page);
    await session.context.close();

    env.server.override('/api/v1/insights.json', { status: 404, type: 'text/plain', body: 'not here' });
    page = await openInsights();
    await page.getByText('Our complaint figures cannot be shown right now.').waitFor();
    await page.getByRole('link', { name: 'Track a complaint' }).first().click();
    await page.getByLabel('Complaint reference').waitFor();
    await page.getByRole('link', { name: 'How we are doing' }).click();
    await page.getByText('Our complaint figures cannot be shown right now.').waitFor();
    assert.deepEqual(pageErrors(), []);
  });

  test('impossible figures and ten years of weeks: the page draws the latest weeks and says what it left out', async () => {
    const template = DEMO.weeks.find((r) => !r.category);
    const weeks = [];
    for (let year = 2017; year < 2027; year += 1) {
      for (let week = 1; week <= 52; week += 1) {
        weeks.push({ ...template, week: `${year}-W${String(week).padStart(2, '0')}` });
      }
    }
    weeks.push({ ...template, category: 'delivery', received: -4 });
    weeks.push({ ...template, category: 'delivery', decided_on_time: 250 });
    weeks.push({ ...template, category: 'time-travel' });
    serveInsights({
      ...DEMO,
      weeks,
      causes: [...DEMO.causes, { cause: 'gremlins', last_4_weeks: 9, last_13_weeks: 99, previous_4_weeks: 1, trend: 'rising' }],
    });
    const page = await openInsights();
    await page.getByText('Only the latest 26 weeks are shown.').waitFor();
    await page.getByText('Some figures are left out because they did not add up.').waitFor();
    const onTime = page.getByRole('region', { name: 'Decided within the promised time' });
    await onTime.getByRole('button', { name: 'Show as table' }).click();
    assert.equal(await onTime.getByRole('row').count(), 27, 'a header and 26 weeks');
    assert.equal(await page.getByText('gremlins').count(), 0);
    assert.deepEqual(pageErrors(), []);
  });
});
