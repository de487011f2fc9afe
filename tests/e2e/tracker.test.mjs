// Tracking a complaint as a customer does: reference and email or PIN, against status files served by a
// real loopback server (the demo files from public/, or files a test publishes at the documented names).
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertAccessible } from './support/a11y.mjs';
import { openPage } from './support/browser.mjs';
import { useServerAndBrowser } from './support/harness.mjs';
import { statusPath, statusRecord } from './support/status.mjs';

const env = useServerAndBrowser();
let session;

// Before the demo's dates, so what is "ahead" and what is "overdue" does not change with the calendar.
const TODAY = new Date('2026-11-22T12:00:00Z');

beforeEach(() => env.server.reset());

afterEach(async () => {
  await session?.context.close();
  session = undefined;
});

async function openTracker({ now = TODAY } = {}) {
  session = await openPage(env.browser);
  await session.context.clock.setFixedTime(now);
  await session.page.goto(env.server.origin + '/track');
  await session.page.getByLabel('Complaint reference').waitFor();
  return session.page;
}

async function lookUp(page, reference, verifier) {
  await page.getByLabel('Complaint reference').fill(reference);
  await page.getByLabel('Email address or PIN').fill(verifier);
  await page.getByRole('button', { name: 'Find my complaint' }).click();
}

/** Publishes `record` (an object, or raw text) where the tracker looks for this reference and verifier. */
function publish(reference, verifier, record, { type = 'application/json' } = {}) {
  const body = typeof record === 'string' || Buffer.isBuffer(record) ? record : JSON.stringify(record);
  env.server.override(statusPath(reference, verifier), { status: 200, type, body });
}

