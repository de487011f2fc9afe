// The intake under 500 customers (issue #24): the release intake (`--profile intake`) on one node with
// SQLite, one node on PostgreSQL and two nodes on PostgreSQL sharing one uploads folder, each filled by
// ../intake-load.mjs (500 customers at once, each uploading one 200 KB photo and filing its complaint as
// the app does, retrying with its key on 429/503/no answer, honouring Retry-After, from its own loopback
// address; requests round-robin across the nodes). Then each run is checked in the
// database: one complaint per customer, each with its file, one key each, the references the customers
// were given and no others, a status file each; and every key sent again got its first reference. A
// failed check fails the run. With the desk in use (DESK=1, or both ways by default): a lead polls the
// staff API's queues and newest complaints four times a second during the load (issue #23).
//   CUSTOMERS=500 FILE_KB=200 DESK=both|0|1 SETUPS=sqlite,pg,pg2 KEEP=1 ./scripts/bench intake
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../intake-load.mjs';
import { startPostgres } from '../postgres.mjs';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BIN = join(ROOT, 'target/intake/complaint-intake');
const CUSTOMERS = Number(process.env.CUSTOMERS ?? 500);
const FILE_KB = Number(process.env.FILE_KB ?? 200);
const DESK = process.env.DESK ?? 'both';
const SETUPS = [
  { id: 'sqlite', name: 'one node, SQLite', engine: 'sqlite', nodes: 1 },
  { id: 'pg', name: 'one node, PostgreSQL', engine: 'postgres', nodes: 1 },
  { id: 'pg2', name: 'two nodes, PostgreSQL', engine: 'postgres', nodes: 2 },
].filter((s) => (process.env.SETUPS ?? 'sqlite,pg,pg2').split(',').includes(s.id));
const SESSION = 'bench-lead-session';

/** CPU seconds a process has used (user and system, its threads; with `children`, its reaped children's
 * too), from /proc: where a run's time went, intake against database against the load generator. */
