// Which law applies: "Where do you live?" is asked only where a category's deadlines depend on it, with
// nothing chosen for the customer, and the answer picks the dates and words shown after sending.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertAccessible } from './support/a11y.mjs';
import { useFormPage, useServerAndBrowser } from './support/harness.mjs';
import { daysAgo } from './support/filing.mjs';

let session;
let filing;

const env = useServerAndBrowser();

useFormPage(env, (s, f) => {
  session = s;
  filing = f;
});

/** A service or a bill, up to the contact step's Continue. */
async function billUpToContact({ outcome = 'Give me a refund' } = {}) {
  await filing.chooseCategory('A service or a bill');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'Charged twice.', happenedOn: daysAgo(3), details: { 'Order or invoice number': 'NW-1001' } });
  await filing.chooseOutcome(outcome);
  await filing.finishEvidence();
  const page = session.page;
  await page.getByLabel('Full name').fill('Ola Nowak');
  await page.getByLabel('Email address').fill('ola@example.pl');
  await page.getByRole('radio', { name: 'By email' }).check();
  await page.getByRole('region', { name: 'How we use your details' }).waitFor();
  await filing.continue();
}

describe('where the customer lives', () => {
  test('asked for a bill: nothing chosen, an answer required, the countries the rules name and "Somewhere else"', async () => {
    const page = session.page;
    await billUpToContact();
    await page.getByText('Step 7 of 8', { exact: true }).waitFor();
    const question = page.getByRole('group', { name: 'Where do you live?' });
    await question.waitFor();
    const radios = question.getByRole('radio');
    assert.deepEqual(
      await Promise.all((await radios.all()).map((r) => r.evaluate((el) => el.labels[0].textContent))),
      ['Poland', 'Somewhere else'],
    );
    for (const radio of await radios.all()) assert.equal(await radio.isChecked(), false, 'no answer is made for them');
    await filing.continue();
    await page.getByRole('link', { name: 'Select where you live' }).waitFor();
    await assertAccessible(page);
    await question.getByRole('radio', { name: 'Somewhere else' }).check();
    await filing.continue();
    await page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
    assert.equal(await filing.answer('Where you live'), 'Somewhere else');
    await page.getByRole('button', { name: 'Change where you live' }).click();
    await question.getByRole('radio', { name: 'Poland' }).check();
    await filing.continue();
    assert.equal(await filing.answer('Where you live'), 'Poland');
    await filing.send();
    await filing.confirmation();
    const [received] = await env.server.complaints();
    assert.equal(received.complaint.consumer_country, 'PL');
    // Art. 7a's 14 days beat the organisation's own 30, and its words are shown beside the date.
    await page.getByText('Polish consumer law (art. 7a of the Consumer Rights Act) gives us 14 days', { exact: false }).waitFor();
  });

  test('"Somewhere else" sends no country, and the organisation\'s own promise is the one shown', async () => {
    const page = session.page;
    await billUpToContact();
    await page.getByRole('group', { name: 'Where do you live?' }).getByRole('radio', { name: 'Somewhere else' }).check();
    await filing.continue();
    await filing.send();
    await filing.confirmation();
    const [received] = await env.server.complaints();
    assert.equal('consumer_country' in received.complaint, false);
    await page.getByText('We decide within 30 days', { exact: false }).waitFor();
    assert.equal(await page.getByText('art. 7a', { exact: false }).count(), 0, 'no Polish law for them');
  });

  test('not asked for a gaming account, whose deadline is the same wherever the customer lives', async () => {
    const page = session.page;
    await filing.chooseCategory('My gaming account');
    await page.getByText('Step 2 of 7', { exact: true }).waitFor();
    await filing.skipCommonAnswers();
    await filing.describe({ description: 'Withdrawal stuck.', details: { 'Account ID or username': 'p-77' } });
    // A price reduction is a remedy for goods: not offered here.
    assert.equal(await page.getByRole('radio', { name: 'Give me a price reduction' }).count(), 0);
    await filing.chooseOutcome('Give me a refund');
    await filing.finishEvidence();
    await filing.giveContact({ name: 'Jin Park', email: 'jin@example.kr' });
    await page.getByText('Step 7 of 7', { exact: true }).waitFor();
    assert.equal(await page.getByRole('term').filter({ hasText: /^Where you live$/ }).count(), 0);
    await filing.send();
    await filing.confirmation();
    const [received] = await env.server.complaints();
    assert.equal('consumer_country' in received.complaint, false);
  });

  test('in Polish and Korean the question reads natively, and goods offer a price reduction', async () => {
    const page = session.page;
    await page.getByLabel('Language').selectOption('pl');
    await page.getByRole('radio', { name: 'Wadliwy lub uszkodzony produkt' }).check();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByText('Krok 2 z 8', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Kontynuuj zgłoszenie' }).click();
    await page.getByLabel('Opisz, co się stało').fill('Czajnik przestał grzać.');
    await page.getByLabel('Kiedy to się stało?').fill(daysAgo(2));
    await page.getByLabel('Jaki produkt?').fill('Czajnik K-200');
    await page.getByLabel('Kiedy kupiono produkt?').fill(daysAgo(30));
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByRole('radio', { name: 'Obniżenie ceny' }).check();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByText('Krok 5 z 8', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Dalej' }).click();
    await page.getByLabel('Imię i nazwisko').fill('Jan Nowak');
    await page.getByLabel('Adres e-mail').fill('jan@example.pl');
    await page.getByRole('radio', { name: 'E-mailem' }).check();
    // No consent to tick: the privacy notice is there to read.
    await page.getByRole('region', { name: 'Jak wykorzystujemy Twoje dane' }).waitFor();
    await page.getByRole('button', { name: 'Dalej' }).click();
    const polish = page.getByRole('group', { name: 'Gdzie mieszkasz?' });
    await polish.getByRole('radio', { name: 'Polska' }).waitFor();
    await polish.getByRole('radio', { name: 'W innym kraju' }).waitFor();
    await page.getByLabel('Język').selectOption('ko');
    const korean = page.getByRole('group', { name: '어디에 거주하시나요?' });
    await korean.getByRole('radio', { name: '폴란드' }).check();
    await page.getByText('8단계 중 7단계', { exact: true }).waitFor();
    await page.getByRole('button', { name: '다음', exact: true }).click();
    await page.getByText('8단계 중 8단계', { exact: true }).waitFor();
    assert.equal(await filing.answer('거주 국가'), '폴란드');
  });
});
