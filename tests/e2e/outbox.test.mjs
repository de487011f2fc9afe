// Sending on a bad network: the complaint waits in the device's outbox and reaches the organisation exactly
// once, however many attempts, reloads or reconnections it takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useFormPage, useServerAndBrowser } from './support/harness.mjs';
import { Filing, daysAgo } from './support/filing.mjs';
import { trackerCached } from './support/worker.mjs';

let session;
let filing;

const env = useServerAndBrowser();

useFormPage(env, (s, f) => {
  session = s;
  filing = f;
});

/** Console noise the browser itself makes for a failed request; anything else is a real problem. */
function assertOnlyNetworkNoise() {
  const real = session.problems.filter(
    (p) => !/503|ERR_INTERNET_DISCONNECTED|Failed to fetch|Failed to load resource/.test(p),
  );
  assert.deepEqual(real, []);
}

async function readyToSend() {
  await filing.chooseCategory('Something else');
  await filing.skipCommonAnswers();
  await filing.describe({ description: 'Sent from a train with no signal.', happenedOn: daysAgo(1) });
  await filing.chooseOutcome('Apologise');
  await filing.finishEvidence();
  await filing.giveContact({ name: 'Jin Park', email: 'jin@example.kr' });
}

async function intakeCount() {
  const posts = await env.server.complaints();
  return { requests: posts.length, complaints: new Set(posts.map((p) => p.headers['idempotency-key'])).size };
}

test('sent while offline, it waits, then goes by itself when the phone is back online: one request', async () => {
  const { page, context } = session;
  await readyToSend();
  await context.setOffline(true);
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Change/ }).count(), 0, 'a queued complaint is not changed');
  assert.equal((await intakeCount()).requests, 0);

  await context.setOffline(false);
  assert.match(await filing.confirmation(), /^CMP-TEST-/);
  assert.deepEqual(await intakeCount(), { requests: 1, complaints: 1 });
  assertOnlyNetworkNoise();
});

test('three 503s then success: every attempt carries the same key and one complaint is recorded', async () => {
  const { page } = session;
  env.server.intake({ failFirst: 3 });
  await readyToSend();
  await filing.send();
  const waiting = page.getByRole('status').filter({ hasText: 'Waiting to send' });
  await waiting.waitFor();
  for (let attempt = 2; attempt <= 3; attempt++) {
    await page.getByRole('button', { name: 'Try now' }).click();
    await env.server.posts(attempt);
    await waiting.waitFor();
  }
  await page.getByRole('button', { name: 'Try now' }).click();
  assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
  assert.deepEqual(await intakeCount(), { requests: 4, complaints: 1 });
  assertOnlyNetworkNoise();
});

test('"Try now" pressed while an attempt is still on its way is kept, and made as soon as that attempt fails', async () => {
  const { page } = session;
  // The first two answers refuse for two minutes, so only the customer's tap can bring the next attempt; every
  // answer comes 1.5 s after the request, so the second tap lands while the attempt it follows is on its way.
  const busy = { status: 503, body: JSON.stringify({ message: 'Busy.', code: 'busy' }), headers: { 'retry-after': '120' } };
  env.server.intake({ failWith: [busy, busy] });
  env.server.slow(/^\/api\/v1\/complaints$/, 1_500);
  await readyToSend();
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();
  await page.getByRole('button', { name: 'Try now' }).click();
  await env.server.posts(2);
  await page.getByRole('button', { name: 'Try now' }).click();
  assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
  assert.deepEqual(await intakeCount(), { requests: 3, complaints: 1 });
  assertOnlyNetworkNoise();
});

// 408 is left to the domain's unit test (outbox::verdict): Chromium itself resends a request that met a 408 on
// a reused connection, so the page may never see it.
test('429 (with Retry-After) and 409 keep the complaint waiting; it is delivered once', async () => {
  const { page } = session;
  const refusal = (status, code) => ({ status, body: JSON.stringify({ message: 'Later, please.', code }) });
  env.server.intake({
    failWith: [
      { ...refusal(429, 'rate_limited'), headers: { 'retry-after': '1' } },
      refusal(409, 'key_in_progress'),
    ],
  });
  await readyToSend();
  await filing.send();
  const waiting = page.getByRole('status').filter({ hasText: 'Waiting to send' });
  await waiting.waitFor();
  // The 429 asked for one second: the outbox goes by itself then, and meets the 409.
  await env.server.posts(2);
  await waiting.waitFor();
  await page.getByRole('button', { name: 'Try now' }).click();
  assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
  assert.equal(await page.getByText('Your complaint needs a change before it can be sent').count(), 0);
  assert.deepEqual(await intakeCount(), { requests: 3, complaints: 1 });
  assertOnlyNetworkNoise();
});

