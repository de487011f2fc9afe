// Where staff land and how they reach each other (issue #23), against the real intake serving dist/staff/
// and real passkeys (CDP virtual authenticator): a lead lands on "Breaches soon" (overdue first, then what
// falls due within two working days, by time left), an agent on "Mine"; a lead mentions the agent in a note
// by typing @ and choosing from the list with the keyboard, and the agent finds the complaint in
// "Mentions", marked. The lead's Operations screen is shown too. Each screen in en/ko/pl, axe finding
// nothing. Complaints are filed through the public API (the filing app is another test's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { assertAccessible } from './support/a11y.mjs';
import { DESKTOP, launchBrowser, openPage } from './support/browser.mjs';
import { startIntake } from './support/intake.mjs';
import { addVirtualAuthenticator, deskOrigin, inviteFromCommandLine } from './support/passkey.mjs';
import { shoot } from './support/staff-shots.mjs';


let intake;
let browser;
let origin;

before(async () => {
  intake = await startIntake();
  origin = deskOrigin(intake);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
});


/** Files a delivery complaint through the public API; its reference. */
async function file(key, description) {
  const complaint = {
    schema_version: 1, draft_id: key, locale: 'en', category: 'delivery', description, happened_on: '2026-12-01',
    details: { order_number: 'NW-1' }, outcome: 'refund', attachments: [],
    contact: { name: 'Anna Kowalska', email: 'anna@example.pl', preferred: 'email', consent: true },
    spam_signals: { honeypot_filled: false, fill_seconds: 120 },
  };
  const form = new FormData();
  form.append('complaint', new Blob([JSON.stringify(complaint)], { type: 'application/json' }), 'complaint.json');
  const answer = await fetch(`${intake.origin}/api/v1/complaints`, { method: 'POST', body: form, headers: { 'Idempotency-Key': key, Accept: 'application/json' } });
  const text = await answer.text();
  assert.equal(answer.status, 201, text);
  return JSON.parse(text).reference;
}

/** Moves complaint `reference` `days` into the past (its filing and its stages), as time passing would. */
async function backdate(reference, days) {
  const script = `import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); d=int(sys.argv[3])*86400
i=c.execute('SELECT id FROM complaints WHERE reference=?',(sys.argv[2],)).fetchone()[0]
c.execute('UPDATE complaints SET received_at=received_at-? WHERE id=?',(d,i))
c.execute('UPDATE stages SET at=at-? WHERE complaint_id=?',(d,i)); c.commit()`;
  const [[db]] = await intake.rows("SELECT file FROM pragma_database_list WHERE name = 'main'");
  await promisify(execFile)('python3', ['-c', script, db, reference, String(days)]);
}

/** A staff member's own browser, enrolled from a `staff invite` link, on the screen the desk lands on. */
async function enrolled(role, name, email, categories = []) {
  const link = await inviteFromCommandLine(intake, { role, name, email, categories });
  const session = await openPage(browser, { viewport: DESKTOP, serviceWorkers: 'block' });
  await addVirtualAuthenticator(session.page);
  await session.page.goto(link);
  await session.page.getByRole('button', { name: 'Create a passkey' }).click();
  await session.page.getByRole('button', { name: 'I have saved them' }).click();
  await session.page.getByRole('navigation', { name: 'Queues' }).waitFor();
  return session;
}

/** The references the queue's table lists, in order. */
async function listed(page) {
  const table = page.getByRole('table');
  await table.waitFor();
  return table.getByRole('link', { name: /^CMP-/ }).allTextContents();
}

test('a lead lands on what breaches soon, an agent on their own; a note mentions the agent, who sees it', async () => {
  const fresh = await file('landing-fresh', 'The parcel is a day late.');
  const late = await file('landing-late', 'The parcel never came, ten days now.');
  const calm = await file('landing-calm', 'Wrong colour, no hurry.');
  await backdate(late, 10);
  await intake.backOffice('acknowledge', calm, '--message', 'Thank you, we have it.');

  const lead = await enrolled('lead', 'Lena Lead', 'lena@org.example');
  const { page } = lead;
  await page.getByRole('heading', { name: 'Breaches soon' }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('table a[href*="/complaints/"]').length >= 2);
  assert.deepEqual(await listed(page), [late, fresh], 'overdue first, then by time left; the calm one is not here');
  const here = page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: /^Breaches soon/ });
  assert.equal(await here.getAttribute('aria-current'), 'page');
  await shoot(page, 'breaches-soon');

  const agent = await enrolled('agent', 'Adam Agent', 'adam@org.example', ['delivery']);
  await agent.page.getByRole('heading', { name: 'Mine' }).waitFor();

  // The lead mentions Adam: @, the start of his name, Down, Enter.
  await page.getByRole('link', { name: fresh, exact: true }).click();
  await page.getByRole('heading', { name: `Complaint ${fresh}` }).waitFor();
  const note = page.getByLabel('Internal note', { exact: true });
  await note.click();
  await note.pressSequentially('Please call them, @Ad');
  const list = page.getByRole('listbox', { name: 'Colleagues to mention' });
  await list.waitFor();
  assert.deepEqual(await list.getByRole('option').allTextContents(), ['Adam Agent']);
  assert.equal(await note.getAttribute('aria-activedescendant'), 'mention-0');
  assert.equal(await list.getByRole('option', { name: 'Adam Agent' }).getAttribute('aria-selected'), 'true');
  await assertAccessible(page);
  await note.press('Enter');
  await list.waitFor({ state: 'detached' });
  await note.pressSequentially('today.');
  assert.equal(await note.inputValue(), 'Please call them, @Adam Agent today.');
  await page.getByRole('button', { name: 'Add the note' }).click();
  await page.getByText('Please call them, @Adam Agent today.').waitFor();
  const [[mentions]] = await intake.rows("SELECT mentions FROM notes ORDER BY id DESC LIMIT 1");
  const [[adam]] = await intake.rows("SELECT id FROM staff WHERE name = 'Adam Agent'");
  assert.deepEqual(JSON.parse(mentions), [adam]);

  // Adam finds it in "Mentions", marked.
  await agent.page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: /^Mentions/ }).click();
  await agent.page.getByRole('heading', { name: 'Mentions' }).waitFor();
  await agent.page.getByRole('link', { name: fresh, exact: true }).click();
  await agent.page.getByRole('heading', { name: `Complaint ${fresh}` }).waitFor();
  await agent.page.getByText('Mentions you').waitFor();

  // The lead's operations: the status files written again, in words.
  await page.getByRole('navigation', { name: 'Desk sections' }).getByRole('link', { name: 'Operations' }).click();
  await page.getByRole('heading', { name: 'Operations', level: 1 }).waitFor();
  await page.getByRole('checkbox', { name: /Write every complaint/ }).check();
  await page.getByRole('button', { name: 'Write status files' }).click();
  await page.getByRole('status').filter({ hasText: 'Status files written: 3.' }).waitFor();
  await shoot(page, 'operations');
  assert.equal(await agent.page.getByRole('link', { name: 'Operations' }).count(), 0, 'an agent has no operations');

  await agent.context.close();
  await lead.context.close();
});
