// The widget as an npm package (scripts/pack-widget.mjs): a host project installs the tarball the build makes,
// and finds the loader and its files where the loader looks for them, and the types its TypeScript uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let host;
let installed;

before(async () => {
  const { stdout } = await run('node', [join(ROOT, 'scripts/pack-widget.mjs')]);
  host = await mkdtemp(join(tmpdir(), 'widget-host-'));
  await writeFile(join(host, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', stdout.trim()], { cwd: host });
  installed = join(host, 'node_modules', 'complaint-desk');
});

after(async () => {
  if (host) await rm(host, { recursive: true, force: true });
});

test("the package's entry is the loader, and every file the loader names is beside it", async () => {
  const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
  assert.deepEqual(manifest.exports['.'], { types: './complaint-desk.d.ts', default: './embed.js' });
  const { stdout } = await run('node', ['--input-type=module', '-e', "console.log(import.meta.resolve('complaint-desk'))"], { cwd: host });
  assert.equal(fileURLToPath(stdout.trim()), join(installed, 'embed.js'));
  const loader = await readFile(join(installed, 'embed.js'), 'utf8');
  const release = JSON.parse(loader.match(/const RELEASE = (\{[^}]*\});/)[1].replace(/'/g, '"').replace(/(\w+):/g, '"$1":'));
  for (const name of Object.values(release)) assert.ok(existsSync(join(installed, name)), `${name} beside the loader`);
});

test("a TypeScript host type-checks against the installed package's types, and a wrong detail is refused", async () => {
  await writeFile(
    join(host, 'shop.ts'),
    `import type { ComplaintDeskElement } from 'complaint-desk';
const desk: ComplaintDeskElement | null = document.querySelector('complaint-desk');
desk?.setAttribute('lang', 'pl');
document.addEventListener('complaint:submitted', (event) => console.info(event.detail.reference.toUpperCase()));
// @ts-expect-error an error carries a code, not a reference
desk?.addEventListener('complaint:error', (event) => event.detail.reference);
`,
  );
  const options = { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] };
  await writeFile(join(host, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['shop.ts'] }));
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  await run(tsc, ['--noEmit', '-p', host]).catch((e) => assert.fail(`tsc: ${e.stdout}`));
});
