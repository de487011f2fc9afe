// The staff desk end to end (issue #23, its Tests section), against the real intake and a real passkey
// ceremony in Chromium (CDP virtual authenticator): the admin enrols from `staff invite --role admin`,
// invites an agent and a lead in the desk, each enrols; a customer files in the app; the agent sees it in
// "New", acknowledges, asks for information; the customer answers from the tracker; the agent replies from a
// Korean template and decides; the customer sees the decision and its dated timeline; the lead merges a
// duplicate and bulk-assigns three. Screenshots of each desk screen in en, ko and pl go to
// target/screenshots/staff/.
//
// Named .journey.mjs, not .test.mjs: CI (`node --test tests/e2e/`) runs it once the server rooms are merged.
// Expects from ./support/passkey.mjs (written beside the auth room):
//   addVirtualAuthenticator(page) → { remove() }   (WebAuthn.enable + addVirtualAuthenticator, ctap2, internal,
//                                                   resident keys, user verification)
//   inviteByCli(intake, { name, email, role, categories }) → the enrolment link (`staff invite …`)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { assertAccessible } from './support/a11y.mjs';
import { DESKTOP, launchBrowser, openPage } from './support/browser.mjs';
import { Filing } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';
import { addVirtualAuthenticator, inviteByCli } from './support/passkey.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SHOTS = join(ROOT, 'target/screenshots/staff');
const LANGUAGES = { en: 'English', ko: '한국어', pl: 'Polski' };

let intake;
let browser;

before(async () => {
  intake = await startIntake();
  browser = await launchBrowser();
  await mkdir(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await intake?.stop();
});

/** A staff member's own browser profile with a passkey authenticator, enrolled from `link`. */
async function enrol(link) {
  const session = await openPage(browser, { viewport: DESKTOP, serviceWorkers: 'block' });
  await addVirtualAuthenticator(session.page);
  const { page } = session;
  await page.goto(link.startsWith('http') ? link : intake.origin + link);
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await page.getByRole('listitem').filter({ has: page.locator('code') }).count(), 10);
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByRole('navigation', { name: 'Queues' }).waitFor();
  return session;
}

/** Every desk screen in the three languages: a screenshot each, and axe finds nothing. */
async function shoot(page, name) {
  for (const [lang, endonym] of Object.entries(LANGUAGES)) {
    await page.getByLabel(/^(Language|언어|Język)$/).selectOption({ label: endonym });
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await page.screenshot({ path: join(SHOTS, `${name}.${lang}.png`), fullPage: true });
    await assertAccessible(page);
  }
  await page.getByLabel(/^(Language|언어|Język)$/).selectOption({ label: 'English' });
}

