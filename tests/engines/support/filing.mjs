// The filing flow as a customer goes through it, step by step, by role and label: tests/e2e/support/filing.mjs
// on the engine-neutral Tab, so the same steps run in Chromium, Firefox and WebKit.
import { daysAgo } from '../../e2e/support/filing.mjs';

export { PNG_1x1, daysAgo } from '../../e2e/support/filing.mjs';

export class Filing {
  constructor(tab) {
    this.tab = tab;
  }

  async continue() {
    await this.tab.click({ role: 'button', name: 'Continue' });
  }

  async atStep(n) {
    await this.tab.waitFor({ text: new RegExp(`Step ${n} of [78]`) });
  }

  /** Waits until the app has taken over from the page's static shell (the first question, drawn before
   *  the Wasm): an answer given to the shell is the shell's, not yet the app's. */
  async started() {
    await this.tab.until(() => document.querySelector('[data-complaint-desk-shell]') === null, null, (gone) => gone === true, { what: 'the app in place of the static shell' });
  }

  async chooseCategory(label) {
    await this.started();
    await this.tab.waitFor({ role: 'group', name: 'What is your complaint about?' });
    await this.tab.check({ role: 'radio', name: label });
    await this.continue();
    await this.atStep(2);
  }

  async skipCommonAnswers() {
    await this.tab.waitFor({ role: 'heading', name: 'Common answers to problems like yours' });
    await this.tab.click({ role: 'button', name: 'Continue with my complaint' });
    await this.atStep(3);
  }

  async describe({ description, happenedOn = daysAgo(1), details = {} }) {
    await this.tab.fill({ label: 'Describe what happened' }, description);
    await this.tab.fill({ label: 'When did it happen?' }, happenedOn);
    for (const [label, value] of Object.entries(details)) await this.tab.fill({ label }, value);
    await this.continue();
    await this.atStep(4);
  }

  async chooseOutcome(label) {
    await this.tab.check({ role: 'radio', name: label });
    await this.continue();
    await this.atStep(5);
  }

  /** Picks the files and waits until each is listed (its Remove button shown). */
  async addFiles(files) {
    await this.tab.upload({ label: 'Choose photos or files' }, files);
    for (const { name } of files) await this.tab.waitFor({ role: 'button', name: `Remove ${name}` });
  }

  async finishEvidence() {
    await this.continue();
    await this.atStep(6);
  }

  /** Contact details, then "Somewhere else" where the category asks where the customer lives. */
  async giveContact({ name, email }) {
    await this.tab.fill({ label: 'Full name' }, name);
    await this.tab.fill({ label: 'Email address' }, email);
    await this.tab.check({ role: 'radio', name: 'By email' });
    await this.continue();
    await this.tab.waitFor({ role: 'heading', name: /^(Check your answers before sending|Where do you live\?)$/ });
    if ((await this.tab.count({ role: 'heading', name: 'Where do you live?' })) > 0) {
      await this.tab.check({ role: 'radio', name: 'Somewhere else' });
      await this.continue();
    }
    await this.tab.waitFor({ role: 'heading', name: 'Check your answers before sending' });
  }

  async send() {
    await this.tab.click({ role: 'button', name: 'Send complaint' });
  }

  /** Waits for the confirmation and returns the reference it shows. */
  async confirmation() {
    await this.tab.waitFor({ role: 'heading', name: 'Complaint received' });
    return this.tab.text({ text: /^CMP-[0-9A-Z]+-[0-9A-Z]{4}$/ });
  }
}

/** In the page: what the app keeps on this device — each draft's description, and how many files. */
export function stored() {
  return new Promise((done, fail) => {
    const open = indexedDB.open('complaint-desk');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['drafts', 'files']);
      const drafts = tx.objectStore('drafts').getAll();
      const files = tx.objectStore('files').count();
      tx.oncomplete = () => {
        db.close();
        done({ descriptions: drafts.result.map((d) => d.description), files: files.result });
      };
      tx.onerror = () => fail(tx.error);
    };
  });
}