/** The timeline's steps as the customer reads them, one line each. */
async function timeline(page, title = 'Progress') {
  const list = page.getByRole('region', { name: title }).getByRole('listitem');
  return (await list.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
}

/** Console errors other than the browser's own note about a failed request (a 404 is expected here). */
function pageErrors() {
  return session.problems.filter((p) => !p.includes('Failed to load resource'));
}

describe('looking up a complaint', () => {
  test('what the customer told us is listed with its date, and none of their words', async () => {
    publish(
      'CMP-E2E-0001',
      'told@example.com',
      statusRecord({
        replies: [
          { kind: 'information', at: '2026-11-17T10:05:00Z' },
          { kind: 'rating', at: '2026-11-18T09:00:00Z', stars: 4 },
          { kind: 'a-kind-from-a-newer-server', at: '2026-11-18T09:30:00Z' },
        ],
      }),
    );
    const page = await openTracker();
    await lookUp(page, 'CMP-E2E-0001', 'told@example.com');
    const told = page.getByRole('region', { name: 'What you have told us' });
    await told.waitFor();
    const lines = (await told.getByRole('listitem').allInnerTexts()).map((t) => t.trim());
    assert.equal(lines.length, 2, lines.join(' | '));
    assert.match(lines[0], /^You added information on .*17.*Nov.*2026/);
    assert.match(lines[1], /^You rated how your complaint was handled 4 out of 5 on /);
    assert.deepEqual(pageErrors(), []);
  });

  test("the organisation's words in the page's language, else in the one the file has, said so", async () => {
    publish(
      'CMP-E2E-0001',
      'langs@example.com',
      statusRecord({
        history: [
          { stage: 'received', at: '2026-11-16T10:12:00Z' },
          { stage: 'acknowledged', at: '2026-11-16T15:40:00Z', message: { ko: '접수했습니다.', en: 'We have your complaint.' } },
          { stage: 'investigating', at: '2026-11-17T09:30:00Z', message: { ko: '택배사에 확인하고 있습니다.' } },
        ],
        next_step: { pl: 'Odezwiemy się po raporcie kuriera.', en: "We will write once the courier's report is in." },
        deadlines: [{ step: 'decide', due: '2026-12-11', rule: { ko: '택배사 보고서를 기다리고 있습니다' } }],
      }),
    );
    const page = await openTracker();
    await page.getByLabel('Language').selectOption('pl');
    await page.getByLabel('Numer zgłoszenia').fill('CMP-E2E-0001');
    await page.getByLabel('Adres e-mail lub PIN').fill('langs@example.com');
    await page.getByRole('button', { name: 'Znajdź moje zgłoszenie' }).click();
    await page.getByText('Odezwiemy się po raporcie kuriera.', { exact: true }).waitFor();
    const steps = await timeline(page, 'Przebieg');
    assert.ok(steps.some((s) => s.endsWith('접수했습니다. (w języku koreańskim)')), steps.join('\n'));
    assert.ok(steps.some((s) => s.endsWith('택배사에 확인하고 있습니다. (w języku koreańskim)')), steps.join('\n'));
    assert.ok(steps.some((s) => s.includes('(택배사 보고서를 기다리고 있습니다 (w języku koreańskim))')), steps.join('\n'));
    assert.equal(await page.locator('[lang="ko"]', { hasText: '택배사에 확인하고 있습니다.' }).count(), 1, 'read out in Korean');
    // In English, the English where the file has it; the Korean only where it has nothing else.
    await page.getByLabel('Język').selectOption('en');
    await page.getByText("We will write once the courier's report is in.", { exact: true }).waitFor();
    const english = await timeline(page);
    assert.ok(english.some((s) => s.endsWith('We have your complaint.')), english.join('\n'));
    assert.ok(english.some((s) => s.endsWith('택배사에 확인하고 있습니다. (shown in Korean)')), english.join('\n'));
    assert.deepEqual(pageErrors(), []);
  });

  test("the demo complaints in Korean and Polish: the organisation's own words in the page's language", async () => {
    session = await openPage(env.browser);
    await session.context.clock.setFixedTime(TODAY);
    const page = session.page;
    await page.goto(`${env.server.origin}/track#reference=CMP-DEMO-0001&verifier=demo%40example.com`);
    await page.getByRole('heading', { level: 2, name: 'Complaint CMP-DEMO-0001' }).waitFor();
    await page.getByLabel('Language').selectOption('ko');
    await page.locator('span[lang="ko"]', { hasText: '택배사에 배송 기록을 요청했습니다.' }).waitFor();
    await page.locator('span[lang="ko"]', { hasText: '택배사의 조회가 끝나는 대로 처리 결과를 알려 드리겠습니다.' }).waitFor();
    const korean = await page.locator('main').innerText();
    assert.ok(!/courier|parcel/i.test(korean), `no English on the Korean page: ${korean}`);
    assert.equal(await page.locator('.org-words__language').count(), 0, 'nothing is marked as another language');

    // The other demo complaint, decided: its decision's summary too, in Korean, then in Polish.
    const language = page.getByLabel(/^(Language|언어|Język)$/);
    await page.goto('about:blank');
    await page.goto(`${env.server.origin}/track#reference=CMP-DEMO-0002&verifier=7KQ2M9X4`);
    await page.getByRole('heading', { level: 2, name: /CMP-DEMO-0002/ }).waitFor();
    await language.selectOption('ko');
    await page.locator('span[lang="ko"]', { hasText: '새 전기포트로 교환해 드렸습니다.' }).waitFor();
    await language.selectOption('pl');
    await page.locator('span[lang="pl"]', { hasText: 'Wymieniliśmy czajnik na nowy.' }).waitFor();
    assert.ok(!/kettle/i.test(await page.locator('main').innerText()));
    assert.deepEqual(pageErrors(), []);
  });

  test('a message the organisation wrote in English only is shown as written, marked in the page\'s language', async () => {
    publish(
      'CMP-E2E-0002',
      'english@example.com',
      statusRecord({
        reference: 'CMP-E2E-0002',
        history: [
          { stage: 'received', at: '2026-11-16T10:12:00Z' },
          { stage: 'acknowledged', at: '2026-11-16T15:40:00Z', message: { en: 'We have asked the courier.' } },
        ],
      }),
    );
    session = await openPage(env.browser);
    await session.context.clock.setFixedTime(TODAY);
    const page = session.page;
    await page.goto(`${env.server.origin}/track#reference=CMP-E2E-0002&verifier=english%40example.com`);
    await page.getByRole('heading', { level: 2, name: 'Complaint CMP-E2E-0002' }).waitFor();
    await page.getByLabel('Language').selectOption('ko');
    // As written, read out in English, and a note in Korean after it saying so.
    const note = page.locator('.org-words__language');
    await note.waitFor();
    assert.equal(await note.count(), 1);
    assert.match(await note.innerText(), /[가-힣]/, 'the note is in Korean');
    assert.equal(await page.locator('span[lang="en"]', { hasText: 'We have asked the courier.' }).count(), 1);
    assert.deepEqual(pageErrors(), []);
  });

  test("the mail's link opens the status at once and leaves no reference or address in the address bar", async () => {
    session = await openPage(env.browser);
    await session.context.clock.setFixedTime(TODAY);
    const page = session.page;
    await page.goto(`${env.server.origin}/track#reference=CMP-DEMO-0001&verifier=demo%40example.com`);
    await page.getByRole('heading', { level: 2, name: 'Complaint CMP-DEMO-0001' }).waitFor();
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(await page.evaluate(() => location.href.includes('demo')), false);
    // Nothing of it reached a server: the fragment is never sent.
    assert.ok(env.server.requests.every((r) => !r.path.includes('CMP-DEMO') && !r.path.includes('demo%40')));
    assert.deepEqual(pageErrors(), []);
  });

  test("the mail's link finds the status by its proof, with no email address anywhere", async () => {
    // The link the intake mails (docs/status.md): the reference and the Reply-Proof; the file's second name.
    const proof = '9a57c0de'.repeat(8);
    publish('CMP-E2E-0001', proof, statusRecord());
    session = await openPage(env.browser);
    await session.context.clock.setFixedTime(TODAY);
    const page = session.page;
    await page.goto(`${env.server.origin}/track#reference=CMP-E2E-0001&proof=${proof}`);
    await page.getByRole('heading', { level: 2, name: 'Complaint CMP-E2E-0001' }).waitFor();
    assert.equal(new URL(page.url()).hash, '');
    // The proof is never shown as if it were the customer's address, nor left in the address bar.
    assert.equal(await page.getByLabel('Email address or PIN').inputValue(), '');
    assert.equal(await page.evaluate((p) => location.href.includes(p), proof), false);
    assert.ok(env.server.requests.every((r) => !r.path.includes(proof) && !r.path.includes('CMP-E2E')));
    assert.deepEqual(pageErrors(), []);
  });

  test('the demo complaint shows where it stands, its history and the dated steps ahead', async () => {
    const page = await openTracker();
    await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
    const heading = page.getByRole('heading', { level: 2, name: 'Complaint CMP-DEMO-0001' });
    // The result takes focus (in the frame after it is drawn).
    await heading.and(page.locator(':focus')).waitFor();
    await page.getByText('Where it stands: Investigation').waitFor();
    await page.getByText('A delivery', { exact: true }).waitFor();
    await page.getByText('Last updated Tue, 17 Nov 2026, 09:30').waitFor();
    await page.getByRole('region', { name: 'What happens next' }).getByText(/as soon as the courier has finished searching/).waitFor();

    const steps = await timeline(page);
    assert.deepEqual(steps.slice(0, 3), [
      'Done: Registration Mon, 16 Nov 2026, 10:12',
      'Done: Acknowledgement Mon, 16 Nov 2026, 15:40 Thank you for telling us about the missing parcel. We have asked the courier for their delivery record.',
      'Current stage: Investigation Tue, 17 Nov 2026, 09:30 The courier is now searching for parcel NW-48213.',
    ]);
    assert.deepEqual(steps.slice(3), [
      // Ten business days from Monday 16 November (London): Monday 30 November.
      'Still to come: Decision Expected by Mon, 30 Nov 2026 (We decide within 10 working days)',
      'Still to come: Closure',
    ]);
    const current = page.locator('[aria-current="step"]');
    assert.match(await current.innerText(), /Investigation/);
    assert.equal(await page.getByRole('heading', { name: 'This is taking longer than promised' }).count(), 0);
    await assertAccessible(page);
    assert.deepEqual(pageErrors(), []);
  });

  test('the reference and email may be typed in any case and spacing; a PIN works the same way', async () => {
    const page = await openTracker();
    await lookUp(page, ' cmp demo-0001 ', '  Demo@Example.COM ');
    await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0001' }).waitFor();

    await lookUp(page, 'CMP-DEMO-0002', '7kq2 m9x4');
    await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0002' }).waitFor();
    await page.getByText('Where it stands: Closure').waitFor();
    const decision = page.getByRole('region', { name: 'Our decision' });
    await decision.getByText('We agreed with your complaint.').waitFor();
    await decision.getByText('We replaced your kettle with a new one.').waitFor();
    assert.ok(!(await timeline(page)).some((s) => s.startsWith('Still to come')), 'nothing is ahead of a closed complaint');
  });

  test('an unknown reference and a wrong verifier get the same neutral answer', async () => {
    const page = await openTracker();
    await lookUp(page, 'CMP-DEMO-0001', 'someone@else.example');
    const alert = page.getByRole('alert').filter({ hasText: 'could not find' });
    await alert.waitFor();
    const wrongVerifier = await alert.innerText();

    await lookUp(page, 'CMP-NOPE-9999', 'demo@example.com');
    await page.getByText('Looking up your complaint…').waitFor({ state: 'detached' });
    const unknownReference = await page.getByRole('alert').filter({ hasText: 'could not find' }).innerText();
    assert.equal(unknownReference, wrongVerifier, 'nothing tells the two apart');
    assert.match(wrongVerifier, /Check the reference and the email address or PIN/);
    assert.equal(await page.getByRole('heading', { level: 2 }).count(), 0);
    assert.deepEqual(pageErrors(), []);
  });

  test('in Polish and Korean: stages, dates and rules in the language chosen', async () => {
    const page = await openTracker();
    await page.getByLabel('Language').selectOption('pl');
    await page.getByLabel('Numer zgłoszenia').waitFor();
    await page.getByLabel('Numer zgłoszenia').fill('CMP-DEMO-0001');
    await page.getByLabel('Adres e-mail lub PIN').fill('demo@example.com');
    await page.getByRole('button', { name: 'Znajdź moje zgłoszenie' }).click();
    await page.getByText('Obecny etap: Wyjaśnianie', { exact: true }).waitFor();
    assert.ok(
      (await timeline(page, 'Przebieg')).some((s) => s.startsWith('Kolejny etap: Odpowiedź Przewidywany termin: 30 listopada 2026 r.')),
      (await timeline(page, 'Przebieg')).join('\n'),
    );
    await page.getByLabel('Język').selectOption('ko');
    await page.getByText('현재 단계: 사실 확인', { exact: true }).waitFor();
    assert.ok((await timeline(page, '진행 과정')).some((s) => s.includes('영업일 기준 10일')));
  });

  test('a long history shows its newest steps first; "Show the N earlier steps" brings the rest, focus on the first', async () => {
    // Twelve rounds of answers and reopening: fourteen steps done, of which the newest five show at first.
    const round = ['assessing', 'investigating', 'responded', 'reopened'];
    const stages = ['received', 'acknowledged'];
    while (stages.length < 14) stages.push(round[(stages.length - 2) % round.length]);
    const at = (i) => new Date(Date.UTC(2026, 10, 16, 9) + i * 3_600_000).toISOString().replace('.000', '');
    const history = stages.map((stage, i) => ({ stage, at: at(i), ...(i ? { message: `Update ${i}.` } : {}) }));
    publish('CMP-E2E-0001', 'long@example.com', statusRecord({ history, updated_at: at(13) }));
    const page = await openTracker();
    await lookUp(page, 'CMP-E2E-0001', 'long@example.com');
    const progress = page.getByRole('region', { name: 'Progress' });
    const earlier = progress.getByRole('button', { name: 'Show the 9 earlier steps' });
    await earlier.waitFor();
    const shown = (await timeline(page)).filter((s) => !s.startsWith('Still to come'));
    assert.equal(shown.length, 5, shown.join('\n'));
    assert.match(shown[0], /^Done: .* Update 9\.$/, 'the newest five, oldest of them first');
    assert.match(shown[4], /^Current stage: .* Update 13\.$/);
    assert.ok((await timeline(page)).some((s) => s.startsWith('Still to come')), 'what is ahead stays in view');
    // Counted in each language.
    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('region', { name: 'Przebieg' }).getByRole('button', { name: 'Pokaż 9 wcześniejszych etapów' }).waitFor();
    await page.getByLabel('Język').selectOption('en');

    await earlier.click();
    await progress.getByRole('listitem').and(page.locator(':focus')).waitFor();
    const all = (await timeline(page)).filter((s) => !s.startsWith('Still to come'));
    assert.equal(all.length, 14, all.join('\n'));
    assert.match(all[0], /^Done: Registration/);
    assert.match(await page.evaluate(() => document.activeElement.innerText), /^Done:\s+Registration/, 'the focus on the first step it brought');
    assert.equal(await progress.getByRole('button', { name: /earlier steps/ }).count(), 0, 'the button goes');
    await assertAccessible(page);
    assert.deepEqual(pageErrors(), []);
  });

  test('both fields are required, and the error summary says so', async () => {
    const page = await openTracker();
    await page.getByRole('button', { name: 'Find my complaint' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: 'Enter your complaint reference' }).waitFor();
    await summary.getByRole('link', { name: 'Enter the email address or PIN you gave us' }).waitFor();
    assert.equal(env.server.requests.filter((r) => r.path.startsWith('/api/v1/status/')).length, 0);
  });
});

describe('expected dates', () => {
  test('a passed decision date is flagged calmly, with whom to contact and the ombudsman', async () => {
    publish('CMP-E2E-0001', 'late@example.com', statusRecord());
    const page = await openTracker({ now: new Date('2026-12-02T09:00:00Z') });
    await lookUp(page, 'CMP-E2E-0001', 'late@example.com');
    const help = page.getByRole('region', { name: 'This is taking longer than promised' });
    await help.waitFor();
    await help.getByText(/We are sorry for the wait/).waitFor();
    await help.getByRole('link', { name: 'complaints@northwind.example' }).waitFor();
    await help.getByText(/you can also contact The Consumer Ombudsman \(UK\)/).waitFor();
    assert.equal(await help.getByRole('link', { name: 'https://ombudsman.example/complain' }).getAttribute('href'), 'https://ombudsman.example/complain');
    const steps = await timeline(page);
    assert.ok(
      steps.includes('Still to come: Decision Expected by Mon, 30 Nov 2026 (We decide within 10 working days) This date has passed'),
      steps.join('\n'),
    );
    await assertAccessible(page);
  });

  test('on the last day a step is "due today"; a date the organisation set replaces the promise', async () => {
    publish('CMP-E2E-0001', 'today@example.com', statusRecord());
    let page = await openTracker({ now: new Date('2026-11-30T15:00:00Z') });
    await lookUp(page, 'CMP-E2E-0001', 'today@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-E2E-0001' }).waitFor();
    assert.ok((await timeline(page)).some((s) => s.endsWith('(We decide within 10 working days) Due today')));
    assert.equal(await page.getByRole('region', { name: 'This is taking longer than promised' }).count(), 0);
    await session.context.close();

    publish(
      'CMP-E2E-0001',
      'extended@example.com',
      statusRecord({ deadlines: [{ step: 'decide', due: '2026-12-11', rule: 'Extended: we are waiting for the courier’s report' }] }),
    );
    page = await openTracker({ now: new Date('2026-12-02T09:00:00Z') });
    await lookUp(page, 'CMP-E2E-0001', 'extended@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-E2E-0001' }).waitFor();
    assert.ok(
      (await timeline(page)).includes(
        'Still to come: Decision Expected by Fri, 11 Dec 2026 (Extended: we are waiting for the courier’s report)',
      ),
    );
    assert.equal(await page.getByRole('region', { name: 'This is taking longer than promised' }).count(), 0);
  });

  test('an acknowledgement promised in hours shows its exact time', async () => {
    publish('CMP-E2E-0001', 'new@example.com', statusRecord({ history: [{ stage: 'received', at: '2026-11-21T18:30:00Z' }] }));
    const page = await openTracker();
    await lookUp(page, 'CMP-E2E-0001', 'new@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-E2E-0001' }).waitFor();
    assert.ok(
      (await timeline(page)).includes(
        'Still to come: Acknowledgement Expected by Sun, 22 Nov 2026, 18:30 (We acknowledge every complaint within 24 hours)',
      ),
    );
  });
});

