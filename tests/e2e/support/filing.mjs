// A page object for the filing flow: each method does what a customer does on one step, by role and label.
import assert from 'node:assert/strict';

/** Yesterday as YYYY-MM-DD on this machine's calendar (a safe "when it happened"). */
export function daysAgo(n) {
  const d = new Date(Date.now() - n * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export class Filing {
  constructor(page) {
    this.page = page;
  }

  async continue() {
    await this.page.getByRole('button', { name: 'Continue', exact: true }).click();
  }

  /** "Step n of 7", or "of 8" where the category asks where the customer lives. */
  async atStep(n) {
    await this.page.getByText(new RegExp(`^Step ${n} of [78]$`)).waitFor();
  }

  async chooseCategory(label) {
    await this.page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
    await this.page.getByRole('radio', { name: label }).check();
    await this.continue();
    await this.atStep(2);
  }

  async skipCommonAnswers() {
    await this.page.getByRole('heading', { name: 'Common answers to problems like yours' }).waitFor();
    await this.page.getByRole('button', { name: 'Continue with my complaint' }).click();
    await this.atStep(3);
  }

  async describe({ description, happenedOn = daysAgo(1), details = {} }) {
    await this.page.getByLabel('Describe what happened').fill(description);
    await this.page.getByLabel('When did it happen?').fill(happenedOn);
    for (const [label, value] of Object.entries(details)) await this.page.getByLabel(label).fill(value);
    await this.continue();
    await this.atStep(4);
  }

  async chooseOutcome(label, other) {
    await this.page.getByRole('radio', { name: label }).check();
    if (other) await this.page.getByLabel('Tell us what you would like').fill(other);
    await this.continue();
    await this.atStep(5);
  }

  async addFiles(files) {
    await this.page.getByLabel('Choose photos or files').setInputFiles(files);
  }

  async finishEvidence() {
    await this.continue();
    await this.atStep(6);
  }

  /** The contact step: no consent to give (the privacy notice is there to read); `mayCall` ticks the optional
   *  "You may also call me", which the demo asks once a phone number is given. Then, where the category asks
   *  where the customer lives, `lives` (a country's name or "Somewhere else"), up to "Check your answers". */
  async giveContact({ name, email = '', phone = '', preferred = 'By email', mayCall = false, lives = 'Somewhere else' }) {
    await this.page.getByLabel('Full name').fill(name);
    if (email) await this.page.getByLabel('Email address').fill(email);
    if (phone) await this.page.getByLabel('Phone number').fill(phone);
    await this.page.getByRole('radio', { name: preferred }).check();
    await this.page.getByRole('region', { name: 'How we use your details' }).waitFor();
    if (mayCall) await this.page.getByRole('checkbox', { name: /You may also call me/ }).check();
    await this.continue();
    const next = this.page.getByRole('heading', { name: /^(Check your answers before sending|Where do you live\?)$/ });
    if ((await next.textContent()) === 'Where do you live?') await this.liveIn(lives);
    await this.page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
  }

  /** "Where do you live?": one tap, then Continue. */
  async liveIn(label) {
    await this.page.getByRole('group', { name: 'Where do you live?' }).getByRole('radio', { name: label }).check();
    await this.continue();
  }

  async send() {
    await this.page.getByRole('button', { name: 'Send complaint' }).click();
  }

  /** Files a plain delivery complaint from the first question to "Complaint received" (no files). */
  async fileADelivery() {
    await this.chooseCategory('A delivery');
    await this.skipCommonAnswers();
    await this.describe({ description: 'The parcel never came.', details: { 'Order number': 'NW-1' } });
    await this.chooseOutcome('Give me a refund');
    await this.finishEvidence();
    await this.giveContact({ name: 'Anna Kowalska', email: 'anna@example.pl' });
    await this.send();
    await this.page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  }

  /** Waits for the confirmation and returns the reference it shows (the stand-in intake's format). */
  async confirmation() {
    await this.page.getByRole('heading', { name: 'Complaint received' }).waitFor();
    return this.page.getByText(/^CMP-TEST-\d{4}$/).textContent();
  }

  /** The answer shown in the "Check your answers" row named `key`. */
  async answer(key) {
    const exact = new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const term = this.page.getByRole('term').filter({ hasText: exact });
    assert.equal(await term.count(), 1, `one row for ${key}`);
    return term.locator('xpath=following-sibling::dd[1]').textContent();
  }
}

/** A tiny valid PNG (1×1) and a JPEG header, made here so the tests need no binary fixtures. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
