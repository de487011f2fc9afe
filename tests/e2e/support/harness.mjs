// One loopback server and one headless Chromium per test file: started before its first test, stopped
// after its last. Tests reach them as `env.server` and `env.browser`.
import { after, afterEach, before, beforeEach } from 'node:test';

import { launchBrowser, openPage } from './browser.mjs';
import { Filing } from './filing.mjs';
import { startServer } from './server.mjs';

export function useServerAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Before each test: a reset server with the stand-in intake, a fresh phone-sized page on the form, and a
 *  Filing page object, handed to `use(session, filing)`; after it, the page's context is closed. */
export function useFormPage(env, use) {
  let session;
  beforeEach(async () => {
    env.server.reset();
    env.server.intake();
    session = await openPage(env.browser);
    await session.page.goto(env.server.origin + '/');
    use(session, new Filing(session.page));
  });
  afterEach(async () => {
    await session?.context.close();
  });
}
