// Publishing the complaints figures (docs/insights.md) over a generated database of 1,000,000 complaints:
// scripts/bench-insights builds the release intake, makes the database once (kept in target/bench-insights/,
// minutes the first time) and times three publishes; the median is the row (aim: at most 5 s).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../../../scripts/bench-insights', import.meta.url));

export default {
  name: 'insights',
  async run() {
    const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`bench-insights exited with ${run.status}`);
    const runs = [...run.stdout.matchAll(/run \d+: ([\d.]+) s/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    if (runs.length === 0) throw new Error('bench-insights printed no timings');
    const n = run.stdout.match(/insights publish, (\d+) complaints/)?.[1] ?? '?';
    return [{ what: `publish insights.json, ${n} complaints (median of ${runs.length})`, value: runs[Math.floor(runs.length / 2)], unit: 's', budget: 5 }];
  },
};
