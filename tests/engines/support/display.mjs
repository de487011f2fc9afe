// What WebKit needs around it here: an X display (WebKitGTK's MiniBrowser has no headless mode; without a
// display its session never starts), and WebKitWebDriver listening on a free loopback port. Both are started
// by the tests and stopped after them, never by hand.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** Polls `check` every 100 ms until it returns true, failing after `ms` with `what`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** Stops `child` (SIGTERM) and waits until it has gone. */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** An Xvfb server on the first free display number (Xvfb picks it and writes it to the pipe on fd 3). */
export async function startDisplay() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  let number = '';
  child.stdio[3].on('data', (chunk) => {
    number += chunk.toString();
  });
  await until(() => number.includes('\n') || child.exitCode !== null, 10_000, 'Xvfb gave no display').catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  if (child.exitCode !== null) throw new Error(`Xvfb stopped: ${log.join('')}`);
  return { display: `:${number.trim()}`, stop: () => stop(child) };
}

/** A free TCP port on loopback (the kernel's choice, let go at once for the driver to take). */
async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** WebKitWebDriver on `display`, answering its status endpoint. */
export async function startWebKitDriver({ display }) {
  const port = await freePort();
  const child = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const ready = async () => {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver stopped: ${log.join('')}`);
    return fetch(`${url}/status`).then((r) => r.ok, () => false);
  };
  await until(ready, 10_000, 'WebKitWebDriver did not answer');
  return { url, stop: () => stop(child) };
}
