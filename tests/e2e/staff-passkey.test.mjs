// A real passkey ceremony against the real intake (issue #23): Chromium's virtual authenticator creates and
// uses the passkeys, webauthn-rs in the intake checks them. An admin enrols from the command line's link,
// signs out and back in with the passkey alone, invites an agent, who enrols in another browser and is
// refused what only an admin may do. Then the desk itself (dist/staff): a person who signs in with a
// recovery code is asked for a new passkey, and the ceremony on that screen gives them one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { assertAccessible } from './support/a11y.mjs';

import { launchBrowser } from './support/browser.mjs';
import { startIntake } from './support/intake.mjs';
import { addPasskey, addVirtualAuthenticator, api, deskOrigin, enrol, inviteFromCommandLine, signIn } from './support/passkey.mjs';

let intake;
let browser;

before(async () => {
  intake = await startIntake({ args: ['--staff-sign-in-limit', '100'] });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await intake?.stop();
});

/** A browser of its own (cookies, authenticator), on the desk's origin; the API is called from it. The
 *  desk's own page is not this test's: a blank stand-in is served at /staff/ (the intake's site-wide
 *  Permissions-Policy denies passkeys to every other page), and everything under /staff/api/ is real. */
async function person() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(/\/staff\/(enrol)?$/, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Desk stand-in</title>' }),
  );
  await page.goto(`${deskOrigin(intake)}/staff/`);
  await addVirtualAuthenticator(page);
  return { context, page };
}

test('an admin enrols with a passkey, signs back in with it, and invites an agent who may not invite', async () => {
  const admin = await person();
  const link = await inviteFromCommandLine(intake, { role: 'admin', name: 'Ada Admin', email: 'ada@org.example' });
  assert.match(link, /^http:\/\/localhost:\d+\/staff\/enrol#[0-9a-f]{64}$/);

  const enrolled = await enrol(admin.page, link);
  assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
  assert.equal(enrolled.body.recovery_codes.length, 10);
  const cookies = await admin.context.cookies();
  const session = cookies.find((c) => c.name === 'desk_session');
  assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  assert.equal(session.sameSite, 'Strict');

  let me = await api(admin.page, 'GET', '/me');
  assert.equal(me.status, 200);
  assert.equal(me.body.role, 'admin');
  assert.equal(me.body.name, 'Ada Admin');

  // The link was for once.
  const again = await api(admin.page, 'GET', `/enrolments/${new URL(link).hash.slice(1)}`);
  assert.equal(again.status, 404);

  const out = await api(admin.page, 'POST', '/sign-out', { csrf: me.body.csrf });
  assert.equal(out.status, 200);
  assert.equal((await api(admin.page, 'GET', '/me')).status, 401);

  // Usernameless: the passkey names its account.
  const back = await signIn(admin.page);
  assert.equal(back.status, 200, JSON.stringify(back.body));
  me = await api(admin.page, 'GET', '/me');
  assert.equal(me.body.role, 'admin');

  const invitation = await api(admin.page, 'POST', '/staff/invitations', {
    csrf: me.body.csrf,
    body: { name: 'Bo Agent', email: 'bo@org.example', role: 'agent', categories: [] },
  });
  assert.equal(invitation.status, 201, JSON.stringify(invitation.body));

  const agent = await person();
  const agentEnrolled = await enrol(agent.page, invitation.body.link);
  assert.equal(agentEnrolled.status, 200, JSON.stringify(agentEnrolled.body));
  const agentMe = await api(agent.page, 'GET', '/me');
  assert.equal(agentMe.body.role, 'agent');
  assert.equal(agentMe.body.name, 'Bo Agent');
  const refused = await api(agent.page, 'POST', '/staff/invitations', {
    csrf: agentMe.body.csrf,
    body: { name: 'Cy', email: 'cy@org.example', role: 'admin' },
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'forbidden');

  // Each sign-in and the enrolments are in the audit log.
  const actions = (await intake.rows('SELECT action FROM audit_log ORDER BY id')).map(([a]) => a);
  assert.deepEqual(
    actions.filter((a) => ['enrol', 'sign_in', 'sign_out', 'invite'].includes(a)),
    ['invite', 'enrol', 'sign_in', 'sign_out', 'sign_in', 'invite', 'enrol', 'sign_in'],
  );

  await agent.context.close();
  await admin.context.close();

  // The agent's new laptop, without the passkey: a recovery code, then a passkey of its own.
  const laptop = await person();
  const noPasskey = await signIn(laptop.page).catch((e) => ({ status: 0, body: String(e) }));
  assert.notEqual(noPasskey.status, 200, 'a browser without the passkey does not sign in');
  const recovered = await api(laptop.page, 'POST', '/sign-in/recovery', {
    body: { email: 'bo@org.example', code: agentEnrolled.body.recovery_codes[3] },
  });
  assert.equal(recovered.status, 200, JSON.stringify(recovered.body));
  assert.equal(recovered.body.add_passkey, true);
  const added = await addPasskey(laptop.page, recovered.body.csrf);
  assert.equal(added.status, 200, JSON.stringify(added.body));
  const keys = await api(laptop.page, 'GET', '/me/passkeys');
  assert.equal(keys.body.passkeys.length, 2);
  await api(laptop.page, 'POST', '/sign-out', { csrf: recovered.body.csrf });
  const withNewKey = await signIn(laptop.page);
  assert.equal(withNewKey.status, 200, JSON.stringify(withNewKey.body));
  assert.equal((await api(laptop.page, 'GET', '/me')).body.name, 'Bo Agent');
  await laptop.context.close();
});

test('the desk asks for a new passkey after a recovery code, and its ceremony adds one', async () => {
  const link = await inviteFromCommandLine(intake, { role: 'agent', name: 'Rae Agent', email: 'rae@org.example', categories: ['delivery'] });
  const old = await person();
  const enrolled = await enrol(old.page, link);
  assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
  await old.context.close();

  // A new browser, the real desk page, an authenticator with no passkey on it.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${deskOrigin(intake)}/staff/`);
  await addVirtualAuthenticator(page);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Email address').fill('rae@org.example');
  await page.getByLabel('Recovery code').fill(enrolled.body.recovery_codes[0]);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Add a new passkey' }).waitFor();
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.getByRole('status').filter({ hasText: 'Your new passkey is ready.' }).waitFor();
  await page.getByRole('button', { name: 'Open the desk' }).click();
  await page.getByRole('heading', { name: 'Mine' }).waitFor();
  const keys = await api(page, 'GET', '/me/passkeys');
  assert.equal(keys.body.passkeys.length, 2, 'the enrolment\'s passkey and the new one');
  const added = await intake.rows("SELECT count(*) FROM audit_log WHERE action = 'passkey_added' AND actor_name = 'Rae Agent'");
  assert.deepEqual(added, [[1]]);
  await context.close();
});
