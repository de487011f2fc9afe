// What the benchmarks serve: a copy of the release build with the plain-form fixtures beside it (under
// /bench/), compressed as the build compresses, served by the real intake (brotli, cache headers), as the
// README's demo and an organisation without a web host run it. The copy keeps the files' times, so each
// .br/.gz copy stays newer than its file (the intake never sends an older one).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startIntake } from '../e2e/support/intake.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const DIST = join(ROOT, 'dist');

function* walk(folder) {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** The build's own file whose name matches (`main-<hash>.css`). */
function built(dist, pattern) {
  const name = readdirSync(dist).find((f) => pattern.test(f));
  if (!name) throw new Error(`no ${pattern} in ${dist}: build first (trunk build --release)`);
  return name;
}

/**
 * Starts the intake over a copy of `dist` with the fixtures. `precompressed: false` removes every .br/.gz
 * copy, which is how the intake served the app before it sent precompressed files; `args` go to the intake
 * (`--allow-origin` for the demo shop that embeds the widget).
 */
export async function startBenchSite({ dist = DIST, precompressed = true, args = [] } = {}) {
  const site = mkdtempSync(join(tmpdir(), 'bench-site-'));
  cpSync(dist, site, { recursive: true, preserveTimestamps: true });
  const names = { __CSS__: built(dist, /^main-[0-9a-f]{12,16}\.css$/), __ICON__: built(dist, /^icon-48\.png$/) };
  mkdirSync(join(site, 'bench'));
  for (const fixture of ['plain-form.html', 'plain-next.html']) {
    let text = readFileSync(join(ROOT, 'tests/bench', fixture), 'utf8');
    for (const [mark, name] of Object.entries(names)) text = text.replaceAll(mark, name);
    writeFileSync(join(site, 'bench', fixture), text);
  }
  if (precompressed) {
    execFileSync('node', [join(ROOT, 'scripts/compress-dist'), join(site, 'bench')], { stdio: 'ignore' });
  } else {
    for (const path of walk(site)) if (/\.(br|gz)$/.test(path)) unlinkSync(path);
  }
  const intake = await startIntake({ site, args });
  return {
    origin: intake.origin,
    site,
    async stop() {
      await intake.stop();
      rmSync(site, { recursive: true, force: true });
    },
  };
}

/** The files a first visit to the app asks for: the page, what it links and imports, and the config. */
export function firstLoadFiles(dist = DIST) {
  const page = readFileSync(join(dist, 'index.html'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const paths = ['/'];
  for (const [, path] of page.matchAll(/<(?:link|script)\s[^>]*?(?:href|src)="(\/[^"]+)"/g)) paths.push(path);
  for (const [, path] of page.matchAll(/'(\/[^']+\.(?:js|wasm))'/g)) paths.push(path);
  return [...new Set(paths)];
}
