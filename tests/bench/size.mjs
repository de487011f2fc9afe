// What a phone downloads on a first visit to the filing page, as the intake serves it: each file the page
// asks for, fetched three times (no Accept-Encoding, gzip only, then brotli as browsers ask) with the
// bytes of each body as sent. A benchmark, not a test: it prints figures and never fails on them.
import { request } from 'node:http';
import { firstLoadFiles, startBenchSite } from './site.mjs';

/** The body exactly as sent (node:http, unlike fetch, neither adds an Accept-Encoding nor decodes). */
function get(url, accept) {
  return new Promise((done, fail) => {
    request(url, { headers: accept ? { 'accept-encoding': accept } : {} }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', fail);
    })
      .on('error', fail)
      .end();
  });
}

const ASKS = { raw: undefined, gzip: 'gzip', brotli: 'gzip, deflate, br, zstd' };
const site = await startBenchSite({ dist: process.env.DIST });
const kb = (n) => (n / 1024).toFixed(1).padStart(8);
const total = { raw: 0, gzip: 0, brotli: 0 };
try {
  console.log(`${'file (as served by the intake)'.padEnd(46)}${'raw'.padStart(8)}${'gzip'.padStart(8)}${'brotli'.padStart(8)}  KB   sent as`);
  for (const path of firstLoadFiles(process.env.DIST)) {
    const sizes = {};
    let coding = '';
    for (const [name, accept] of Object.entries(ASKS)) {
      const { status, headers, body } = await get(site.origin + path, accept);
      if (status !== 200) throw new Error(`${path}: ${status}`);
      sizes[name] = body.length;
      if (name === 'brotli') coding = headers['content-encoding'] ?? 'identity';
      total[name] += sizes[name];
    }
    console.log(`${path.padEnd(46)}${kb(sizes.raw)}${kb(sizes.gzip)}${kb(sizes.brotli)}       ${coding}`);
  }
  console.log(`${'first load'.padEnd(46)}${kb(total.raw)}${kb(total.gzip)}${kb(total.brotli)}       budget: 100.0 brotli`);
} finally {
  await site.stop();
}
