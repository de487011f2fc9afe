// A real HTTP server on 127.0.0.1 for end-to-end tests: serves the release build in dist/, falls back to
// index.html for app routes (as any static host configured for a single-page app does), and lets a test
// replace any path's answer to simulate a broken or missing file. It records every request it receives.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DIST = resolve(fileURLToPath(new URL('../../../dist', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The uploads side of the submission contract (docs/submission.md, "Uploads"), in memory: HEAD says how
 *  many bytes of `{sha256}` (of `Upload-Length`) are held, PATCH appends from `Upload-Offset`. */
function uploadAnswer(uploads, req, hash) {
  const length = Number(req.headers['upload-length']);
  const key = `${hash}-${length}`;
  const held = uploads.get(key) ?? Buffer.alloc(0);
  const answer = (status, offset) => ({
    status,
    headers: { 'upload-offset': String(offset), 'upload-length': String(length) },
    body: '',
  });
  if (req.method === 'HEAD') return answer(200, held.length);
  if (req.method !== 'PATCH') return { status: 405, body: '{}' };
  const offset = Number(req.headers['upload-offset']);
  if (offset > held.length) return answer(409, held.length);
  const next = Buffer.concat([held, req.body.subarray(held.length - offset)]).subarray(0, length);
  uploads.set(key, next);
  return answer(204, next.length);
}

/** The policy the reference intake sends with its pages (crates/intake/src/http/policy.rs), so every page
 *  in the suite runs under it: inline scripts and styles are allowed by their hashes only. */