async function fileComplaint(description) {
  const { page, context } = await openPage(browser);
  await page.goto(intake.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({ description, details: { 'Order number': 'NW-70001' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email: 'ola@example.pl' });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  const reference = (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
  return { reference, page, context };
}

async function openFromQueue(page, queue, reference) {
  await page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: new RegExp(`^${queue}`) }).click();
  // Polling brings it within 15 s; the search finds it at once.
  await page.getByLabel('Search', { exact: true }).fill(reference);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
}

test('admin enrols and invites, agent answers from a Korean template, lead merges and bulk-assigns', async () => {
  const admin = await enrol(await inviteByCli(intake, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' }));
  await shoot(admin.page, 'queue');
  await admin.page.getByRole('link', { name: 'Staff' }).click();
  const invite = async (name, email, role) => {
    await admin.page.getByLabel('Name').fill(name);
    await admin.page.getByLabel('Email address').fill(email);
    await admin.page.getByLabel('Role').selectOption(role);
    await admin.page.getByRole('button', { name: 'Invite', exact: true }).click();
    const link = (await admin.page.locator('.secret').last().textContent()).trim();
    assert.match(link, /\/staff\/enrol#/);
    return link;
  };
  const agentLink = await invite('Adam Agent', 'adam@example.com', 'agent');
  const leadLink = await invite('Lena Lead', 'lena@example.com', 'lead');
  await shoot(admin.page, 'staff');
  for (const screen of ['Templates', 'Service tokens', 'Webhooks']) {
    await admin.page.getByRole('link', { name: screen }).click();
    await shoot(admin.page, screen.toLowerCase().replace(' ', '-'));
  }
  const agent = await enrol(agentLink);
  const lead = await enrol(leadLink);

  const customer = await fileComplaint('The parcel never arrived, and nobody answers the phone.');
  const { reference } = customer;
  await openFromQueue(agent.page, 'New', reference);
  await shoot(agent.page, 'complaint');
  const actions = agent.page.getByRole('region', { name: 'Actions' });
  await actions.getByRole('button', { name: 'Acknowledge' }).click();
  await agent.page.getByText('Acknowledged').first().waitFor();
  await actions.getByRole('form', { name: 'Ask for more information' }).getByLabel('Text').fill('Please send a photo of the delivery note.');
  await actions.getByRole('button', { name: 'Ask the customer' }).click();

  // The customer answers from the tracker.
  await customer.page.goto(`${intake.origin}/track`);
  await customer.page.getByLabel('Complaint reference').fill(reference);
  await customer.page.getByLabel('Email address or PIN').fill('ola@example.pl');
  await customer.page.getByRole('button', { name: 'Find my complaint' }).click();
  const what = customer.page.getByRole('region', { name: 'What you can do now' });
  await what.getByRole('button', { name: 'Add information' }).click();
  await customer.page.getByLabel('What would you like to add?').fill('The courier left no note at all.');
  await what.getByRole('button', { name: 'Send information' }).click();

  await openFromQueue(agent.page, 'Customer replied', reference);
  await agent.page.getByText('The courier left no note at all.').waitFor();
  await actions.getByLabel('Template').selectOption({ index: 1 });
  await actions.getByRole('button', { name: 'Preview' }).click();
  const preview = agent.page.getByRole('region', { name: 'As the customer will read it' });
  assert.match(await preview.textContent(), /[가-힣]/, 'the preview is in Korean');
  await actions.getByRole('button', { name: 'Send the reply' }).click();
  await actions.getByLabel('Upheld', { exact: true }).check();
  await actions.getByLabel('Summary').fill('We refund the order in full.');
  await actions.getByLabel('Courier delay').check();
  await actions.getByRole('button', { name: 'Record the decision' }).click();

  await customer.page.reload();
  await customer.page.getByText('We refund the order in full.').waitFor();
  const timeline = await customer.page.getByRole('region', { name: 'Progress' }).getByRole('listitem').allInnerTexts();
  assert.ok(timeline.some((line) => /\d{4}|\d{1,2} \w+/.test(line)), `dated timeline: ${timeline}`);

  // The lead: a duplicate merged into the first, then three assigned at once.
  const duplicate = await fileComplaint('The parcel never arrived (again, same order).');
  const more = [await fileComplaint('Second parcel missing.'), await fileComplaint('Third parcel missing.')];
  await openFromQueue(lead.page, 'New', duplicate.reference);
  const leadActions = lead.page.getByRole('region', { name: 'Actions' });
  await leadActions.getByLabel('Reference of the complaint to keep').fill(reference);
  await leadActions.getByRole('button', { name: 'Merge', exact: true }).click();
  await lead.page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  await lead.page.getByRole('link', { name: 'Back to the queue' }).click();
  await lead.page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: /^Unassigned/ }).click();
  for (const { reference: r } of [customer, ...more]) {
    await lead.page.getByRole('checkbox', { name: `Select ${r}` }).check();
  }
  const bulk = lead.page.getByRole('form', { name: 'With the selection' });
  await bulk.getByLabel('Assign to').selectOption({ label: 'Adam Agent' });
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await lead.page.getByText('3 done, 0 not done.').waitFor();
  await lead.page.keyboard.press('?');
  await lead.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await shoot(lead.page, 'shortcuts');

  for (const s of [admin, agent, lead, customer, duplicate, ...more]) await s.context.close();
});
