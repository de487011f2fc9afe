// WCAG 2.2 AA in English: the screen-by-screen sweep (support/sweep.mjs says what it measures; Korean and
// Polish run it in a11y-ko.test.mjs and a11y-pl.test.mjs), and a complete filing and status lookup with the
// keyboard alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { openPage } from './support/browser.mjs';
import { useServerAndBrowser } from './support/harness.mjs';
import { Filing, daysAgo } from './support/filing.mjs';
import { noisePng } from './support/images.mjs';
import { sweep } from './support/sweep.mjs';

const env = useServerAndBrowser();

sweep(env, 'en');

/** Presses Tab (or Shift-Tab) until `selector` has focus, checking at each stop that the focus is visible
 *  (2.4.7) and not hidden behind other content (2.4.11: the element at the centre of the focused box is the
 *  focused element, or its label or content). Returns the stops on the way. */
async function tabTo(page, selector, { back = false, most = 40 } = {}) {
  const stops = [];
  for (let i = 0; i < most; i += 1) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const stop = await page.evaluate((wanted) => {
      const el = document.activeElement;
      if (!el || el === document.body) return { at: 'body' };
      // A file input is invisible: its label, just before it, shows the focus.
      const shown = el.matches('.file-picker__input') ? el.previousElementSibling : el;
      const style = getComputedStyle(shown);
      // Inside a date field (its segments, its calendar button) the focus is on the browser's own parts, which
      // the browser highlights itself; the field shows our ring when focus arrives from outside.
      const segment = el.matches('input[type=date]') && !el.matches(':focus-visible');
      const ring = segment || ((el.matches(':focus-visible') || shown !== el) && ((style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none'));
      const box = shown.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      const covered = !(hit && (hit === shown || shown.contains(hit) || hit.contains(shown) || (el.labels && [...el.labels].includes(hit))));
      const label = `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} “${(el.textContent || el.value || '').trim().slice(0, 30)}”`;
      return { at: label, matches: el.matches(wanted), visible: ring, covered };
    }, selector);
    stops.push(stop.at);
    if (stop.at !== 'body') {
      assert.ok(stop.visible, `focus is visible on ${stop.at}`);
      assert.ok(!stop.covered, `focus is not hidden behind other content on ${stop.at}`);
    }
    if (stop.matches) return stops;
  }
  throw new Error(`never reached ${selector} by ${back ? 'Shift-Tab' : 'Tab'}: ${stops.join(' → ')}`);
}

/** The focused element's id and tag, the heading's description when it is the step heading, the page's h1s
 * and the document's title. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    const described = el?.getAttribute('aria-describedby');
    return {
      id: el?.id,
      tag: el?.tagName,
      text: el?.textContent.trim(),
      description: described && document.getElementById(described)?.textContent.trim(),
      h1s: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()),
      title: document.title,
    };
  });

test('a complete filing and a status lookup with the keyboard alone', async () => {
  env.server.reset();
  env.server.intake();
  const { context, page, problems } = await openPage(env.browser, { locale: 'en-GB' });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(env.server.origin + '/');
  await page.locator('#category').waitFor();
  // Nothing moves when less motion is asked for.
  assert.deepEqual(
    await page.evaluate(() =>
      [...document.querySelectorAll('*')]
        .map((el) => getComputedStyle(el))
        .filter((s) => s.animationName !== 'none' || !s.transitionDuration.split(',').every((d) => parseFloat(d) === 0))
        .map((s) => s.animationName),
    ),
    [],
  );
  const nextStep = async (n, question) => {
    await page.getByText(`Step ${n} of 7`, { exact: true }).waitFor();
    const now = await focused(page);
    assert.equal(now.id, 'step-heading', `step ${n}: its heading has focus`);
    assert.equal(now.text, question);
    assert.deepEqual([now.tag, now.h1s], ['H1', [question]], `step ${n}: the question is the page's one h1`);
    assert.equal(now.title, `${question} – Make a complaint – Complaint desk`, `step ${n}: the title names the question`);
    assert.equal(now.description, `Step ${n} of 7`, 'the progress is read with the heading');
  };

  // Step 1: into the radio group, arrows move the choice; Enter on Continue.
  await tabTo(page, '#category');
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#category-something-else').isChecked(), true, 'arrows choose in a radio group');
  await page.keyboard.press('ArrowUp');
  assert.equal(await page.locator('#category-delivery').isChecked(), true);
  await page.keyboard.press('ArrowDown');
  await tabTo(page, 'form.step button[type=submit]');
  await page.keyboard.press('Enter');
  await nextStep(2, 'Common answers to problems like yours');

  // Step 2: Space on "Continue with my complaint".
  await tabTo(page, '.answers ~ .button');
  await page.keyboard.press('Space');
  await nextStep(3, 'What happened?');

  // Step 3: typed answers, the date typed into its segments; Shift-Tab goes back a field.
  await tabTo(page, '#description');
  await page.keyboard.type('The counter staff were rude to me.');
  // The date field's segments follow the browser's own language (month first in an en-US Chromium, day
  // first elsewhere): typed in one order, and again in the other if the field read it the other way.
  const [y, m, d] = daysAgo(1).split('-');
  for (const order of [`${m}${d}${y}`, `${d}${m}${y}`]) {
    await tabTo(page, '#happened-on');
    await page.keyboard.type(order);
    if ((await page.locator('#happened-on').inputValue()) === daysAgo(1)) break;
    await tabTo(page, '#description', { back: true });
  }
  assert.equal(await page.locator('#happened-on').inputValue(), daysAgo(1));
  await tabTo(page, 'form.step button[type=submit]');
  await tabTo(page, '#happened-on', { back: true });
  await tabTo(page, 'form.step button[type=submit]');
  await page.keyboard.press('Enter');
  await nextStep(4, 'What would you like us to do?');

  // Step 4: Space chooses the focused radio.
  await tabTo(page, 'input[name=outcome]');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('input[name=outcome]:checked').count(), 1);
  await tabTo(page, 'form.step button[type=submit]');
  await page.keyboard.press('Enter');
  await nextStep(5, 'Add photos or documents (optional)');

  // Step 5: past the file pickers (each shows its focus on its visible label).
  await tabTo(page, 'form.step button[type=submit]');
  await page.keyboard.press('Enter');
  await nextStep(6, 'How can we contact you?');

  // Step 6: contact details, a radio and the optional "you may also call me" box by Space.
  await tabTo(page, '#name');
  await page.keyboard.type('Jin Park');
  await tabTo(page, '#email');
  await page.keyboard.type('jin@example.kr');
  await tabTo(page, '#phone');
  await page.keyboard.type('+82 10 1234 5678');
  await tabTo(page, 'input[name=preferred]');
  await page.keyboard.press('Space');
  await tabTo(page, '#may-call');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('#may-call').isChecked(), true);
  await tabTo(page, 'form.step button[type=submit]');
  await page.keyboard.press('Enter');
  await nextStep(7, 'Check your answers before sending');

  // Step 7: Enter on Send.
  await tabTo(page, '.send__title ~ .button');
  await page.keyboard.press('Enter');
  await page.locator('.confirmation__reference').waitFor();
  const received = await focused(page);
  assert.equal(received.id, 'step-heading', 'the confirmation heading has focus');
  assert.deepEqual([received.tag, received.h1s], ['H1', ['Complaint received']], "the confirmation's title is the page's one h1");
  assert.equal(received.title, 'Complaint received – Make a complaint – Complaint desk');
  assert.equal(await page.locator('.confirmation__reference').textContent(), 'CMP-TEST-0001');

  // Back up to the masthead by Shift-Tab, then the tracker by Enter: a lookup by keyboard.
  await tabTo(page, '.masthead__nav a[href="/track"]', { back: true, most: 80 });
  await page.keyboard.press('Enter');
  await page.locator('#reference').waitFor();
  await tabTo(page, '#reference');
  await page.keyboard.type('CMP-DEMO-0001');
  await tabTo(page, '#verifier');
  await page.keyboard.type('demo@example.com');
  await page.keyboard.press('Enter');
  await page.locator('.timeline').waitFor();
  assert.match(await page.locator('.status__title').textContent(), /CMP-DEMO-0001/);
  // The tracker also looks up the complaint just sent, which the stand-in server does not publish: the
  // browser logs that 404 itself.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'the page logged errors');
  await context.close();
});

/** What a screen reader is given by Chromium's accessibility tree for one element (the focused one unless
 *  `selector` names another): its role, name, description and states, as it would announce them (CDP). */
async function announced(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const expression = selector ? `document.querySelector(${JSON.stringify(selector)})` : 'document.activeElement';
    const { result } = await cdp.send('Runtime.evaluate', { expression });
    const { nodes } = await cdp.send('Accessibility.getPartialAXTree', { objectId: result.objectId, fetchRelatives: false });
    const node = nodes.find((n) => !n.ignored);
    const states = Object.fromEntries((node?.properties ?? []).map((p) => [p.name, p.value.value]));
    return { role: node?.role?.value, name: node?.name?.value ?? '', description: node?.description?.value ?? '', ...states };
  } finally {
    await cdp.detach();
  }
}

/** Asserts that `lines` (strings or patterns, each a whole line of a Playwright aria snapshot: what a screen
 *  reader's reading cursor meets, in the page's order) appear in `snapshot` in this order. */
function readsInOrder(snapshot, lines, what) {
  const all = snapshot.split('\n').map((l) => l.trim());
  let at = -1;
  for (const line of lines) {
    const found = all.findIndex((l, i) => i > at && (line instanceof RegExp ? line.test(l) : l === line));
    assert.ok(found > at, `${what}: “${line}” is not read after the line before it in\n${snapshot}`);
    at = found;
  }
}

// We cannot run VoiceOver, TalkBack or NVDA here (docs/testing.md): this is the nearest honest proof. A screen
// reader reads the browser's accessibility tree, so we read the same tree: Playwright's aria snapshot of
// <main> for what the reading cursor meets in order (roles, names, levels, states), and CDP's node of the
// focused element for what is announced when focus moves (name, role, description, invalid, checked, live).
test('what a screen reader is given: a step, its errors, check answers, the send, the confirmation, the tracker', async () => {
  env.server.reset();
  env.server.intake();
  const { context, page, problems } = await openPage(env.browser, { locale: 'en-GB', timezoneId: 'Europe/London' });
  const main = page.locator('main');
  const filing = new Filing(page);
  await page.goto(env.server.origin + '/');
  await page.locator('#category').waitFor();
  readsInOrder(
    await main.ariaSnapshot(),
    [
      '- paragraph: Step 1 of 7',
      '- group "What is your complaint about?":',
      '- heading "What is your complaint about?" [level=1]',
      '- radio "A delivery"',
      '- paragraph: Late, missing or delivered to the wrong place.',
      '- button "Continue"',
    ],
    'step 1',
  );

  // Continue with nothing chosen: the error summary takes the focus and is announced at once; its link
  // leads to the group, which says what is wrong, each radio marked invalid.
  await filing.continue();
  await page.locator('.error-summary').waitFor();
  assert.deepEqual(
    (({ role, name, live }) => ({ role, name, live }))(await announced(page)),
    { role: 'alert', name: 'There is a problem', live: 'assertive' },
  );
  readsInOrder(
    await page.locator('.error-summary').ariaSnapshot(),
    ['- heading "There is a problem" [level=2]', '- link "Select what your complaint is about":'],
    'step 1 errors',
  );
  await page.getByRole('link', { name: 'Select what your complaint is about' }).click();
  const radio = await announced(page);
  assert.deepEqual(
    [radio.role, radio.name, radio.checked, radio.invalid, radio.description],
    ['radio', 'A faulty or damaged product', 'false', 'true', 'It broke, does not work or arrived damaged.'],
  );
  const group = await announced(page, 'fieldset');
  assert.deepEqual([group.role, group.name], ['group', 'What is your complaint about?']);
  assert.match(group.description, /Error: Select what your complaint is about$/);

  // A new step: its question announced as the page's heading, the progress as its description.
  await page.getByRole('radio', { name: 'A delivery' }).check();
  await filing.continue();
  await page.locator('h1#step-heading:focus').waitFor();
  for (const [n, question] of [
    [2, 'Common answers to problems like yours'],
    [3, 'What happened?'],
  ]) {
    if (n === 3) {
      await filing.skipCommonAnswers();
      await page.locator('h1#step-heading:focus').waitFor();
    }
    const heading = await announced(page);
    assert.deepEqual(
      [heading.role, heading.name, heading.level, heading.description],
      ['heading', question, 1, `Step ${n} of 8`],
      `step ${n} is announced`,
    );
  }
  await filing.continue();
  await page.locator('.error-summary').waitFor();
  readsInOrder(
    await page.locator('.error-summary').ariaSnapshot(),
    ['- link "Describe what happened":', '- link "Enter the date it happened":', '- link "Answer “Order number”":'],
    'step 3 errors',
  );
  await page.getByRole('link', { name: 'Describe what happened' }).click();
  const field = await announced(page);
  assert.deepEqual([field.role, field.name, field.invalid], ['textbox', 'Describe what happened', 'true']);
  assert.match(field.description, /Error: Describe what happened/, 'the error is read with the field');

  await filing.describe({ description: 'The parcel never came.', details: { 'Order number': 'NW-1' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.addFiles([{ name: 'box.png', mimeType: 'image/png', buffer: noisePng(400, 300) }]);
  await page.getByRole('button', { name: 'Remove box.png' }).waitFor();
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Jin Park', email: 'jin@example.kr' });
  // Check answers: each Change button one phrase naming what it changes, dates in words.
  readsInOrder(
    await main.ariaSnapshot(),
    [
      '- paragraph: Step 8 of 8',
      '- button "Back"',
      '- heading "Check your answers before sending" [level=1]',
      '- term: Type of complaint',
      '- definition: A delivery',
      '- button "Change type of complaint": Change',
      /^- definition: \w{3}, \d{1,2} \w{3} \d{4}$/,
      '- button "Change when it happened": Change',
      '- button "Change your answer to “Order number”": Change',
      '- definition: box.png',
      '- heading "Now send your complaint" [level=2]',
      '- button "Send complaint"',
    ],
    'check answers',
  );

  // The send under way (the complaint held at the server once the photo is up): the button says so and is
  // disabled, and the progress is a named bar and a polite live region.
  env.server.hold(/^\/api\/v1\/complaints$/);
  await filing.send();
  // Waited for until all of it is up: the first progress event may still say "0.0 of 0.3 MB".
  await page.getByRole('status').filter({ hasText: /^Sending (\d\.\d) of \1 MB$/ }).waitFor();
  readsInOrder(
    await main.ariaSnapshot(),
    ['- button "Sending…" [disabled]', /^- progressbar "Sending (\d\.\d) of \1 MB"$/, /^- status: Sending (\d\.\d) of \1 MB$/],
    'sending',
  );
  const live = await announced(page, '.send-progress [role=status]');
  assert.deepEqual([live.role, live.live], ['status', 'polite']);
  env.server.release();

  // The confirmation: its title announced as the page's heading, then the reference.
  await filing.confirmation();
  await page.locator('h1#step-heading:focus').waitFor();
  const received = await announced(page);
  assert.deepEqual([received.role, received.name, received.level, received.description], ['heading', 'Complaint received', 1, '']);
  readsInOrder(
    await main.ariaSnapshot(),
    ['- heading "Complaint received" [level=1]', '- paragraph: Your reference', '- paragraph: CMP-TEST-0001', '- heading "What happens next" [level=2]'],
    'confirmation',
  );

  // The tracker's found status: the result's heading takes the focus; the timeline reads in order.
  await page.goto(env.server.origin + '/track');
  await page.getByLabel('Complaint reference').fill('CMP-DEMO-0001');
  await page.getByLabel('Email address or PIN').fill('demo@example.com');
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.locator('.timeline').waitFor();
  const found = await announced(page);
  assert.deepEqual([found.role, found.name, found.level], ['heading', 'Complaint CMP-DEMO-0001', 2]);
  readsInOrder(
    await main.ariaSnapshot(),
    [
      '- heading "Track your complaint" [level=1]',
      '- region "Complaint CMP-DEMO-0001":',
      '- paragraph: "Where it stands: Investigation"',
      '- region "This is taking longer than promised":',
      '- region "Progress":',
      '- listitem: "Done: Registration Mon, 16 Nov 2026, 10:12"',
      '- text: "Current stage: Investigation Tue, 17 Nov 2026, 09:30"',
      '- text: "Still to come: Decision"',
      '- paragraph: This date has passed',
    ],
    'tracker',
  );
  // The tracker also looks up the complaint just sent, which the stand-in server does not publish.
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), [], 'the page logged errors');
  await context.close();
});