test('a refusal met while the complaint waited is told on whatever page the customer is, and loses nothing', async () => {
  const { page, context } = session;
  env.server.intake({ failFirst: 1 });
  await readyToSend();
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();
  // No signal while the customer moves to the tracker (its own module, from the worker's cache, which
  // fetched it once the complaint was sent), so that the next attempt is made there and not on the form's
  // page before it unloads.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await trackerCached(page);
  await context.setOffline(true);
  await page.getByRole('link', { name: 'Track a complaint' }).click();
  await page.getByRole('heading', { name: 'Track your complaint' }).waitFor();
  // The shell paints that heading before the tracker's module runs; its courier listens once the app is in.
  await page.waitForFunction(() => document.querySelector('[data-complaint-desk-shell]') === null);
  env.server.intake({
    failWith: [{ status: 422, body: JSON.stringify({ message: 'The order number is not one of ours.', code: 'invalid' }) }],
  });
  // Back online: the outbox tries again, on the tracker page, and meets a definitive refusal.
  await context.setOffline(false);
  const notice = page.getByRole('alert').filter({ hasText: 'A complaint you sent needs a change' });
  await notice.waitFor();
  await notice.getByRole('button', { name: 'Open that complaint' }).click();
  await page.getByRole('heading', { name: 'Check your answers before sending' }).waitFor();
  await page.getByText('The order number is not one of ours.').waitFor();
  assert.equal(await filing.answer('What happened'), 'Sent from a train with no signal.');
  await page.getByRole('button', { name: 'Send complaint' }).click();
  assert.equal(await filing.confirmation(), 'CMP-TEST-0001');
  assert.equal((await intakeCount()).complaints, 1);
  assertOnlyNetworkNoise();
});

test('a complaint still waiting is shown again on the next visit and sent then', async () => {
  const { page } = session;
  env.server.intake({ failFirst: 1_000 });
  await readyToSend();
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();

  env.server.intake();
  await page.reload();
  assert.match(await filing.confirmation(), /^CMP-TEST-/);
  const posts = await env.server.complaints();
  const keys = new Set(posts.map((p) => p.headers['idempotency-key']));
  assert.equal(keys.size, 1, 'the same complaint');
  assert.equal(posts.filter((p) => p.complaint.description === 'Sent from a train with no signal.').length, posts.length);
  assertOnlyNetworkNoise();
});

test('two tabs with the same waiting complaint: back online, one request, and both show the receipt', async () => {
  const { page, context } = session;
  env.server.intake({ failFirst: 1_000 });
  await readyToSend();
  await filing.send();
  await page.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();
  const second = await context.newPage();
  const secondProblems = [];
  second.on('pageerror', (err) => secondProblems.push(`page error: ${err.message}`));
  await second.goto(env.server.origin + '/');
  await second.getByRole('status').filter({ hasText: 'Waiting to send' }).waitFor();
  // The second tab tries it as it opens: that attempt has reached the server (and been refused) before the
  // signal goes, so no request sent before the phone went offline is counted after it.
  await env.server.posts(2);

  await context.setOffline(true);
  env.server.reset();
  env.server.intake();
  // Each tab's attempt is still on its way when the other tab is ready to make its own.
  env.server.slow(/^\/api\/v1\/complaints$/, 1_500);
  await context.setOffline(false);

  const reference = await filing.confirmation();
  assert.match(reference, /^CMP-TEST-/);
  assert.equal(await new Filing(second).confirmation(), reference, 'the other tab shows the same receipt');
  await page.waitForTimeout(2_000); // a second attempt, had one started, would have arrived by now
  assert.deepEqual(await intakeCount(), { requests: 1, complaints: 1 });
  assert.deepEqual(secondProblems, []);
  assertOnlyNetworkNoise();
});