describe('bad status files never break the page', () => {
  const broken = {
    'malformed JSON': '{"schema_version": 1, "history": [',
    'wrong types': JSON.stringify(statusRecord({ history: 'received' })),
    'missing fields': JSON.stringify({ schema_version: 1, history: [] }),
    'an unknown stage': JSON.stringify(statusRecord({ history: [{ stage: 'received', at: '2026-11-16T10:12:00Z' }, { stage: 'escalated', at: '2026-11-17T10:00:00Z' }] })),
    'dates out of order': JSON.stringify(statusRecord({ history: [{ stage: 'received', at: '2026-11-16T10:12:00Z' }, { stage: 'acknowledged', at: '2026-11-01T10:00:00Z' }] })),
    'a 10 MB file': Buffer.alloc(10 * 1024 * 1024, 0x20),
  };
  for (const [what, body] of Object.entries(broken)) {
    test(`${what}: a clear message, no panic`, async () => {
      publish('CMP-E2E-0001', 'broken@example.com', body);
      const page = await openTracker();
      await lookUp(page, 'CMP-E2E-0001', 'broken@example.com');
      await page.getByRole('alert').filter({ hasText: 'The status of this complaint cannot be shown right now' }).waitFor();
      assert.equal(await page.getByRole('heading', { level: 2 }).count(), 0);
      // Still alive: the form answers again.
      await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
      await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0001' }).waitFor();
      assert.deepEqual(pageErrors(), []);
    });
  }

  test('a server that does not answer: a message and Try again, which works once it does', async () => {
    env.server.slow(/^\/api\/v1\/status\//, 12_000);
    const page = await openTracker();
    await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
    await page.getByText('Looking up your complaint…').waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'We could not reach the complaint tracker' });
    await alert.waitFor({ timeout: 15_000 });
    env.server.reset();
    await alert.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0001' }).waitFor();
  });

  test('a failing server (500) is "could not reach", not "not found"', async () => {
    env.server.override(statusPath('CMP-DEMO-0001', 'demo@example.com'), { status: 500, body: 'oops' });
    const page = await openTracker();
    await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
    await page.getByRole('alert').filter({ hasText: 'We could not reach the complaint tracker' }).waitFor();
  });

  test('messages are shown as text: HTML in a status file is never interpreted', async () => {
    const html = '<img src=x onerror="window.__injected = true"><b>bold</b>';
    publish('CMP-E2E-0001', 'html@example.com', statusRecord({ next_step: html, history: [{ stage: 'received', at: '2026-11-16T10:12:00Z', message: html }] }));
    const page = await openTracker();
    await lookUp(page, 'CMP-E2E-0001', 'html@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-E2E-0001' }).waitFor();
    assert.equal(await page.getByText(html, { exact: true }).count(), 2, 'the markup appears literally, twice');
    assert.equal(await page.locator('.lookup-result img, .lookup-result b').count(), 0);
    assert.equal(await page.evaluate(() => window.__injected), undefined);
  });
});

