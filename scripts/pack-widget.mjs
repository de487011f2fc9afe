#!/usr/bin/env node
// The widget as an npm package (not published): the release's embed folder (dist/embed/v1: the loader, its
// glue, Wasm and stylesheet), the types (embed/*.d.ts) and a package.json whose `exports` name the loader and
// its types, packed by `npm pack` into target/npm/. A host installs the tarball (`npm install <file>`) and
// imports `complaint-desk` once; the loader finds its files beside itself (import.meta.url).
//
//   node scripts/pack-widget.mjs        (after the release build; prints the tarball's path)
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EMBED = join(ROOT, 'dist', 'embed', 'v1');
const OUT = join(ROOT, 'target', 'npm');
const STAGE = join(OUT, 'complaint-desk');

if (!existsSync(join(EMBED, 'embed.js'))) throw new Error(`no release build in ${EMBED}: run trunk build --release first`);
const version = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
// The precompressed copies are the intake's to serve; a host's server or bundler makes its own.
for (const name of readdirSync(EMBED).filter((n) => !/\.(br|gz)$/.test(n))) copyFileSync(join(EMBED, name), join(STAGE, name));
for (const name of ['complaint-desk.d.ts', 'react.d.ts']) copyFileSync(join(ROOT, 'embed', name), join(STAGE, name));
const manifest = {
  name: 'complaint-desk',
  version,
  description: 'The complaint form and tracker as a <complaint-desk> element for any website (docs/embed.md).',
  type: 'module',
  // Importing it defines the element: a bundler must keep it.
  sideEffects: true,
  exports: {
    '.': { types: './complaint-desk.d.ts', default: './embed.js' },
    './react': { types: './react.d.ts' },
    './package.json': './package.json',
  },
  types: './complaint-desk.d.ts',
  license: 'UNLICENSED',
};
writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: STAGE, encoding: 'utf8' }));
console.log(join(OUT, packed.filename));
