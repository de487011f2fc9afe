#!/usr/bin/env node
// A made-up shop's "report a problem" page (demo/shop/) on its own origin, embedding the complaint desk from
// another, under the strict Content-Security-Policy a careful host runs (issue #11). `{{DESK}}` in its pages
// becomes the desk's origin. Used by ./scripts/serve (127.0.0.1:8081) and by tests/e2e/embed.test.mjs, which
// adds pages of its own with `extra`.
//
//   node scripts/shop-server.mjs --listen 127.0.0.1:8081 --desk http://127.0.0.1:8080
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE = fileURLToPath(new URL('../demo/shop/', import.meta.url));
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

export function hostPolicy(desk) {
  return (
    `default-src 'self'; script-src 'self' ${desk} 'wasm-unsafe-eval'; style-src 'self' ${desk}; ` +
    `connect-src 'self' ${desk}; img-src 'self' blob: data:`
  );
}

/** Starts the shop; `desk` (the widget's origin) may be set later, before the first page is asked for.
 * `extra` maps paths to page text, or to `{ body, policy(desk) }` for a page under another policy. */
export async function startShop({ host = '127.0.0.1', port = 0, desk = '', extra = {} } = {}) {
  const shop = { desk, extra, origin: '' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://shop').pathname;
    const name = path === '/' ? '/index.html' : path;
    let body = shop.extra[name];
    let policy = hostPolicy;
    if (body !== undefined && typeof body === 'object') ({ body, policy } = body);
    if (body === undefined) {
      const file = normalize(join(SITE, name));
      body = file.startsWith(SITE) ? await readFile(file, 'utf8').catch(() => undefined) : undefined;
    }
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'content-security-policy': policy(shop.desk),
      'cache-control': 'no-store',
    });
    res.end(body.replaceAll('{{DESK}}', shop.desk));
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  shop.origin = `http://${host}:${server.address().port}`;
  shop.close = () => new Promise((resolve) => server.close(resolve));
  return shop;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (flag, fallback) => {
    const at = process.argv.indexOf(flag);
    return at > 0 ? process.argv[at + 1] : fallback;
  };
  const [host, port] = arg('--listen', '127.0.0.1:8081').split(':');
  const shop = await startShop({ host, port: Number(port), desk: arg('--desk', 'http://127.0.0.1:8080') });
  console.log(`shop page with the widget: ${shop.origin}/`);
}