describe('offline and from this device', () => {
  test('offline, the last status fetched on this device is shown "as of" its time', async () => {
    const page = await openTracker();
    // Once the service worker controls the page (and has the config), the tracker opens with no network.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0001' }).waitFor();
    await session.context.setOffline(true);
    await page.reload();
    await page.getByLabel('Complaint reference').waitFor();
    await lookUp(page, 'CMP-DEMO-0001', 'demo@example.com');
    await page.getByRole('heading', { name: 'Complaint CMP-DEMO-0001' }).waitFor();
    await page.getByText(/Showing the status saved on this device, as of Sun, 22 Nov 2026, 12:00/).waitFor();
    await page.getByText('Where it stands: Investigation').waitFor();
    // Someone without the verifier gets nothing from the saved copy.
    await lookUp(page, 'CMP-DEMO-0001', 'guess@example.com');
    await page.getByRole('alert').filter({ hasText: 'We could not reach the complaint tracker' }).waitFor();
    assert.equal(await page.getByRole('heading', { level: 2, name: /CMP-DEMO-0001/ }).count(), 0);
  });

  test('a complaint sent from this device is tracked in one tap from the confirmation, then from "my complaints"', async () => {
    const { Filing } = await import('./support/filing.mjs');
    env.server.intake();
    publish('CMP-TEST-0001', 'mina@example.com', statusRecord({ reference: 'CMP-TEST-0001', category: 'something-else' }));
    session = await openPage(env.browser);
    const page = session.page;
    await page.goto(env.server.origin + '/');
    const filing = new Filing(page);
    await filing.chooseCategory('Something else');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'The shop would not give me a receipt.' });
    await filing.chooseOutcome('Explain what happened');
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Mina Seo', email: 'mina@example.com' });
    await filing.send();
    assert.equal(await filing.confirmation(), 'CMP-TEST-0001');

    await page.getByRole('link', { name: 'Track your complaint' }).click();
    await page.getByRole('heading', { name: 'Complaint CMP-TEST-0001' }).waitFor();
    assert.equal(await page.getByLabel('Email address or PIN').inputValue(), 'mina@example.com', 'no retyping');

    // The organisation moves it on; the list shows the new stage with no lookup at all.
    const record = statusRecord({ reference: 'CMP-TEST-0001', category: 'something-else' });
    record.history.push({ stage: 'investigating', at: '2026-11-17T09:00:00Z' });
    publish('CMP-TEST-0001', 'mina@example.com', record);
    await page.goto(env.server.origin + '/track');
    const mine = page.getByRole('region', { name: 'Complaints sent from this device' });
    await mine.getByText('Last known status: Investigation').waitFor();
    assert.equal(await page.getByRole('heading', { level: 2, name: /CMP-TEST-0001/ }).count(), 0, 'nothing looked up');
    await mine.getByRole('button', { name: 'Track this complaint CMP-TEST-0001' }).click();
    await page.getByText('Where it stands: Investigation').waitFor();
  });
});
