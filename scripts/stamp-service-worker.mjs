#!/usr/bin/env node
// Trunk post-build step (scripts/post-build): writes this release's id and its pages into the service
// worker (public/sw.js). The pages are the build's own (`pages.json`, written by crates/shell: each page's
// address and the files it needs), so a new page or entry file is cached without anyone editing a list.
// Left out of each page's files: the organisation's data under `api/` (sw.js caches it by its fixed
// addresses: it changes without a release) and the manifest. Never in the worker at all: the widget's folder (`embed/`, for
// other sites' pages) and the staff desk's (`staff/`: another app, which customers never load). The release
// id is a hash of every file a page needs and every page's shell in every language, so any change to any of
// them installs a new worker with a new cache, and the old cache is deleted when it takes over.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('stamp-service-worker: run by Trunk as a post_build hook (no TRUNK_STAGING_DIR)');
  process.exit(1);
}
const fail = (problem) => {
  console.error(`stamp-service-worker: ${problem}`);
  process.exit(1);
};

const { pages } = JSON.parse(readFileSync(join(dir, 'pages.json'), 'utf8'));
// Nor the manifest: the browser fetches it itself when it offers to install the app, online; opening needs none.
const precached = (file) => !file.startsWith('/api/') && !file.endsWith('.webmanifest');
const stamped = pages.map(({ path, files }) => ({ path, files: files.filter(precached) }));
// What every page must have for the worker to open it offline: its shell, its module's JS and Wasm, a style sheet.
for (const [path, module] of [['/', 'complaint-desk'], ['/track', 'complaint-tracker'], ['/insights', 'complaint-tracker']]) {
  const page = stamped.find((p) => p.path === path) ?? fail(`no page ${path} in pages.json`);
  for (const needed of [new RegExp(`^/${module}-[0-9a-f]+\\.js$`), new RegExp(`^/${module}-[0-9a-f]+_bg\\.wasm$`), /\.css$/]) {
    if (!page.files.some((f) => needed.test(f))) fail(`${path} needs no ${needed} (pages.json)`);
  }
}
const hash = createHash('sha256');
for (const { files } of stamped) for (const file of files) hash.update(readFileSync(join(dir, file)));
for (const { shells } of pages) for (const shell of Object.values(shells)) hash.update(readFileSync(join(dir, shell)));
const release = hash.digest('hex').slice(0, 16);

const worker = join(dir, 'sw.js');
const text = readFileSync(worker, 'utf8');
const out = text.replace('__RELEASE__', release).replace('__PAGES__', JSON.stringify(stamped));
if (out === text || /__RELEASE__|__PAGES__/.test(out)) fail('sw.js was not stamped');
writeFileSync(worker, out);
