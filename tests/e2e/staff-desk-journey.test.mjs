// The staff desk end to end (issue #23, its Tests section), against the real intake serving the release's
// dist/ and a real passkey ceremony in Chromium (CDP virtual authenticator): the admin enrols from
// `staff invite --role admin`, invites an agent and a lead in the desk, each enrols in a browser of their
// own; a customer files in Korean in the app; the agent sees it in "New", acknowledges, asks for
// information; the customer answers from the tracker; the agent replies from a template (in Korean, the
// customer's language) and decides; the customer sees the decision and its dated timeline; the lead merges a
// duplicate and bulk-assigns three. Every desk screen is saved in en, ko and pl under
// target/screenshots/staff/, and axe finds nothing on each. The desk is opened at http://localhost:PORT:
// passkeys refuse IP addresses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { assertAccessible } from './support/a11y.mjs';
import { DESKTOP, launchBrowser, openPage } from './support/browser.mjs';
import { daysAgo } from './support/filing.mjs';
import { startIntake } from './support/intake.mjs';
import { addVirtualAuthenticator, deskOrigin, inviteFromCommandLine } from './support/passkey.mjs';
import { SHOTS, shoot } from './support/staff-shots.mjs';


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

/** Waits for `check` to hold, polling, for up to `timeout` ms. */
async function until(check, what, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeout} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A staff member's own browser with a passkey authenticator, enrolled from `link` (shooting the enrolment
 *  screens when `shots`). */
async function enrol(link, { shots = false } = {}) {
  const session = await openPage(browser, { viewport: DESKTOP, serviceWorkers: 'block' });
  const { page } = session;
  await addVirtualAuthenticator(page);
  await page.goto(link);
  await page.getByText(/^This link is for /).waitFor();
  if (shots) await shoot(page, 'enrol');
  await page.getByRole('button', { name: 'Create a passkey' }).click();
  await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
  assert.equal(await page.getByRole('listitem').filter({ has: page.locator('code') }).count(), 10);
  if (shots) await shoot(page, 'recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await page.getByRole('navigation', { name: 'Queues' }).waitFor();
  assert.ok(!page.url().includes('#'), 'the link’s token leaves the address bar');
  return session;
}

/** A customer files a delivery complaint in the app, in Korean (a browser set to ko-KR): its reference. */
async function fileInKorean(description) {
  const { page, context } = await openPage(browser, { locale: 'ko-KR' });
  await page.goto(intake.origin + '/');
  const atStep = (n) => page.getByText(`8단계 중 ${n}단계`, { exact: true }).waitFor();
  const next = () => page.getByRole('button', { name: '다음', exact: true }).click();
  await page.getByRole('radio', { name: '배송' }).check();
  await next();
  await atStep(2);
  await page.getByRole('button', { name: '불만 접수 계속하기' }).click();
  await atStep(3);
  await page.getByLabel('무슨 일이 있었는지 설명해 주세요').fill(description);
  await page.getByLabel('언제 일어났나요?').fill(daysAgo(1));
  await page.getByLabel('주문 번호').fill('NW-70001');
  await next();
  await atStep(4);
  await page.getByRole('radio', { name: '환불' }).check();
  await next();
  await atStep(5);
  await next();
  await atStep(6);
  await page.getByLabel('이름', { exact: true }).fill('박지민');
  await page.getByLabel('이메일 주소', { exact: true }).fill('jimin@example.kr');
  await page.getByRole('group', { name: '어떤 방법으로 연락드릴까요?' }).getByRole('radio').first().check();
  await page.getByRole('region', { name: '개인정보 이용 안내' }).waitFor();
  await next();
  // A delivery's deadlines depend on where the customer lives (the Polish rules): asked, one tap.
  await atStep(7);
  await page.getByRole('group', { name: '어디에 거주하시나요?' }).getByRole('radio', { name: '그 외 지역' }).check();
  await next();
  await atStep(8);
  await page.getByRole('button', { name: '불만 접수하기' }).click();
  await page.getByRole('heading', { name: '접수가 완료되었습니다' }).waitFor();
  const reference = (await page.locator('.confirmation__reference').textContent()).trim();
  assert.match(reference, /^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return { reference, page, context };
}

/** Opens `reference` from the queue named `queue` (a click loads the queue afresh). */
async function openFromQueue(page, queue, reference) {
  await page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: new RegExp(`^${queue}`) }).click();
  await page.getByRole('link', { name: reference, exact: true }).click();
  await page.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
}

