// Filing a complaint end to end: the release build in Chromium at phone size, sending to a real loopback
// server that records exactly what it receives.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertAccessible } from './support/a11y.mjs';
import { jpegSize, noisePng } from './support/images.mjs';
import { openPage } from './support/browser.mjs';
import { useFormPage, useServerAndBrowser } from './support/harness.mjs';
import { Filing, PNG_1x1, daysAgo } from './support/filing.mjs';

let session;
let filing;

const env = useServerAndBrowser();

useFormPage(env, (s, f) => {
  session = s;
  filing = f;
});

function assertNoProblems() {
  assert.deepEqual(session.problems, [], 'the page logged errors');
}

/** Files a complete defective-product complaint up to "Check your answers". */
async function fileDefectiveProduct() {
  await filing.chooseCategory('A faulty or damaged product');
  await filing.skipCommonAnswers();
  await filing.describe({
    description: 'The kettle stopped heating after a week. 주전자가 고장 났어요 💔',
    happenedOn: daysAgo(2),
    details: { 'Which product?': 'Kettle K-200', 'Batch or lot number (optional)': 'LOT 4471', 'When did you buy it?': daysAgo(20) },
  });
  await filing.chooseOutcome('Replace it');
  await filing.addFiles([{ name: 'kettle.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  await session.page.getByRole('button', { name: 'Remove kettle.png' }).waitFor();
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Anna Kowalska', email: 'anna@example.pl', lives: 'Poland' });
}

describe('a complete filing', () => {
  test('a defective product with a photo: the server receives every answer, the file and the key', async () => {
    const page = session.page;
    await fileDefectiveProduct();
    assert.equal(await filing.answer('Which product?'), 'Kettle K-200');
    // A date answer reads as a date, never as ISO.
    assert.match(await filing.answer('When did you buy it?'), /^\w{3}, \d{1,2} \w{3} \d{4}$/);
    assert.match(await filing.answer('When it happened'), /^\w{3}, \d{1,2} \w{3} \d{4}$/);
    await session.page.getByRole('button', { name: 'Change type of complaint', exact: true }).waitFor();
    assert.equal(await filing.answer('What you want'), 'Replace it');
    assert.equal(await filing.answer('Files'), 'kettle.png');
    assert.equal(await filing.answer('Where you live'), 'Poland');
    await assertAccessible(page);
    await filing.send();
    const reference = await filing.confirmation();
    assert.equal(reference, 'CMP-TEST-0001');

    const [received, ...more] = await env.server.complaints();
    assert.equal(more.length, 0, 'exactly one request');
    const c = received.complaint;
    assert.equal(received.headers['idempotency-key'], c.draft_id);
    assert.match(c.draft_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(c.category, 'defective-product');
    assert.equal(c.description, 'The kettle stopped heating after a week. 주전자가 고장 났어요 💔');
    assert.equal(c.happened_on, daysAgo(2));
    assert.deepEqual(c.details, { product: 'Kettle K-200', batch: 'LOT 4471', purchased_on: daysAgo(20) });
    assert.equal(c.outcome, 'replacement');
    assert.equal(c.consumer_country, 'PL');
    // No consent: the notice shown instead, by its version; no phone, so no "you may also call me".
    assert.deepEqual(c.contact, { name: 'Anna Kowalska', email: 'anna@example.pl', preferred: 'email' });
    assert.deepEqual(c.privacy_notice, { version: '2026-12', date: '2026-12-07' });
    assert.equal(c.locale, 'en');
    assert.equal(c.spam_signals.honeypot_filled, false);
    assert.equal(c.attachments.length, 1);
    assert.equal(c.attachments[0].kind, 'image/png');
    assert.equal(received.files.length, 1);
    assert.deepEqual([...received.files[0].bytes.slice(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'the PNG arrived intact');

    // The dated plan from the category's service levels: acknowledge within 24 hours of 14:00 UTC on
    // 22 Nov 2026 (London time); for a consumer in Poland, the Polish 14 days beat the own 28.
    await page.getByText('We will acknowledge your complaint by Mon, 23 Nov 2026, 14:00.', { exact: false }).waitFor();
    await page.getByText('We will send you our decision by Sun, 6 Dec 2026.', { exact: false }).waitFor();
    await page.getByText('14 days: under Polish consumer law (art. 7a of the Consumer Rights Act)', { exact: false }).waitFor();
    await assertAccessible(page);
    const track = page.getByRole('link', { name: 'Track your complaint' }).last();
    assert.equal(await track.getAttribute('href'), '/track?ref=CMP-TEST-0001');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download a receipt' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'complaint-CMP-TEST-0001.txt');
    const receipt = await (await download.createReadStream()).toArray();
    assert.match(Buffer.concat(receipt).toString('utf8'), /Your reference: CMP-TEST-0001/);
    assertNoProblems();
  });

  test('on a phone in Seoul, hour-precise times are Seoul time and a day counted in London says so', async () => {
    await session.context.close();
    session = await openPage(env.browser, { timezoneId: 'Asia/Seoul' });
    filing = new Filing(session.page);
    const page = session.page;
    await page.goto(env.server.origin + '/');
    await fileDefectiveProduct();
    await filing.send();
    await filing.confirmation();
    // Received 14:00 UTC on 22 Nov (23:00 in Seoul); acknowledged within 24 hours; decided within 14 days,
    // the last day counted in London.
    await page.getByText('We will acknowledge your complaint by Mon, 23 Nov 2026, 23:00.', { exact: false }).waitFor();
    await page.getByText('We will send you our decision by Sun, 6 Dec 2026 (UK time).', { exact: false }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download a receipt' }).click(),
    ]);
    const receipt = Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8');
    assert.match(receipt, /Received: Sun, 22 Nov 2026, 23:00/);
    assert.match(receipt, /by Sun, 6 Dec 2026 \(UK time\)/);

    // The tracker, on the demo's file: stage times on the customer's clock, the due day named as London's.
    await page.goto(env.server.origin + '/track');
    await page.getByLabel('Complaint reference').fill('CMP-DEMO-0001');
    await page.getByLabel('Email address or PIN').fill('demo@example.com');
    await page.getByRole('button', { name: 'Find my complaint' }).click();
    const steps = page.getByRole('region', { name: 'Progress' }).getByRole('listitem');
    await steps.first().waitFor();
    const lines = (await steps.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    assert.ok(lines.includes('Done: Registration Mon, 16 Nov 2026, 19:12'), lines.join('\n'));
    assert.ok(
      lines.some((l) => l.startsWith('Still to come: Decision Expected by Mon, 30 Nov 2026 (UK time)')),
      lines.join('\n'),
    );
    // The tracker also looks up the complaint just sent from this device, which the stand-in server does not
    // publish: the browser logs that 404 itself.
    assert.deepEqual(session.problems.filter((p) => !p.includes('Failed to load resource')), []);
  });

  test('a gaming account complaint in Polish, by phone, with "something else" as the outcome', async () => {
    const page = session.page;
    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('radio', { name: 'Moje konto gracza' }).check();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByText('Krok 2 z 7').waitFor();
    await page.getByRole('button', { name: 'Kontynuuj zgłoszenie' }).click();
    await page.getByLabel('Opisz, co się stało').fill('Wypłata czeka od 9 dni.');
    await page.getByLabel('Kiedy to się stało?').fill(daysAgo(9));
    await page.getByLabel('Identyfikator konta lub nazwa użytkownika').fill('gracz-77');
    await page.getByLabel('Identyfikator wypłaty lub transakcji (opcjonalnie)').fill('WD-552100');
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByRole('radio', { name: 'Coś innego' }).check();
    await page.getByLabel('Napisz, czego oczekujesz').fill('Wypłata środków');
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByText('Krok 5 z 7').waitFor();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByLabel('Imię i nazwisko').fill('Jan Nowak');
    await page.getByLabel('Numer telefonu').fill('+48 600 123 456');
    await page.getByRole('radio', { name: 'Telefonicznie' }).check();
    // The notice names this category's basis from the config (a legal obligation) and how long it is kept: the
    // demo's default rule, a year after closing to the end of that year.
    const notice = page.getByRole('region', { name: 'Jak wykorzystujemy Twoje dane' });
    await notice.getByText('art. 6 ust. 1 lit. c RODO', { exact: false }).waitFor();
    await notice.getByText('Przechowujemy je do końca roku, w którym mija 1 rok od zamknięcia zgłoszenia', { exact: false }).waitFor();
    assert.equal(await notice.getByRole('link', { name: /Pełna informacja/ }).getAttribute('href'), env.server.origin + '/privacy.pl.html');
    await page.getByRole('checkbox', { name: /Zgadzam się na telefon/ }).check();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByRole('button', { name: 'Wyślij zgłoszenie' }).click();
    await page.getByRole('heading', { name: 'Otrzymaliśmy Twoje zgłoszenie' }).waitFor();

    const [received] = await env.server.complaints();
    const c = received.complaint;
    assert.equal(c.category, 'gaming-account');
    assert.equal(c.locale, 'pl');
    assert.deepEqual(c.details, { account_id: 'gracz-77', transaction_id: 'WD-552100' });
    assert.equal(c.outcome, 'other');
    assert.equal(c.outcome_other, 'Wypłata środków');
    assert.deepEqual(c.contact, { name: 'Jan Nowak', phone: '+48 600 123 456', preferred: 'phone', may_call: true });
    assert.deepEqual(c.attachments, []);
    await page.getByText('8 tygodni, zgodnie z zasadami rozpatrywania skarg brytyjskiej Komisji ds. Hazardu', { exact: false }).waitFor();
    // Polish running text: the long genitive month and "r.".
    await page.getByText('Potwierdzimy przyjęcie zgłoszenia do 23 listopada 2026 r., 14:00.', { exact: false }).waitFor();
    assertNoProblems();
  });
});

describe('errors and changes', () => {
  test('an empty step shows a focused error summary linking to each field, and the messages beside them', async () => {
    const page = session.page;
    await filing.chooseCategory('A faulty or damaged product');
    await filing.skipCommonAnswers();
    await filing.continue();
    const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    assert.equal(await summary.evaluate((el) => el === document.activeElement), true);
    const links = await summary.getByRole('link').allTextContents();
    assert.deepEqual(links, ['Describe what happened', 'Enter the date it happened', 'Answer “Which product?”', 'Answer “When did you buy it?”']);
    await summary.getByRole('link', { name: 'Answer “Which product?”' }).click();
    const product = page.getByLabel('Which product?');
    assert.equal(await product.evaluate((el) => el === document.activeElement), true);
    assert.equal(await product.getAttribute('aria-invalid'), 'true');
    assert.match(await product.getAttribute('aria-describedby'), /detail-product-error/);
    await page.getByText('Error: Answer “Which product?”').waitFor();
    await assertAccessible(page);
    assertNoProblems();
  });

  test('a Change link returns to the question and Continue comes straight back to the check page', async () => {
    const page = session.page;
    await fileDefectiveProduct();
    await page.getByRole('button', { name: 'Change what happened', exact: true }).click();
    await filing.atStep(3);
    const description = page.getByLabel('Describe what happened');
    assert.match(await description.inputValue(), /The kettle stopped heating/, 'the answer is kept');
    await description.fill('It trips the fuse every time.');
    await filing.continue();
    await page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
    assert.equal(await filing.answer('What happened'), 'It trips the fuse every time.');
    await page.getByRole('button', { name: 'Change how we contact you', exact: true }).click();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
    assertNoProblems();
  });

  test("a 4xx is worded by its code, shows the checks' own sentences only, and keeps every answer", async () => {
    const page = session.page;
    // A technical refusal: the server's English never reaches the customer, the catalogue's words do.
    env.server.override('/api/v1/complaints', {
      status: 400,
      body: JSON.stringify({ message: 'The complaint has a missing or wrong answer (unknown field `x`).', code: 'wrong_shape' }),
    });
    await fileDefectiveProduct();
    await filing.send();
    const alert = page.getByRole('alert').filter({ hasText: 'Your complaint needs a change before it can be sent' });
    await alert.getByText('because of a problem on our side', { exact: false }).waitFor();
    assert.equal(await page.getByText('unknown field', { exact: false }).count(), 0, 'no raw server text');
    env.server.override('/api/v1/complaints', {
      status: 422,
      body: JSON.stringify({ message: 'Batch LOT 4471 is not one of ours.', code: 'invalid' }),
    });
    await filing.send();
    await alert.getByText('One of your answers was not accepted:').waitFor();
    await alert.getByText('Batch LOT 4471 is not one of ours.').waitFor();
    assert.equal(await filing.answer('Batch or lot number (optional)'), 'LOT 4471');
    env.server.intake();
    await filing.send();
    assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
    const sent = await env.server.complaints();
    assert.equal(sent.length, 3);
    assert.equal(sent[0].headers['idempotency-key'], sent[2].headers['idempotency-key'], 'a resend reuses the key');
    // The browser logs the 400 and 422 responses itself; nothing else may appear.
    assert.deepEqual(session.problems.filter((p) => !p.includes('422') && !p.includes('400')), []);
  });

  test('a double tap on Send sends exactly one request', async () => {
    const page = session.page;
    env.server.slow(/\/api\/v1\/complaints$/, 600);
    await fileDefectiveProduct();
    await page.getByRole('button', { name: 'Send complaint' }).evaluate((button) => {
      button.click();
      button.click();
    });
    await page.getByRole('button', { name: 'Sending…' }).waitFor();
    await filing.confirmation();
    assert.equal((await env.server.complaints()).length, 1);
    assertNoProblems();
  });

  test('visiting the tracker mid-complaint and coming back keeps the step and every answer', async () => {
    const page = session.page;
    await filing.chooseCategory('A service or a bill');
    await filing.skipCommonAnswers();
    await page.getByLabel('Describe what happened').fill('Charged twice.');
    // The money question's example is in the currency the organisation bills in (the demo's GBP).
    const amount = page.getByLabel('Amount charged (optional)');
    const described = await amount.evaluate((el) =>
      (el.getAttribute('aria-describedby') || '').split(' ').map((id) => document.getElementById(id)?.textContent.trim()),
    );
    assert.ok(described.includes('For example, £24.99'), described.join(' | '));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Track a complaint' }).click();
    await page.getByRole('heading', { level: 1, name: 'Track your complaint' }).waitFor();
    await nav.getByRole('link', { name: 'Make a complaint' }).click();
    await filing.atStep(3);
    assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Charged twice.');
    assertNoProblems();
  });
});

describe('history in the standalone app', () => {
  /** The step the address names (`null` on the form's own address). */
  const stepInAddress = () => new URL(session.page.url()).searchParams.get('step');
  const headingFocused = () =>
    session.page.waitForFunction(() => document.activeElement?.id === 'step-heading');

  test('Back from step 3 returns to step 2 and Forward to step 3, with the answers kept and the heading focused', async () => {
    const page = session.page;
    await filing.chooseCategory('A service or a bill');
    await filing.skipCommonAnswers();
    assert.equal(stepInAddress(), 'what_happened');
    await page.getByLabel('Describe what happened').fill('Charged twice.');
    await page.goBack();
    await filing.atStep(2);
    await page.getByRole('heading', { name: 'Common answers to problems like yours' }).waitFor();
    await headingFocused();
    assert.equal(stepInAddress(), 'common_answers');
    await page.goForward();
    await filing.atStep(3);
    await headingFocused();
    assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Charged twice.');
    await page.goBack();
    await page.goBack();
    await filing.atStep(1);
    assert.equal(stepInAddress(), null);
    assert.equal(await page.getByRole('radio', { name: 'A service or a bill' }).isChecked(), true);
    assertNoProblems();
  });

  test('a reload on step 4 stays on step 4, and Back still reaches step 3 with its answers', async () => {
    const page = session.page;
    await filing.chooseCategory('Something else');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'Rude staff at the counter.' });
    await page.reload();
    await filing.atStep(4);
    assert.equal(stepInAddress(), 'outcome');
    assert.equal(await page.getByRole('heading', { name: 'Continue your complaint?' }).count(), 0);
    await page.goBack();
    await filing.atStep(3);
    assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Rude staff at the counter.');
    assertNoProblems();
  });

  test('an address naming a later step than the draft allows lands on the first unanswered step', async () => {
    const page = session.page;
    // A link from elsewhere, on a fresh draft: the first step, and the address says so.
    await page.goto(env.server.origin + '/?step=contact');
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    await filing.atStep(1);
    await page.waitForURL((url) => !url.searchParams.has('step'));
    // This tab's own draft, answered up to step 3, reloaded at an address naming step 6: step 3.
    await filing.chooseCategory('A service or a bill');
    await filing.skipCommonAnswers();
    await page.getByLabel('Describe what happened').fill('Charged twice.');
    await page.evaluate(() => history.replaceState(history.state, '', '/?step=contact'));
    await page.reload();
    await filing.atStep(3);
    await page.waitForURL((url) => url.searchParams.get('step') === 'what_happened');
    assert.equal(await page.getByLabel('Describe what happened').inputValue(), 'Charged twice.');
    assertNoProblems();
  });

  test('Back from the confirmation starts a new complaint: nothing is sent again and Send is not shown', async () => {
    const page = session.page;
    await fileDefectiveProduct();
    await filing.send();
    await filing.confirmation();
    assert.equal(stepInAddress(), null);
    await page.goBack();
    await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    await filing.atStep(1);
    assert.equal(await page.getByRole('radio', { checked: true }).count(), 0, 'a new, empty complaint');
    assert.equal(await page.getByRole('button', { name: 'Send complaint' }).count(), 0);
    await page.waitForURL((url) => !url.searchParams.has('step'));
    // Further back: the sent complaint's earlier steps are not reachable either.
    await page.goBack();
    await page.waitForURL((url) => !url.searchParams.has('step'));
    await filing.atStep(1);
    assert.equal(await page.getByRole('button', { name: 'Send complaint' }).count(), 0);
    assert.equal((await env.server.complaints()).length, 1, 'sent once');
    assertNoProblems();
  });
});

describe('bad input', () => {
  test('100,000 pasted characters are kept whole and the count says how many to cut', async () => {
    const page = session.page;
    await filing.chooseCategory('Something else');
    await filing.skipCommonAnswers();
    const text = '가'.repeat(50_000) + '😀'.repeat(50_000);
    await page.getByLabel('Describe what happened').fill(text);
    await page.getByText('You have 95,000 characters too many').or(page.getByText('You have 95000 characters too many')).waitFor();
    await page.getByLabel('When did it happen?').fill(daysAgo(1));
    await filing.continue();
    await page.getByRole('alert').getByRole('link', { name: 'You have 95000 characters too many' }).waitFor();
    assert.equal((await page.getByLabel('Describe what happened').inputValue()).length, text.length, 'nothing was cut');
    assertNoProblems();
  });

  test('a renamed .exe and a 30 MB PDF are refused with a clear message; a real photo is accepted', async () => {
    const page = session.page;
    await filing.chooseCategory('A delivery');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'Never arrived.', details: { 'Order number': 'NW-1' } });
    await filing.chooseOutcome('Give me a refund');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'binary'), Buffer.alloc(1000)]);
    const bigPdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(30 * 1024 * 1024)]);
    await filing.addFiles([
      { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: exe },
      { name: 'statement.pdf', mimeType: 'application/pdf', buffer: bigPdf },
      { name: 'label.png', mimeType: 'image/png', buffer: PNG_1x1 },
    ]);
    await page.getByRole('button', { name: 'Remove label.png' }).waitFor();
    await page.getByText('“photo.jpg” is not a photo or PDF we can accept').waitFor();
    await page.getByText('“statement.pdf” is larger than 10 MB').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Remove / }).count(), 1);
    await assertAccessible(page);
    await page.getByRole('button', { name: 'Remove label.png' }).click();
    await page.getByText('No files added yet.').waitFor();
    assertNoProblems();
  });

  test('a 20 MB, 3000×2500 photo is shrunk on the phone to a JPEG of at most 1600 px (downscale_to_px) before upload', async () => {
    const page = session.page;
    const photo = noisePng(3000, 2500);
    assert.ok(photo.length > 20 * 1024 * 1024, `the test photo is large (${photo.length} bytes)`);
    await filing.chooseCategory('A faulty or damaged product');
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'Cracked lid.', details: { 'Which product?': 'Kettle', 'When did you buy it?': daysAgo(5) } });
    await filing.chooseOutcome('Repair it');
    await filing.addFiles([{ name: 'IMG_0001.png', mimeType: 'image/png', buffer: photo }]);
    await page.getByRole('button', { name: 'Remove IMG_0001.png' }).waitFor({ timeout: 60_000 });
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Ola', email: 'ola@example.pl' });
    await filing.send();
    await filing.confirmation();
    const [received] = await env.server.complaints();
    const file = received.files[0].bytes;
    assert.deepEqual([...file.slice(0, 3)], [0xff, 0xd8, 0xff], 'sent as a JPEG');
    assert.equal(received.complaint.attachments[0].kind, 'image/jpeg');
    assert.ok(file.length < 10 * 1024 * 1024, `within the 10 MB limit (${file.length} bytes)`);
    assert.deepEqual(jpegSize(file), { width: 1600, height: 1333 });
    assertNoProblems();
  });
});