function cpuSeconds(pid, children = false) {
  try {
    // Fields after the command's closing parenthesis: state is 3, utime 14, stime 15, cutime 16, cstime 17.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + (children ? Number(fields[13]) + Number(fields[14]) : 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/** The CPU seconds of a process and its children (PostgreSQL's postmaster and its backends). */
function treeCpuSeconds(root) {
  let total = cpuSeconds(root, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[1]) === root) total += cpuSeconds(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

/** Starts `serve` on a free port; resolves once it prints its address. */
async function startNode(dir, name, args) {
  const log = createWriteStream(join(dir, `${name}.log`));
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.pipe(log);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the ${name} node exited (${code}) before serving; see ${dir}/${name}.log`);
  });
  const [origin] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), exited]);
  return {
    origin,
    pid: child.pid,
    /** SIGTERM, then SIGKILL after 20 s; the seconds it took to exit after SIGTERM (null if killed). */
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return 0;
      const started = performance.now();
      const exit = once(child, 'exit');
      child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const [, signal] = await exit;
      clearTimeout(late);
      return signal === 'SIGKILL' ? null : (performance.now() - started) / 1000;
    },
  };
}

/** The database of one run, whichever engine: its `--db`, a query for one value, and how it ends. */
function database(setup, dir, postgres, run) {
  if (setup.engine === 'sqlite') {
    const path = join(dir, 'intake.sqlite3');
    const query = (sql) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', path, sql], { encoding: 'utf8' }).trim();
    return { db: path, query, now: 'unixepoch()' };
  }
  const name = `bench_${process.pid}_${run}`;
  return { db: postgres.createDatabase(name), query: (sql) => postgres.query(name, sql), now: 'extract(epoch from now())::bigint' };
}

/** A lead and a signed-in session, written straight into the database as the staff tests do. */
function addLead({ query, now }) {
  const token = createHash('sha256').update(SESSION).digest('hex');
  query(`INSERT INTO staff (name, email, role, categories, created_at) VALUES ('Bench Lead', 'lead@bench.example', 'lead', '[]', ${now})`);
  query(`INSERT INTO staff_sessions (token_sha256, staff_id, csrf, created_at, seen_at, address)
         SELECT '${token}', id, 'bench-csrf', ${now}, ${now}, '127.0.0.1' FROM staff WHERE email = 'lead@bench.example'`);
}

/** What the database holds after the run, against what the customers were told. */
function check(db, dir, figures) {
  const number = (sql) => Number(db.query(sql));
  const stored = db.query('SELECT reference FROM complaints').split('\n').filter(Boolean);
  const told = new Set(figures.references);
  const published = readdirSync(join(dir, 'status')).filter((f) => f.endsWith('.json')).length;
  const problems = [
    [figures.filed, 'customers given a reference'],
    [figures.distinctReferences, 'distinct references given'],
    [stored.length, 'complaints stored'],
    [stored.filter((r) => told.has(r)).length, 'stored complaints whose reference a customer has'],
    [number('SELECT COUNT(*) FROM idempotency_keys'), 'keys stored'],
    [number('SELECT COUNT(*) FROM attachments'), 'files named by complaints'],
    [number('SELECT COUNT(*) FROM blobs'), 'files kept'],
    [published, 'status files published'],
    [figures.resent.answered - figures.resent.changed, 'keys sent again that got their first reference'],
  ]
    .filter(([value]) => value !== CUSTOMERS)
    .map(([value, what]) => `${what}: ${value}, not ${CUSTOMERS}`);
  if (figures.refusedCount) problems.push(`refused: ${figures.refused.join('; ')}`);
  return problems;
}

async function measure(setup, desk, postgres, run) {
  const dir = mkdtempSync(join(tmpdir(), `bench-intake-${setup.id}-`));
  const db = database(setup, dir, postgres, run);
  const common = ['--config', join(ROOT, 'public/api/v1/config.json'), '--db', db.db, '--publish', join(dir, 'status'), '--insights', join(dir, 'insights.json')];
  // Nodes share one uploads folder (as they would a bucket): an upload begun on one is named on the other.
  const own = (n) => (setup.engine === 'sqlite' ? [] : ['--node-dir', join(dir, `node-${n}`), '--files', join(dir, 'uploads')]);
  const nodes = [];
  try {
    // One after the other: the second finds the schema and the desk's id the first made.
    for (let n = 0; n < setup.nodes; n += 1) nodes.push(await startNode(dir, `node-${n}`, [...common, ...own(n)]));
    if (desk) addLead(db);
    const loadBefore = loadavg()[0];
    const cpu = () => ({
      intake: nodes.reduce((sum, n) => sum + cpuSeconds(n.pid), 0),
      postgres: setup.engine === 'postgres' ? treeCpuSeconds(postgres.pid()) : 0,
    });
    const cpuBefore = cpu();
    const figures = await runLoad({
      nodes: nodes.map((n) => n.origin),
      customers: CUSTOMERS,
      fileKb: FILE_KB,
      staffSession: desk ? SESSION : null,
    });
    const cpuAfter = cpu();
    figures.load = `${loadBefore.toFixed(1)} → ${loadavg()[0].toFixed(1)}`;
    // CPU for the timed pass and the untimed resend together, per complaint filed.
    figures.cpu_ms = {
      intake: ((cpuAfter.intake - cpuBefore.intake) * 1000) / CUSTOMERS,
      postgres: ((cpuAfter.postgres - cpuBefore.postgres) * 1000) / CUSTOMERS,
      load: (figures.cpuSeconds * 1000) / CUSTOMERS,
    };
    figures.problems = check(db, dir, figures);
    // How long each node took to exit after SIGTERM once the load was over (null: killed after 20 s).
    figures.stopSeconds = await Promise.all(nodes.map((n) => n.stop()));
    return figures;
  } finally {
    for (const node of nodes) await node.stop();
    // KEEP=1 keeps the run's folder (the nodes' logs) for a look afterwards.
    if (process.env.KEEP === '1') process.stderr.write(`bench: kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function rows(setup, desk, f) {
  const label = `${setup.name}${desk ? ', desk in use' : ''}`;
  const later = `retries: ${f.later['429']}× 429, ${f.later['503']}× 503, ${f.later.other}× other, ${f.later.network}× no answer`;
  const out = [
    { what: `${label}: complaints filed a second`, value: f.filed / f.seconds, unit: '/s', note: `${f.filed} in ${f.seconds.toFixed(1)} s; load ${f.load}` },
    { what: `${label}: filing, p50`, value: f.filingMs?.p50 ?? NaN, unit: 'ms', note: 'first HEAD to reference, retries and pauses included' },
    { what: `${label}: filing, p99`, value: f.filingMs?.p99 ?? NaN, unit: 'ms', note: `max ${f.filingMs?.max?.toFixed(0)} ms; ${later}` },
    { what: `${label}: the complaint's POST, p50 / p99`, value: f.postMs?.p50 ?? NaN, unit: 'ms', note: `p99 ${f.postMs?.p99?.toFixed(0)} ms (answered 2xx)` },
  ];
  const cpu = f.cpu_ms;
  out.push({ what: `${label}: CPU per complaint, intake`, value: cpu.intake, unit: 'ms', note: `PostgreSQL ${cpu.postgres.toFixed(1)} ms, load generator ${cpu.load.toFixed(1)} ms (both passes, per customer)` });
  if (f.desk) {
    out.push({ what: `${label}: a staff poll, p50 / p99`, value: f.desk.ms?.p50 ?? NaN, unit: 'ms', note: `p99 ${f.desk.ms?.p99?.toFixed(0)} ms; ${f.desk.polls} polls, ${f.desk.failed} failed` });
  }
  const stops = f.stopSeconds.map((t) => (t === null ? 'killed after 20 s' : `${t.toFixed(1)} s`)).join(', ');
  out.push({ what: `${label}: SIGTERM → exited`, value: Math.max(...f.stopSeconds.map((t) => t ?? 20)), unit: 's', note: `each node: ${stops}` });
  out.push(
    f.problems.length
      ? { what: `${label}: checked`, value: f.problems.join('; '), unit: '', failed: true }
      : { what: `${label}: checked`, value: `${CUSTOMERS} complaints once each, every key again the same reference`, unit: '' },
  );
  return out;
}

export default {
  name: 'intake',
  alone: true,
  async run() {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: ./scripts/bench intake builds it`);
    const postgres = SETUPS.some((s) => s.engine === 'postgres') ? await startPostgres() : null;
    const variants = DESK === 'both' ? [false, true] : [DESK === '1'];
    const out = [];
    let run = 0;
    try {
      for (const setup of SETUPS) {
        for (const desk of variants) {
          run += 1;
          process.stderr.write(`bench: intake, ${setup.name}${desk ? ', desk in use' : ''}…\n`);
          out.push(...rows(setup, desk, await measure(setup, desk, postgres, run)));
        }
      }
    } finally {
      postgres?.stop();
    }
    if (postgres) out.push({ what: 'PostgreSQL', value: postgres.version, unit: '', note: 'fsync on, synchronous_commit on, 8 connections a node' });
    return out;
  },
};