/** The stage the complaint screen's facts show. */
const stageShown = (page, words) => page.getByRole('definition').filter({ hasText: new RegExp(`^${words}$`) });

test('the sign-in screen: no provider offered, and a provider’s failure in the person’s words', async () => {
  const { page, context, problems } = await openPage(browser, { viewport: DESKTOP, serviceWorkers: 'block' });
  await page.goto(`${origin}/staff/?signin_error=no_account`);
  await page.getByRole('heading', { name: 'Sign in to the desk' }).waitFor();
  await page.getByRole('alert').filter({ hasText: 'There is no staff account for this address.' }).waitFor();
  assert.ok(!(await page.content()).includes('no_account'), 'the raw code is never shown');
  assert.ok(!page.url().includes('signin_error'), 'the code leaves the address bar');
  assert.equal(await page.getByRole('link', { name: /sign in/i }).count(), 0, 'no provider is set up: no link to one');
  await shoot(page, 'sign-in');
  await page.goto(`${origin}/staff/?signin_error=%3Cscript%3E`);
  await page.getByRole('alert').filter({ hasText: 'The sign-in did not succeed.' }).waitFor();
  assert.deepEqual(problems.filter((p) => !/status of 401/.test(p)), []);
  await context.close();
});

test('admin enrols and invites, agent answers from a Korean template, lead merges and bulk-assigns', async () => {
  const adminLink = await inviteFromCommandLine(intake, { name: 'Ada Admin', email: 'ada@example.com', role: 'admin' });
  assert.ok(adminLink.startsWith(`${origin}/staff/enrol#`), adminLink);
  const admin = await enrol(adminLink, { shots: true });
  const desk = admin.page;
  await desk.getByRole('navigation', { name: 'Desk sections' }).getByRole('link', { name: 'Staff' }).click();
  await desk.getByRole('heading', { name: 'Staff', level: 1 }).waitFor();
  // Each account's row has its own Role and Categories fields: the invitation's are those of its form.
  const form = desk.locator('form').filter({ has: desk.getByRole('heading', { name: 'Invite a colleague' }) });
  const invite = async (name, email, role, categories) => {
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Email address').fill(email);
    await form.getByLabel('Role').selectOption(role);
    await form.getByLabel('Categories').fill(categories);
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await form.getByText(`Send this link to ${name}. It works once.`).waitFor();
    const link = (await form.locator('.secret').textContent()).trim();
    assert.ok(link.startsWith(`${origin}/staff/enrol#`), link);
    return link;
  };
  const agentLink = await invite('Adam Agent', 'adam@example.com', 'agent', 'delivery');
  const leadLink = await invite('Lena Lead', 'lena@example.com', 'lead', '');
  await shoot(desk, 'staff');
  for (const [link, heading, name] of [['Templates', 'Reply templates', 'templates'], ['Service tokens', 'Service tokens', 'tokens'], ['Webhooks', 'Webhooks', 'webhooks']]) {
    await desk.getByRole('navigation', { name: 'Desk sections' }).getByRole('link', { name: link }).click();
    await desk.getByRole('heading', { name: heading, level: 1 }).waitFor();
    await shoot(desk, name);
  }
  const agent = await enrol(agentLink);
  const lead = await enrol(leadLink);

  const customer = await fileInKorean('택배가 도착하지 않았고, 전화도 받지 않습니다.');
  const { reference } = customer;
  const page = agent.page;
  await openFromQueue(page, 'New', reference);
  await shoot(page, 'complaint');
  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.getByRole('button', { name: 'Acknowledge' }).click();
  await stageShown(page, 'Acknowledgement').waitFor();
  // One complaint moves on by itself, from the keyboard: `s` goes to the stage.
  await page.keyboard.press('s');
  const moveOn = actions.getByRole('form', { name: 'Move to the next stage' });
  const nextStage = moveOn.getByRole('combobox', { name: 'Next stage' });
  await until(async () => nextStage.evaluate((el) => el === document.activeElement), 'the stage focused by `s`');
  await nextStage.selectOption('assessing');
  await moveOn.getByRole('button', { name: 'Move', exact: true }).click();
  await stageShown(page, 'Assessment').waitFor();
  const ask = actions.getByRole('form', { name: 'Ask for more information' });
  await ask.getByLabel('Text').fill('배송 확인서 사진을 보내 주세요.');
  await ask.getByRole('button', { name: 'Ask the customer' }).click();
  await until(async () => (await ask.getByLabel('Text').inputValue()) === '', 'the question sent');

  // The customer answers from the tracker (in Korean, as their browser is).
  const tracker = customer.page;
  const lookUp = async () => {
    await tracker.goto(`${intake.origin}/track`);
    await tracker.getByLabel('접수 번호').fill(reference);
    await tracker.getByLabel('이메일 주소 또는 PIN').fill('jimin@example.kr');
    await tracker.getByRole('button', { name: '처리 현황 조회하기' }).click();
    await tracker.getByRole('heading', { level: 2 }).filter({ hasText: reference }).waitFor();
  };
  await lookUp();
  await tracker.getByText('배송 확인서 사진을 보내 주세요.').waitFor();
  const now = tracker.getByRole('region', { name: '지금 하실 수 있는 일' });
  await now.getByRole('button', { name: '내용 추가하기' }).click();
  await tracker.getByLabel('추가하실 내용은 무엇인가요?').fill('택배 기사가 아무 메모도 남기지 않았습니다.');
  await now.getByRole('button', { name: '내용 보내기' }).click();
  await until(async () => (await intake.rows(`SELECT count(*) FROM replies`))[0][0] === 1, 'the reply filed');

  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await openFromQueue(page, 'Customer replied', reference);
  await page.getByText('택배 기사가 아무 메모도 남기지 않았습니다.').waitFor();
  await actions.getByLabel('Template').selectOption({ label: 'We are looking into it' });
  await actions.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('region', { name: 'As the customer will read it' });
  await preview.waitFor();
  assert.match(await preview.textContent(), /[가-힣]/, 'the preview is in Korean');
  await actions.getByRole('button', { name: 'Send the reply' }).click();
  await until(async () => (await preview.count()) === 0, 'the reply sent');
  await actions.getByLabel('Upheld', { exact: true }).check();
  await actions.getByLabel('Summary').fill('주문 금액 전액을 환불해 드립니다.');
  await actions.getByLabel('Courier delay').check();
  await actions.getByRole('button', { name: 'Record the decision' }).click();
  await stageShown(page, 'Decision').waitFor();

  // The customer sees the reply, the decision and its dated timeline.
  // The status file is published by the intake's worker after the change: the tracker reads it when asked.
  let shown = '';
  await until(async () => {
    await lookUp();
    shown = await tracker.locator('main').innerText();
    return shown.includes('주문 금액 전액을 환불해 드립니다.');
  }, 'the decision in the tracker').catch((e) => assert.fail(`${e.message}\n${shown}`));
  assert.match(shown, /\d{1,2}월 \d{1,2}일|\d{4}[.-] ?\d{1,2}/, `a dated timeline: ${shown}`);

  // The lead: a duplicate merged into the first, then three assigned at once.
  const duplicate = await fileInKorean('택배가 도착하지 않았습니다 (같은 주문).');
  const more = [];
  for (const n of ['두', '세', '네']) more.push(await fileInKorean(`${n} 번째 택배도 오지 않았습니다.`));
  const desk2 = lead.page;
  await openFromQueue(desk2, 'New', duplicate.reference);
  const leadActions = desk2.getByRole('region', { name: 'Actions' });
  await leadActions.getByLabel('Reference of the complaint to keep').fill(reference);
  await leadActions.getByRole('button', { name: 'Merge', exact: true }).click();
  await desk2.getByRole('heading', { name: `Complaint ${reference}` }).waitFor();
  const merged = await intake.rows(`SELECT merged_into FROM complaints WHERE reference = '${duplicate.reference}'`);
  assert.equal(merged[0][0] !== null, true, 'the duplicate is merged');
  await desk2.getByRole('link', { name: 'Back to the queue' }).click();
  await desk2.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: /^New/ }).click();
  for (const r of more.map((m) => m.reference)) {
    await desk2.getByRole('checkbox', { name: `Select ${r}` }).check();
  }
  await shoot(desk2, 'queue');
  const bulk = desk2.getByRole('form', { name: 'With the selection' });
  await bulk.getByLabel('Assign to').selectOption({ label: 'Adam Agent' });
  await bulk.getByRole('button', { name: 'Apply' }).click();
  await desk2.getByText('3 done, 0 not done.').waitFor();
  const assigned = await intake.rows(`SELECT count(*) FROM complaints c JOIN staff s ON s.id = c.assignee WHERE s.name = 'Adam Agent'`);
  assert.equal(assigned[0][0], 3);
  await desk2.keyboard.press('?');
  await desk2.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await desk2.screenshot({ path: join(SHOTS, 'shortcuts.en.png') });
  await assertAccessible(desk2);

  for (const s of [admin, agent, lead, customer, duplicate, ...more]) await s.context.close();
});
