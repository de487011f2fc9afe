// A throwaway PostgreSQL cluster for the intake benchmark (parts/intake.mjs), started as the intake's tests
// start theirs (crates/intake/tests/support/postgres.rs): Debian's newest /usr/lib/postgresql/*/bin, initdb
// into a temporary folder, pg_ctl on a free port on 127.0.0.1 only, trust authentication, as the `postgres`
// user when run as root (the server refuses root). Unlike the tests' cluster, fsync stays on: a benchmark
// of filing measures what a commit costs on this disk.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function serverBinaries() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(a) - Number(b));
  return versions.length ? join(root, versions.at(-1), 'bin') : null;
}

async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** Starts a cluster; `{ url(name), createDatabase(name), query(name, sql), version, stop() }`. */
export async function startPostgres() {
  const bin = serverBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (./scripts/setup installs it)');
  const asRoot = process.getuid?.() === 0;
  const run = (tool, args) => {
    const program = join(bin, tool);
    const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
    return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-pg-'));
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C']);
  let port = 0;
  for (let attempt = 0; attempt < 5 && !port; attempt += 1) {
    const candidate = await freePort();
    const options = `-c listen_addresses=127.0.0.1 -p ${candidate} -k ${dir} -c max_connections=200`;
    try {
      run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, 'start']);
      port = candidate;
    } catch {
      // The port was taken between asking and binding: another.
    }
  }
  if (!port) throw new Error(`the benchmark's PostgreSQL did not start (see ${dir}/server.log)`);
  const url = (name) => `postgres://postgres@127.0.0.1:${port}/${name}`;
  const query = (name, sql) =>
    execFileSync('psql', ['-At', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', name, '-c', sql], {
      encoding: 'utf8',
    }).trim();
  return {
    url,
    query,
    version: query('postgres', 'SHOW server_version'),
    /** The postmaster's process id (the first line of its postmaster.pid). */
    pid: () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]),
    createDatabase(name) {
      query('postgres', `CREATE DATABASE ${name}`);
      return url(name);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