export function contentSecurityPolicy(html) {
  const hashes = (element) =>
    [...html.matchAll(new RegExp(`<${element}(\\s[^>]*)?>([\\s\\S]*?)</${element}>`, 'gi'))]
      .filter(([, attributes = '']) => !/\bsrc\s*=/i.test(attributes))
      .map(([, , body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`);
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes('script').join(' ')}`.trim(),
    `style-src 'self' ${hashes('style').join(' ')}`.trim(),
    "img-src 'self' blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export async function startServer({ root = DIST } = {}) {
  const overrides = new Map();
  const delays = [];
  const holds = [];
  const waiting = [];
  const requests = [];
  const uploads = new Map();
  let unreachable = false;

  const server = createServer(async (req, res) => {
    // A server that is down: the connection drops before any answer, as the browser meets no network.
    if (unreachable) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url, 'http://127.0.0.1');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    // This request's own record: the answer below is chosen after a delay, when other requests may have come.
    const request = { method: req.method, path: url.pathname, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(request);

    const delay = delays.find(({ pattern }) => pattern.test(url.pathname));
    if (delay) await new Promise((ok) => setTimeout(ok, delay.ms));
    if (holds.some((pattern) => pattern.test(url.pathname))) await new Promise((ok) => waiting.push(ok));

    const found = overrides.get(url.pathname);
    const upload = url.pathname.match(/^\/api\/v1\/uploads\/([0-9a-f]{64})$/);
    const override =
      typeof found === 'function' ? found(request) : (found ?? (upload && uploadAnswer(uploads, request, upload[1])));
    if (override) {
      res.writeHead(override.status ?? 200, { 'content-type': override.type ?? 'application/json', ...override.headers });
      res.end(override.body ?? '');
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root)) {
      res.writeHead(400).end();
      return;
    }
    let file = path;
    try {
      if (!(await stat(file)).isFile()) file = join(path, 'index.html');
    } catch {
      // App routes have no extension: serve their page's static shell (English; the intake also picks the
      // customer's language), which loads the page's own Wasm module. A missing asset is a real 404.
      const route = url.pathname.replace(/\/$/, '');
      const shell = ['/track', '/insights'].includes(route) ? `${route.slice(1)}.html` : 'index.html';
      file = extname(path) === '' ? join(root, shell) : null;
    }
    try {
      if (!file) throw new Error('not found');
      const body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      if (extname(file) === '.html') headers['content-security-policy'] = contentSecurityPolicy(body.toString('utf8'));
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });

  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    /** Resolves once the server has received `n` complaint POSTs. */
    async posts(n) {
      const count = () => requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/complaints').length;
      for (let waited = 0; count() < n; waited += 50) {
        if (waited > 15_000) throw new Error(`only ${count()} of ${n} complaint POSTs arrived`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    },
    /** Answer `path` with this (or with what this function returns for the request) instead of the file;
     *  `null` removes the override. */
    override(path, answer) {
      if (answer === null) overrides.delete(path);
      else overrides.set(path, answer);
    },
    /** Hold answers to paths matching `pattern` for `ms` milliseconds, like a slow mobile network. */
    slow(pattern, ms) {
      delays.push({ pattern, ms });
    },
    /** A minimal stand-in for an intake service: POST /api/v1/complaints answers 201 with a reference,
     *  the same reference again for a repeated Idempotency-Key; the answers in `failWith` come first, then
     *  the first `failFirst` requests get `failStatus`. `complaints()` lists what it received. */
    intake({ failFirst = 0, failStatus = 503, failWith = [] } = {}) {
      const byKey = new Map();
      let failures = failFirst;
      // `failWith`: answers given first, in order, each `{ status, body, headers }`.
      const scripted = [...failWith];
      this.override('/api/v1/complaints', (req) => {
        if (req.method !== 'POST') return { status: 405, body: '{}' };
        if (scripted.length > 0) return scripted.shift();
        if (failures > 0) {
          failures -= 1;
          return { status: failStatus, body: 'busy' };
        }
        const key = req.headers['idempotency-key'];
        if (!byKey.has(key)) byKey.set(key, `CMP-TEST-${String(byKey.size + 1).padStart(4, '0')}`);
        return { status: 201, body: JSON.stringify({ reference: byKey.get(key), received_at: '2026-11-22T14:00:00Z' }) };
      });
    },
    /** The POSTed complaints, each parsed: headers, the `complaint` JSON part and the attachment files
     *  (sent inside the request, or uploaded ahead of it and named by their SHA-256). */
    async complaints() {
      const posts = requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/complaints');
      return Promise.all(
        posts.map(async (r) => {
          const form = await new Response(r.body, { headers: { 'content-type': r.headers['content-type'] } }).formData();
          const complaint = JSON.parse(await form.get('complaint').text());
          let files = await Promise.all(
            form.getAll('attachment').map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
          );
          if (files.length === 0) {
            files = complaint.attachments
              .filter((a) => a.sha256)
              .map((a) => ({ name: a.name, bytes: new Uint8Array(uploads.get(`${a.sha256}-${a.bytes}`) ?? []) }));
          }
          return { headers: r.headers, complaint, files };
        }),
      );
    },
    /** Every upload request (HEAD and PATCH). */
    uploadRequests() {
      return requests.filter((r) => r.path.startsWith('/api/v1/uploads/'));
    },
    /** Answer nothing to paths matching `pattern` (a server that never replies) until `release()`. */
    hold(pattern) {
      holds.push(pattern);
    },
    /** Lets every held request, and those to come, be answered. */
    release() {
      holds.length = 0;
      waiting.splice(0).forEach((ok) => ok());
    },
    /** Drops every connection and every request from now on until `up()`: for a browser whose driver cannot
     *  take its network away (tests/engines), the nearest thing to being offline. */
    down() {
      unreachable = true;
      server.closeAllConnections();
    },
    up() {
      unreachable = false;
    },
    /** Forget every override, delay and hold. */
    reset() {
      unreachable = false;
      this.release();
      overrides.clear();
      delays.length = 0;
      requests.length = 0;
      uploads.clear();
    },
    close: () =>
      new Promise((ok) => {
        waiting.splice(0).forEach((release) => release());
        // Browsers hold keep-alive connections open; without this, close() waits for them.
        server.closeAllConnections();
        server.close(ok);
      }),
  };
}
