// ./scripts/bench: one table of what a customer's phone pays for the desk, written also as JSON
// (target/bench.json) for comparing runs. Each part measures one thing (tests/bench/parts/) and returns
// rows; a row with a budget that its value exceeds makes the run exit non-zero, so it can guard releases,
// and so does a part that could not finish (the page did not work). Nothing else fails it: a benchmark,
// never a test (and not part of ./scripts/test).
//
// Adding a part: a module in parts/ whose default export is
//   { name: 'insights', async run({ origin, site, shop, browser, dist }) { return [row, …] } }
// (origin: the intake serving the build; site: its folder; shop: the demo shop's origin)
// with each row { what, value, unit, budget?, note? } (value and budget in the same unit; lower is better),
// and its name in PARTS below. `node tests/bench/bench.mjs typing saving` runs only the parts named. A part
// that needs none of those (`alone: true`, as the intake's load) runs without the build, browser or shop
// when only such parts are named.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { launchBrowser } from '../e2e/support/browser.mjs';
import { startShop } from '../../scripts/shop-server.mjs';
import { startBenchSite } from './site.mjs';

const PARTS = ['bytes', 'visit', 'load', 'widget', 'typing', 'saving', 'photos', 'device', 'insights', 'intake'];

const wanted = process.argv.slice(2);
const names = wanted.length ? PARTS.filter((p) => wanted.includes(p)) : PARTS;
const parts = await Promise.all(names.map(async (name) => (await import(`./parts/${name}.mjs`)).default));
const served = parts.some((part) => !part.alone);
// The demo shop (demo/shop/) embeds the widget from the intake, which must let its origin in.
const shop = served ? await startShop() : null;
const site = served ? await startBenchSite({ dist: process.env.DIST, args: ['--allow-origin', shop.origin] }) : null;
if (served) shop.desk = site.origin;
const browser = served ? await launchBrowser() : null;
const load = () => loadavg()[0].toFixed(1);
const report = { date: new Date().toISOString(), loadBefore: load(), cores: cpus().length, rows: [] };
try {
  for (const [i, name] of names.entries()) {
    const part = parts[i];
    const started = Date.now();
    process.stderr.write(`bench: ${name}…\n`);
    try {
      for (const row of await part.run({ origin: site?.origin, site: site?.site, shop: shop?.origin, browser, dist: process.env.DIST })) {
        report.rows.push({ part: name, ...row });
      }
    } catch (error) {
      // A part that cannot measure (the page did not work) fails the run like a budget would.
      report.rows.push({ part: name, what: 'did not finish', value: String(error.message).split('\n')[0], unit: '', failed: true });
    }
    process.stderr.write(`bench: ${name} took ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
} finally {
  await browser?.close();
  await site?.stop();
  await shop?.close();
}
report.loadAfter = load();

const over = report.rows.filter((r) => r.failed || (r.budget !== undefined && r.value > r.budget));
const DIGITS = { KB: 1, MB: 2, '×': 2, '': 3, '/s': 1 };
const shown = (v, unit) => (typeof v === 'number' ? `${v.toFixed(DIGITS[unit] ?? 0)} ${unit}`.trim() : String(v));
const lines = report.rows.map((r) => [
  r.part,
  r.what,
  shown(r.value, r.unit),
  r.budget === undefined ? '' : `${r.value > r.budget ? 'OVER ' : ''}≤ ${shown(r.budget, r.unit)}`,
  r.note ?? '',
]);
const header = ['part', 'measure', 'value', 'budget', 'detail'];
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const print = (cells) => console.log(cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
console.log(
  `complaint desk benchmark, ${report.date}; machine load ${report.loadBefore} before, ${report.loadAfter} after, ${report.cores} cores`,
);
print(header);
print(widths.map((w) => '-'.repeat(w)));
for (const line of lines) print(line);
mkdirSync('target', { recursive: true });
writeFileSync('target/bench.json', `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n(also in target/bench.json)${over.length ? `; ${over.length} over budget` : ''}`);
process.exitCode = over.length ? 1 : 0;
