// The conversation after filing, end to end: the real intake (with a recording SMTP listener on loopback) mails
// the customer a link on each decision; the customer answers back from the tracker (not satisfied, resolves
// it, a rating, information with a photo), each reply a draft first, then sent through the device's outbox
// exactly once with its own Idempotency-Key; the back office reads it; refusals read in the customer's language.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { assertAccessible } from './support/a11y.mjs';
import { launchBrowser, openPage } from './support/browser.mjs';
import { Filing, PNG_1x1 } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// Lighthouse's slow 4G, as tests/e2e/weak-signal.test.mjs uses it.
const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };

let smtp;
let intake;
let browser;
let mail;

/** The intake's own test relay (aiosmtpd, installed by scripts/setup): each mail it is given, as JSON. */
async function startRecorder() {
  const dir = await mkdtemp(join(tmpdir(), 'smtp-e2e-'));
  const child = spawn('python3', [join(ROOT, 'crates/intake/tests/support/smtp_recorder.py'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = await once(createInterface({ input: child.stdout }), 'line');
  return {
    port: Number(port),
    /** Waits for a mail whose body matches `pattern` (serve sends its outbox every half second). */
    async waitFor(pattern, { timeout = 20_000 } = {}) {
      const until = Date.now() + timeout;
      for (;;) {
        const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
        for (const name of names) {
          const record = JSON.parse(await readFile(join(dir, name), 'utf8'));
          if (pattern.test(record.body)) return record;
        }
        if (Date.now() > until) throw new Error(`no mail matching ${pattern} in ${names.length} mails`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  smtp = await startRecorder();
  mail = ['--smtp-relay', `127.0.0.1:${smtp.port}`, '--mail-from', 'desk@northwind.example', '--smtp-timeout', '5'];
  intake = await startIntake({ args: mail });
  // The back office queues the mail (serve sends it); its links lead to this service.
  mail = [...mail, '--public-url', intake.origin];
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
  await smtp?.stop();
});

async function fileComplaint(page, email) {
  await page.goto(intake.origin + '/');
  const filing = new Filing(page);
  await filing.chooseCategory('A delivery');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'The parcel never arrived.', details: { 'Order number': 'NW-50001' } });
  await filing.chooseOutcome('Give me a refund');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Ola Nowak', email });
  await filing.send();
  await page.getByRole('heading', { name: 'Complaint received' }).waitFor();
  return (await page.getByText(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/).textContent()).trim();
}

async function lookUp(page, reference, verifier) {
  await page.getByLabel('Complaint reference').fill(reference);
  await page.getByLabel('Email address or PIN').fill(verifier);
  await page.getByRole('button', { name: 'Find my complaint' }).click();
}

const actions = (page) => page.getByRole('region', { name: 'What you can do now' });
const told = (page) => page.getByRole('region', { name: 'What you have told us' });

test('decision mailed, opened from the link, not satisfied (reopened, escalation shown), resolved, closed, rated 4/5', async () => {
  const { context, page, problems } = await openPage(browser);
  const reference = await fileComplaint(page, 'ola@example.pl');
  await intake.backOffice('respond', reference, '--decision', 'not_upheld', '--summary', 'The courier shows it as delivered.', ...mail);

  // The customer opens the emailed link: the status at once, the pair gone from the address bar.
  const decided = await smtp.waitFor(new RegExp(`${reference}[\\s\\S]*track#reference=`));
  const link = decided.body.match(/https?:\/\/\S+\/track#reference=\S+/)[0];
  assert.ok(link.startsWith(intake.origin), link);
  await page.goto(link);
  await page.getByText('Where it stands: Decision sent').waitFor();
  await page.getByText('Your complaint was not upheld.').waitFor();
  assert.equal(new URL(page.url()).hash, '');

  // "Not satisfied" asks for a reason and a confirmation; what is typed survives a reload (a draft first).
  await actions(page).getByRole('button', { name: 'No, I am not satisfied' }).click();
  await actions(page).getByRole('button', { name: 'Confirm: reopen my complaint' }).click();
  await page.getByRole('alert').filter({ hasText: 'Tell us why you are not satisfied' }).waitFor();
  await page.getByLabel('Why are you not satisfied?').fill('Nobody left it at my door.');
  await assertAccessible(page);
  await page.reload();
  await lookUp(page, reference, 'ola@example.pl');
  const reason = page.getByLabel('Why are you not satisfied?');
  await reason.waitFor();
  assert.equal(await reason.inputValue(), 'Nobody left it at my door.');
  await actions(page).getByRole('button', { name: 'Confirm: reopen my complaint' }).click();
  await page.getByText('Where it stands: Reopened').waitFor();
  await actions(page).getByText('Sent. Northwind Goods has it now.').waitFor();
  await told(page).getByText(/^You told us on .* that you are not satisfied, and the complaint was reopened$/).waitFor();
  const route = page.getByRole('region', { name: 'If you are still not satisfied' });
  await route.getByText(/^We will look at your complaint again and send you a new decision by \w{3}, \d{1,2} \w{3} \d{4}\.$/).waitFor();
  await route.getByText('If you are still not satisfied after that, you can take your complaint to The Consumer Ombudsman (UK):').waitFor();
  await route.getByRole('link', { name: 'https://ombudsman.example/complain' }).waitFor();

  // The back office sees it: the list puts the unread reply first, show prints the reason.
  assert.match(await intake.backOffice('list', ...mail), new RegExp(`${reference}.*1 new`));
  const shown = await intake.backOffice('show', reference, ...mail);
  assert.match(shown, /Nobody left it at my door\./);
  assert.match(shown, /reopened/i);

  // A new decision; "resolves it", confirmed; closed; then a rating.
  await intake.backOffice('respond', reference, '--decision', 'upheld', '--summary', 'A refund is on its way.', ...mail);
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.getByText('Where it stands: Decision sent').waitFor();
  await actions(page).getByRole('button', { name: 'Yes, this resolves my complaint' }).click();
  await actions(page).getByRole('heading', { name: 'Confirm that this resolves your complaint' }).waitFor();
  await actions(page).getByRole('button', { name: 'Confirm: my complaint is resolved' }).click();
  await told(page).getByText(/^You confirmed on .* that this resolves your complaint$/).waitFor();
  await intake.backOffice('close', reference, '--message', 'Thank you.', ...mail);
  await page.getByRole('button', { name: 'Find my complaint' }).click();
  await page.getByText('Where it stands: Closed').waitFor();
  await actions(page).getByRole('button', { name: 'Rate how we handled your complaint' }).click();
  await actions(page).getByRole('radio', { name: '4 out of 5' }).check();
  await assertAccessible(page);
  await page.getByLabel('Anything else you would like to tell us? (optional)').fill('Slow, but fair.');
  await actions(page).getByRole('button', { name: 'Send rating' }).click();
  await told(page).getByText(/^You rated how your complaint was handled 4 out of 5 on /).waitFor();
  await actions(page).getByText(/^You can change your rating until /).waitFor();
  assert.match(await intake.backOffice('show', reference, ...mail), /4\/5[\s\S]*Slow, but fair\./);

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('another device opens the mailed link and replies: the link carries the proof the filing device was given', async () => {
  const filed = await openPage(browser);
  const reference = await fileComplaint(filed.page, 'mira@example.pl');
  await filed.context.close();
  await intake.backOffice('acknowledge', reference, ...mail);
  const acknowledged = await smtp.waitFor(new RegExp(`${reference}[\\s\\S]*track#reference=`));
  const link = acknowledged.body.match(/https?:\/\/\S+\/track#reference=\S+/)[0];
  assert.match(link, /&proof=[0-9a-f]{64}$/);

  // A laptop that never saw the complaint: only the mail's link.
  const { context, page, problems } = await openPage(browser);
  await page.goto(link);
  await page.getByText('Where it stands: Acknowledged').waitFor();
  assert.equal(new URL(page.url()).hash, '');
  await actions(page).getByRole('button', { name: 'Add information' }).click();
  await page.getByLabel('What would you like to add?').fill('Sent from my laptop.');
  await actions(page).getByRole('button', { name: 'Send information' }).click();
  await actions(page).getByText('Sent. Northwind Goods has it now.').waitFor();
  const texts = await intake.rows(`SELECT r.text FROM replies r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = '${reference}'`);
  assert.deepEqual(texts, [['Sent from my laptop.']]);
  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('information with a photo added offline is sent once when back online, on slow 4G; the same key twice stores one reply', async () => {
  const { context, page, problems } = await openPage(browser);
  const reference = await fileComplaint(page, 'kai@example.com');
  await intake.backOffice('acknowledge', reference, ...mail);
  await page.goto(intake.origin + '/track');
  await lookUp(page, reference, 'kai@example.com');
  await page.getByText('Where it stands: Acknowledged').waitFor();

  const answered = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/information')) answered.push(r.status());
  });
  // Offline, then back on Chromium's slow-4G profile with a phone's CPU four times slower.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { ...SLOW_4G, offline: true });
  await actions(page).getByRole('button', { name: 'Add information' }).click();
  await page.getByLabel('What would you like to add?').fill('The courier left a card: depot 7.');
  await page.locator('#reply-files').setInputFiles([{ name: 'card.png', mimeType: 'image/png', buffer: PNG_1x1 }]);
  await actions(page).getByText(/^card\.png \(\d+ KB\)$/).waitFor();
  await actions(page).getByRole('button', { name: 'Send information' }).click();
  await actions(page).getByText(/^Waiting to send\. There is no connection right now/).waitFor();
  assert.deepEqual(answered, []);

  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
  await told(page).getByText(/^You added information on /).waitFor();
  await actions(page).getByText('Sent. Northwind Goods has it now.').waitFor();
  assert.deepEqual(answered, [201]);
  const rows = await intake.rows(
    `SELECT r.text, (SELECT COUNT(*) FROM reply_files f WHERE f.reply_id = r.id) FROM replies r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = '${reference}'`,
  );
  assert.deepEqual(rows, [['The courier left a card: depot 7.', 1]]);

  // The same key twice (a retry after a lost answer): the same answer, one reply stored.
  // The proof the filing answer gave this device (`reply_proof`, docs/replies.md), as the intake kept that answer.
  const [[proof]] = await intake.rows(
    `SELECT json_extract(k.body, '$.reply_proof') FROM idempotency_keys k JOIN complaints c ON c.id = k.complaint_id WHERE c.reference = '${reference}'`,
  );
  const key = randomUUID();
  const send = () =>
    fetch(`${intake.origin}/api/v1/complaints/${reference}/information`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key, 'Reply-Proof': proof, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Depot 7 is closed on Mondays.' }),
    }).then(async (r) => [r.status, await r.text()]);
  const first = await send();
  assert.equal(first[0], 201);
  assert.deepEqual(await send(), first);
  const texts = await intake.rows(`SELECT r.text FROM replies r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = '${reference}'`);
  assert.equal(texts.length, 2);

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test('a reply queued offline on the tracker goes from the filing page (a real page load), once, when back online', async () => {
  const { context, page, problems } = await openPage(browser);
  const reference = await fileComplaint(page, 'lee@example.com');
  await page.goto(intake.origin + '/track');
  await lookUp(page, reference, 'lee@example.com');
  await page.getByText('Where it stands: Received').waitFor();
  // The worker has the pages by now, so the filing page also opens with no network.
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));

  const answered = [];
  page.on('response', (r) => {
    if (r.request().method() === 'POST' && r.url().endsWith('/information')) answered.push(r.status());
  });
  await context.setOffline(true);
  await actions(page).getByRole('button', { name: 'Add information' }).click();
  await page.getByLabel('What would you like to add?').fill('Sent from the form page.');
  await actions(page).getByRole('button', { name: 'Send information' }).click();
  await actions(page).getByText(/^Waiting to send\. There is no connection right now/).waitFor();

  // A new page load into the filing page: the tracker is gone, the root's reply courier is not.
  await page.goto(intake.origin + '/');
  await page.getByRole('group', { name: 'What is your complaint about?' }).waitFor();
  assert.equal(await page.getByRole('region', { name: 'What you can do now' }).count(), 0);
  assert.deepEqual(answered, []);
  await context.setOffline(false);

  const stored = () =>
    intake.rows(`SELECT r.text FROM replies r JOIN complaints c ON c.id = r.complaint_id WHERE c.reference = '${reference}'`);
  // Sent when the page hears it is online again (or at its next due attempt, a few seconds later at most).
  if (answered.length === 0) {
    await page.waitForEvent('response', { predicate: (r) => r.url().endsWith('/information'), timeout: 30_000 });
  }
  assert.deepEqual(answered, [201]);
  assert.deepEqual(await stored(), [['Sent from the form page.']]);

  // Nothing is left waiting: the tracker, opened again, offers a new reply and shows none waiting.
  await page.goto(intake.origin + '/track');
  await lookUp(page, reference, 'lee@example.com');
  await told(page).getByText(/^You added information on /).waitFor();
  assert.equal(await actions(page).getByText(/^Waiting to send/).count(), 0);
  assert.deepEqual(answered, [201]);
  assert.deepEqual(await stored(), [['Sent from the form page.']]);

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource')), []);
  await context.close();
});

test("refusals in the customer's language: wrong proof and the status file's name, a reply to a closed complaint, a rating on an open one", async () => {
  const { context, page, problems } = await openPage(browser);
  const reference = await fileComplaint(page, 'eva@example.pl');
  await page.goto(intake.origin + '/track');
  await page.getByLabel('Language').selectOption('pl');
  await page.getByLabel('Numer reklamacji').fill(reference);
  await page.getByLabel('Adres e-mail lub PIN').fill('eva@example.pl');
  await page.getByRole('button', { name: 'Znajdź moją reklamację' }).click();
  const panel = page.getByRole('region', { name: 'Co możesz teraz zrobić' });
  await panel.getByRole('button', { name: 'Dodaj informacje' }).click();
  await page.getByLabel('Co chcesz dodać?').fill('Paczka miała numer 123.');

  // A proof that is not the reply proof (the status file's name, or anything else) gets the neutral answer.
  const statusName = createHash('sha256').update(`complaint-desk/status/v1\n${reference.replace(/-/g, '')}\neva@example.pl`).digest('hex');
  const codes = [];
  await page.route('**/information', (route) => route.continue({ headers: { ...route.request().headers(), 'reply-proof': statusName } }));
  page.on('response', (r) => {
    if (r.url().endsWith('/information')) codes.push(r.status());
  });
  await panel.getByRole('button', { name: 'Wyślij informacje' }).click();
  await panel.getByRole('alert').filter({ hasText: 'Nie znaleźliśmy reklamacji o tych danych.' }).waitFor();
  assert.equal(await page.getByLabel('Co chcesz dodać?').inputValue(), 'Paczka miała numer 123.', 'nothing typed is lost');
  assert.deepEqual(codes, [404]);
  await page.unroute('**/information');

  // The complaint closes while the customer writes: information is refused, and the status is brought up to date.
  await intake.backOffice('close', reference, ...mail);
  await panel.getByRole('button', { name: 'Wyślij informacje' }).click();
  await panel.getByRole('alert').filter({ hasText: 'To zgłoszenie jest zamknięte, więc nie można już dodać informacji.' }).waitFor();
  await page.getByText('Obecny etap: Zamknięta', { exact: true }).waitFor();
  assert.deepEqual(codes, [404, 422]);

  // A rating begun on the closed complaint, sent after it was reopened: refused, shown, refreshed.
  await panel.getByRole('button', { name: 'Anuluj' }).click();
  await panel.getByRole('button', { name: 'Oceń rozpatrzenie zgłoszenia' }).click();
  await panel.getByRole('radio', { name: '2 na 5' }).check();
  await intake.backOffice('reopen', reference, ...mail);
  await panel.getByRole('button', { name: 'Wyślij ocenę' }).click();
  await panel.getByRole('alert').filter({ hasText: 'Od wyświetlenia tej strony w sprawie coś się zmieniło.' }).waitFor();
  await page.getByText('Obecny etap: Wznowiona', { exact: true }).waitFor();

  assert.deepEqual(problems.filter((p) => !p.includes('Failed to load resource') && !p.includes('404') && !p.includes('422')), []);
  await context.close();
});
