// One loopback server and one headless Chromium per test file: started before its first test, stopped
// after its last. Tests reach them as `env.server` and `env.browser`.
import { after, before } from 'node:test';

import { launchBrowser } from './browser.mjs';
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
