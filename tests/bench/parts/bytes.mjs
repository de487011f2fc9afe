// Bytes per page as the intake sends them: each file a page asks for on a first visit, fetched three times
// (no Accept-Encoding, gzip only, brotli as browsers ask), the bodies' lengths as sent, by kind (HTML, JS,
// Wasm, CSS, config); the filing page's brotli total against the budget. The filing page and the tracker's
// pages (and the widget) load different Wasm modules (src/app.rs, `Pages`). Then the filing page's module's
// 15 largest items by twiggy (shallow size), to show where its bytes go.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
// This round's budget (issue #27); the standing goal stays 100 KB.
const BUDGET_KB = 200;
// The widget in file mode (issue #27): tracking code only in track mode.
const WIDGET_BUDGET_KB = 250;
const ASKS = { raw: undefined, gzip: 'gzip', brotli: 'gzip, deflate, br, zstd' };

/** The body exactly as sent (node:http, unlike fetch, neither adds an Accept-Encoding nor decodes). */
function get(url, accept) {
  return new Promise((done, fail) => {
    request(url, { headers: accept ? { 'accept-encoding': accept } : {} }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode, body: Buffer.concat(chunks) }));
      response.on('error', fail);
    })
      .on('error', fail)
      .end();
  });
}

function kind(path) {
  if (path.endsWith('.wasm')) return 'Wasm';
  if (path.endsWith('.js')) return 'JS';
  if (path.endsWith('.css')) return 'CSS';
  if (path.endsWith('.json')) return 'config';
  if (path.endsWith('.svg')) return 'icon';
  return 'HTML';
}

/** What a page's HTML links and imports (the module's Wasm is named in its boot script). */
function linked(html) {
  const page = html.replace(/<!--[\s\S]*?-->/g, '');
  const paths = [];
  for (const [, path] of page.matchAll(/<(?:link|script)\s[^>]*?(?:href|src)="(\/[^"]+)"/g)) paths.push(path);
  for (const [, path] of page.matchAll(/'(\/[^']+\.(?:js|wasm))'/g)) paths.push(path);
  return paths;
}

/** The release files the widget's entry names beside it (scripts/stamp-embed), by what loads them: `file`,
 *  a widget in file mode (the widget's module and the stylesheet); `tracking`, what opening tracking from it
 *  adds (the tracker's module, also a track-mode widget's). */
function embedded(script) {
  const release = JSON.parse(script.match(/const RELEASE = (\{[^}]*\});/)[1].replace(/'/g, '"').replace(/(\w+):/g, '"$1":'));
  const at = (...keys) => keys.map((key) => `/embed/v1/${release[key]}`);
  return { file: at('glue', 'wasm', 'style'), tracking: at('trackerGlue', 'trackerWasm') };
}

async function measure(origin, paths) {
  const byKind = {};
  for (const path of [...new Set(paths)]) {
    const sizes = {};
    for (const [name, accept] of Object.entries(ASKS)) {
      const { status, body } = await get(origin + path, accept);
      if (status !== 200) throw new Error(`${path}: ${status}`);
      sizes[name] = body.length / 1024;
    }
    const k = (byKind[kind(path)] ??= { raw: 0, gzip: 0, brotli: 0, files: [] });
    for (const name of Object.keys(ASKS)) k[name] += sizes[name];
    k.files.push(path);
  }
  return byKind;
}

function rowsFor(page, byKind, budget) {
  const rows = [];
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const [k, s] of Object.entries(byKind)) {
    for (const name of Object.keys(total)) total[name] += s[name];
    rows.push({ what: `${page}: ${k}`, value: s.brotli, unit: 'KB', note: `brotli; raw ${s.raw.toFixed(1)}, gzip ${s.gzip.toFixed(1)}` });
  }
  rows.push({
    what: `${page}: first load`,
    value: total.brotli,
    unit: 'KB',
    ...(budget === undefined ? {} : { budget }),
    note: `brotli; raw ${total.raw.toFixed(1)}, gzip ${total.gzip.toFixed(1)}`,
  });
  return rows;
}

/** twiggy's top items of the filing page's module (the bin `complaint-desk`), from the build before
 *  wasm-opt stripped the names (same code). */
function twiggyTop(dist) {
  const named = join(ROOT, 'target/wasm-bindgen/release');
  let file;
  try {
    file = readdirSync(named).find((f) => f === 'complaint-desk_bg.wasm');
  } catch {
    file = undefined;
  }
  const wasm = file
    ? join(named, file)
    : join(dist, readdirSync(dist).find((f) => f.startsWith('complaint-desk-') && f.endsWith('_bg.wasm')));
  let out;
  try {
    out = execFileSync('twiggy', ['top', '-n', '40', '-f', 'json', wasm], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return [{ what: 'Wasm top 15 (twiggy)', value: 'twiggy missing: run ./scripts/setup', unit: '' }];
  }
  return JSON.parse(out)
    // Code and data only: the names and producers sections are gone once wasm-opt has run.
    .filter((item) => item.shallow_size !== undefined && !/subsection|custom section|^"/.test(item.name))
    .slice(0, 15)
    .map((item) => ({
      what: `filing Wasm item: ${item.name.slice(0, 63)}`,
      value: item.shallow_size / 1024,
      unit: 'KB',
      note: "shallow size, before wasm-opt (which keeps the code, drops the names)",
    }));
}

export default {
  name: 'bytes',
  async run({ origin, dist = join(ROOT, 'dist') }) {
    const rows = [];
    const config = '/api/v1/config.json';
    const pages = [['filing', '/', BUDGET_KB], ['tracker', '/track', undefined], ['insights', '/insights', undefined]];
    for (const [page, path, budget] of pages) {
      const html = (await get(origin + path)).body.toString('utf8');
      rows.push(...rowsFor(page, await measure(origin, [path, ...linked(html), config]), budget));
    }
    const embed = '/embed/v1/embed.js';
    const script = (await get(origin + embed)).body.toString('utf8');
    const { file, tracking } = embedded(script);
    rows.push(...rowsFor('embed (file mode)', await measure(origin, [embed, ...file, config]), WIDGET_BUDGET_KB));
    rows.push(...rowsFor('embed: tracking opened adds', await measure(origin, tracking)));
    rows.push(...twiggyTop(dist));
    return rows;
  },
};
