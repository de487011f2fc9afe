// The reference intake service (crates/intake) as a real process on loopback, serving the release build,
// receiving complaints into a SQLite file in a temporary folder and publishing status files there.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
// INTAKE_BINARY: another build of the service (the benchmark compares releases with it).
const BINARY = process.env.INTAKE_BINARY ?? join(ROOT, 'target', 'debug', 'complaint-intake');

export async function startIntake({ args = [], site = join(ROOT, 'dist') } = {}) {
  if (!existsSync(BINARY)) {
    await promisify(execFile)('cargo', ['build', '--locked', '-p', 'complaint-intake'], { cwd: ROOT });
  }
  const dir = await mkdtemp(join(tmpdir(), 'intake-e2e-'));
  const common = ['--config', join(ROOT, 'public/api/v1/config.json'), '--db', join(dir, 'intake.sqlite3'), '--publish', join(dir, 'status'), '--insights', join(dir, 'insights.json')];
  // A test files faster than a person; the spam filter's minimum fill time would take it for a bot.
  const child = spawn(BINARY, ['serve', '--listen', '127.0.0.1:0', '--site', site, '--min-fill-seconds', '0', ...args, ...common], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = [];
  child.stderr.on('data', (chunk) => log.push(chunk.toString()));
  const [origin] = await once(createInterface({ input: child.stdout }), 'line');
  return {
    origin,
    log,
    /** Runs a back-office command (`acknowledge CMP-… --message …`) against this service's data. */
    async backOffice(...args) {
      const { stdout } = await promisify(execFile)(BINARY, [...args, ...common], { cwd: ROOT });
      return stdout;
    },
    /** Rows from the service's SQLite file (read with Python's sqlite3, which every test machine has). */
    async rows(query) {
      const script = 'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))';
      const { stdout } = await promisify(execFile)('python3', ['-c', script, join(dir, 'intake.sqlite3'), query]);
      return JSON.parse(stdout);
    },
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
