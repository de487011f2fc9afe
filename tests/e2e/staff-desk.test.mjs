// The staff desk in the browser (crates/staff-web, issue #23) against a stand-in of the staff API: the real
// intake serves the release's /staff/ page under its strict policy, and the page's calls to /staff/api/v1
// are answered by the test (page.route), so the desk's own behaviour is checked without the server rooms:
// a real passkey ceremony (CDP virtual authenticator) through the desk's base64url ↔ ArrayBuffer
// conversion, a session that ends mid-note (sign-in, back to the screen, the note kept), the queue's keys,
// polling with If-None-Match that never disturbs what is typed or selected, the bulk bar, "changed by"
// with a reload that keeps the reply, the customer's markup shown as text, and axe on every screen in
// en/ko/pl. The answers are in the shapes docs/staff-api.md gives. The journey against the real rooms is
// tests/e2e/staff-desk-journey.test.mjs; this file keeps what the real server cannot be made to do on cue
// (a session that ends between two clicks, someone else's change in between, a poll under a fake clock).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { assertAccessible } from './support/a11y.mjs';
import { DESKTOP, launchBrowser, openPage } from './support/browser.mjs';
import { startIntake } from './support/intake.mjs';

const SHOTS = join(resolve(fileURLToPath(new URL('../..', import.meta.url))), 'target/screenshots/staff');
const LANGUAGES = [['ko', '한국어'], ['pl', 'Polski'], ['en', 'English']];

let intake;
let browser;
let origin;

/** The screen in each language: a screenshot (target/screenshots/staff/<name>.<lang>.png), and axe finds
 *  nothing; back in English after. */
async function shoot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  for (const [lang, label] of LANGUAGES) {
    await page.getByLabel(/^(Language|언어|Język)$/).selectOption({ label });
    await page.locator(`html[lang="${lang}"]`).waitFor();
    await page.screenshot({ path: join(SHOTS, `${name}.${lang}.png`), fullPage: true });
    await assertAccessible(page);
  }
}

before(async () => {
  intake = await startIntake();
  // Passkeys need a domain, not an address: the same loopback server by the name localhost.
  origin = intake.origin.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
});

const b64 = (bytes) => Buffer.from(bytes).toString('base64url');
const row = (reference, first_words, stage, next, assignee) => ({ reference, category: 'delivery', first_words, stage, next, assignee,
  received_at: '2026-12-01T10:00:00+01:00', locale: 'ko', unread: 0, waiting: null, revision: 1 });
const ROWS = [
  row('CMP-AAAA-0001', 'Never arrived <script>alert(1)</script>', 'received', { step: 'acknowledged', due: '2026-12-09', timeliness: 'ahead', set_by_hand: false }, null),
  row('CMP-AAAA-0002', '택배가 오지 않았습니다', 'acknowledged', { step: 'responded', due: '2026-12-04', timeliness: 'overdue', set_by_hand: false }, { id: 2, name: 'Adam' }),
];
const COMPLAINT = {
  reference: 'CMP-AAAA-0001', revision: 7, category: 'delivery', stage: 'received', locale: 'ko', received_at: '2026-12-01T10:00:00+01:00',
  description: 'It never came. <img src=x onerror=alert(1)>', happened_on: '2026-11-30', outcome: 'refund', outcome_other: null,
  answers: [{ question: 'order_number', label: { en: 'Order number', ko: '주문 번호' }, answer: 'NW-1' }],
  contact: { name: 'Ola', email: 'ola@example.pl', phone: null, preferred: 'email', may_call: null },
  privacy_notice: { version: '2026-12', date: '2026-12-07' },
  files: [{ number: 1, name: '../../x.html', kind: 'application/octet-stream', size: 10, url: '/staff/api/v1/complaints/CMP-AAAA-0001/files/1' }],
  replies: [], decision: null, causes: [], merged_into: null, waiting_since: null, quarantine: null, assignee: null,
  timeline: [{ state: 'done', stage: 'received', at: '2026-12-01T10:00:00+01:00', message: null, current: true },
    { state: 'upcoming', stage: 'acknowledged', due: '2026-12-09', timeliness: 'ahead', set_by_hand: false, rule: null }],
  notes: [{ id: 1, at: '2026-12-02T09:00:00+01:00', author: { id: 2, name: 'Adam' }, text: 'Checked', mentions: [] }],
  audit: [{ at: '2026-12-02T09:00:00+01:00', actor: 'staff:2', actor_name: 'Adam', action: 'note', reference: 'CMP-AAAA-0001', detail: {} }],
  retention: { keep_until: '2027-12-31', erased_at: null,
    hold: { since: '2026-12-03T09:00:00+01:00', by: 'Adam', reason: 'County court claim 7/2026' } },
};

/** A stand-in staff API: `state` says who is signed in; every change is recorded in `sent`. */
function standIn(page, state) {
  const sent = [];
  const asked = [];
  page.route('**/staff/api/v1/**', async (route) => {
    const request = route.request();
    const path = new URL(request.url()).pathname.replace('/staff/api/v1', '');
    const json = (body, status = 200, headers = {}) => route.fulfill({ status, contentType: 'application/json', headers, body: JSON.stringify(body) });
    const signedOut = () => json({ code: 'signed_out', message: 'signed out' }, 401);
    if (request.method() === 'GET') asked.push([path, request.headers()['if-none-match']]);
    else sent.push({ path, csrf: request.headers()['x-csrf-token'], body: JSON.parse(request.postData() || '{}') });
    switch (path) {
      case '/enrolments/tok123':
        return json({ name: 'Ada Admin', role: 'admin' });
      case '/enrolments/tok123/start':
        return json({ publicKey: {
          rp: { name: 'Desk', id: 'localhost' }, user: { id: b64([1, 2, 3, 4]), name: 'ada', displayName: 'Ada' },
          challenge: b64(Array(16).fill(9)), pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' } } });
      case '/enrolments/tok123/finish':
        state.credential = sent.at(-1).body.credential.rawId;
        state.signedIn = true;
        return json({ csrf: 'csrf-1', add_passkey: false, recovery_codes: Array.from({ length: 10 }, (_, i) => `code${i}-abcde`) });
      case '/sign-in/methods':
        return json({ passkey: true, oidc: null });
      case '/sign-in/start':
        return json({ ceremony: 'c2', options: { publicKey: { challenge: b64(Array(16).fill(7)), rpId: 'localhost', userVerification: 'required',
          allowCredentials: [{ type: 'public-key', id: state.credential }] } } });
      case '/sign-in/finish':
        state.signedIn = true;
        return json({ csrf: 'csrf-1', add_passkey: false });
    }
    if (!state.signedIn) return signedOut();
    if (state.endOnNextChange && request.method() !== 'GET') {
      state.signedIn = false;
      state.endOnNextChange = false;
      return signedOut();
    }
    if (path === '/me') return json({ id: 1, name: 'Ada Admin', role: 'admin', categories: [], csrf: 'csrf-1' });
    if (path === '/queues') return json({ queues: [{ id: 'new', count: 2 }] });
    if (path === '/complaints') {
      if (request.headers()['if-none-match'] === '"v1"') return route.fulfill({ status: 304, headers: { etag: '"v1"' } });
      return json({ rows: ROWS, total: 2 }, 200, { etag: '"v1"' });
    }
    if (path === '/bulk') return json({ results: [{ reference: 'CMP-AAAA-0001', ok: true }, { reference: 'CMP-AAAA-0002', ok: false, code: 'forbidden' }] });
    if (path.endsWith('/acknowledge')) return json({ code: 'changed', message: 'changed', changed_by: { id: 3, name: 'Lena' }, revision: 8 }, 409);
    if (path === '/templates/preview') return json({ locale: 'ko', subject: '불만 처리 안내', body: '안녕하세요, 고객님.' });
    if (path.startsWith('/complaints/')) return json(COMPLAINT);
    if (path === '/colleagues') return json({ colleagues: [{ id: 1, name: 'Ada Admin' }, { id: 2, name: 'Adam' }] });
    if (path === '/staff') return json({ staff: [{ id: 1, name: 'Ada Admin', email: 'ada@example.com', role: 'admin' }, { id: 2, name: 'Adam', email: 'adam@example.com', role: 'agent', categories: ['delivery'] }] });
    if (path === '/templates') return json({ templates: [{ id: 1, category: 'delivery', kind: 'reply', name: 'Refund', texts: { en: 'We refund.', ko: '환불해 드립니다.', pl: 'Zwracamy.' }, updated_by: null, updated_at: '2026-12-01T09:00:00Z' }] });
    if (path === '/tokens') return json({ tokens: [{ id: 1, name: 'CRM', role: 'agent', created_at: '2026-12-01' }] });
    if (path === '/webhooks') return json({ webhooks: [{ id: 1, url: 'https://crm.example/hook', events: ['complaint.filed'] }] });
    return json({ code: 'not_found', message: 'no' }, 404);
  });
  return { sent, asked };
}

async function withAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true,
    hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
}

/** Everything but the 401s and 409s the stand-in answers on purpose. */
const unexpected = (problems) => problems.filter((p) => !/status of (401|409)/.test(p));

test('enrolment and sign-in are real passkey ceremonies, and a session ending mid-note keeps the note', async () => {
  const { context, page, problems } = await openPage(browser, { viewport: DESKTOP, serviceWorkers: 'block' });
  await withAuthenticator(context, page);
  const state = { signedIn: false };
  const { sent } = standIn(page, state);
  await page.goto(`${origin}/staff/enrol#tok123`);
  await page.getByText('This link is for Ada Admin (Administrator).').waitFor();
  await shoot(page, 'enrol');
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  await shoot(page, 'recovery-codes');
  assert.equal(await page.locator('ol.codes li').count(), 10);
  const enrolled = sent.find((s) => s.path === '/enrolments/tok123/finish').body.credential;
  assert.equal(enrolled.type, 'public-key');
  assert.match(enrolled.response.attestationObject, /^[A-Za-z0-9_-]+$/, 'base64url, no padding');
  assert.equal(JSON.parse(Buffer.from(enrolled.response.clientDataJSON, 'base64url')).type, 'webauthn.create');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  // An admin lands on what breaches soon.
  await page.getByRole('heading', { name: 'Breaches soon' }).waitFor();
  assert.ok(!page.url().includes('tok123'), 'the link’s token leaves the address bar');

  await page.goto(`${origin}/staff/complaints/CMP-AAAA-0001`);
  await page.getByLabel('Internal note').fill('Half a thought about @adam');
  state.endOnNextChange = true;
  await page.getByRole('button', { name: 'Add the note' }).click();
  await page.getByText('Your session has ended. Please sign in again: what you typed has been kept.').waitFor();
  await shoot(page, 'sign-in');
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.getByRole('heading', { name: 'Complaint CMP-AAAA-0001' }).waitFor();
  assert.equal(await page.getByLabel('Internal note').inputValue(), 'Half a thought about @adam');
  const signedIn = sent.find((s) => s.path === '/sign-in/finish').body;
  assert.equal(signedIn.ceremony, 'c2', 'the ceremony named by the start travels back');
  const assertion = signedIn.credential;
  assert.equal(assertion.rawId, enrolled.rawId);
  assert.equal(JSON.parse(Buffer.from(assertion.response.clientDataJSON, 'base64url')).type, 'webauthn.get');
  await page.getByRole('button', { name: 'Add the note' }).click();
  await page.getByLabel('Internal note').and(page.locator('textarea:text-is("")')).waitFor();
  const note = sent.filter((s) => s.path.endsWith('/notes')).at(-1);
  assert.deepEqual(note.body, { text: 'Half a thought about @adam', mentions: [] },
    'a note carries no revision, and mentions only a colleague chosen from the list');
  assert.equal(note.csrf, 'csrf-1');
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('the queue: keys, a poll that changes nothing typed or selected, the bulk bar, then a complaint', async () => {
  const { context, page, problems } = await openPage(browser, { viewport: { width: 1024, height: 768 }, serviceWorkers: 'block' });
  await page.clock.install();
  const { sent, asked } = standIn(page, { signedIn: true });
  await page.goto(`${origin}/staff/`);
  await page.getByRole('link', { name: 'CMP-AAAA-0001' }).waitFor();
  await page.getByText('due 2026-12-09').waitFor();
  await page.getByText('overdue since 2026-12-04').waitFor();
  await page.getByText('Never arrived <script>alert(1)</script>').waitFor();
  await shoot(page, 'queue');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'row-CMP-AAAA-0002');
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await page.screenshot({ path: join(SHOTS, 'shortcuts.en.png') });
  await assertAccessible(page);
  await page.keyboard.press('Escape');
  await page.keyboard.press('/');
  await page.keyboard.type('parcel');
  await page.getByRole('checkbox', { name: 'Select CMP-AAAA-0002' }).check();
  await page.getByLabel('Search', { exact: true }).focus();
  const before = asked.filter(([p]) => p === '/complaints').length;
  await page.clock.runFor(15_000);
  await expectSoon(() => asked.filter(([p]) => p === '/complaints').length > before);
  assert.equal(asked.filter(([p]) => p === '/complaints').at(-1)[1], '"v1"', 'the poll names the version it has');
  assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), 'parcel');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  assert.ok(await page.getByRole('checkbox', { name: 'Select CMP-AAAA-0002' }).isChecked());

  await page.getByRole('checkbox', { name: 'Select CMP-AAAA-0001' }).check();
  const bulk = page.getByRole('form', { name: 'With the selection' });
  await bulk.getByLabel('Assign to').selectOption({ label: 'Adam' });
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('1 done, 1 not done.').waitFor();
  assert.deepEqual(sent.find((s) => s.path === '/bulk').body, { action: 'assign', assignee: 2, references: ['CMP-AAAA-0002', 'CMP-AAAA-0001'] });
  assert.ok(await page.getByRole('checkbox', { name: 'Select CMP-AAAA-0002' }).isChecked(), 'what was not done stays selected');

  // k back to the first row, then r: its reply, from the queue.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('k');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'row-CMP-AAAA-0001');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('r');
  await page.getByRole('heading', { name: 'Complaint CMP-AAAA-0001' }).waitFor();
  await expectSoon(async () => (await page.evaluate(() => document.activeElement.id)) === 'reply-text');
  await page.keyboard.type('Dear customer');
  await page.getByText('It never came. <img src=x onerror=alert(1)>').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Download ../../x.html' }).getAttribute('download'), '../../x.html');
  // Retention: until when the data is kept, and the hold with who, when and why; held, it can only come off.
  const kept = page.getByRole('region', { name: 'Keeping the personal data' });
  await kept.getByText('Kept until Fri, 31 Dec 2027').waitFor();
  await kept.getByText(/^On legal hold since 2026-12-03 09:00.*, put on by Adam\. Reason: County court claim 7\/2026$/).waitFor();
  await page.getByRole('button', { name: 'Take off legal hold' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Put on legal hold' }).count(), 0);
  await shoot(page, 'complaint');
  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByText('Changed by Lena since you opened it.').waitFor();
  assert.deepEqual(sent.find((s) => s.path.endsWith('/acknowledge')).body, { revision: 7 });
  await actions.getByRole('button', { name: 'Reload (what you typed is kept)' }).click();
  assert.equal(await page.getByLabel('Text', { exact: true }).first().inputValue(), 'Dear customer');
  await actions.getByLabel('Template').selectOption({ label: 'Refund' });
  await actions.getByRole('button', { name: 'Preview' }).click();
  await page.getByRole('region', { name: 'As the customer will read it' }).getByText('안녕하세요, 고객님.').waitFor();

  for (const [link, heading, name] of [['Staff', 'Staff', 'staff'], ['Templates', 'Reply templates', 'templates'], ['Service tokens', 'Service tokens', 'tokens'], ['Webhooks', 'Webhooks', 'webhooks']]) {
    await page.getByRole('navigation', { name: 'Desk sections' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await shoot(page, name);
  }
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

/** Waits for `check` to hold, for up to five seconds. */
async function expectSoon(check, timeout = 5000) {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) assert.fail('not within five seconds');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
