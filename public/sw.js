// The offline app shell. scripts/stamp-service-worker fills in RELEASE and SHELL_FILES at build time from
// the build's own output (every page with its JS and Wasm, the style sheet, the icons and manifest, the
// privacy page), so every release is a new worker with its own cache, and the old cache is deleted when it
// takes over.
//
// One visit is enough: all the app needs to open is cached at install, the organisation's data included,
// so after the first visit it opens with no network at all. Pages and their files then come from this
// cache without asking the network, so a second visit is as fast as the phone; the browser still fetches
// sw.js on each visit, and a new release installs beside the old one and is what the next visit opens.
const RELEASE = '__RELEASE__';
const SHELL_FILES = __SHELL_FILES__;
const CACHE = `complaint-desk-${RELEASE}`;
// The organisation's data, which changes without a release: fresh when the network answers, else the copy.
const DATA = ['/api/v1/config.json', '/api/v1/knowledge-base.json'];
// How long the network may take to answer for the data before the copy is used (a signal that answers
// nothing is worse than none: offline, fetch fails at once; on such a signal it would hang).
const DATA_PATIENCE_MS = 3000;

// A cached copy is the same file whatever the request's Origin or Accept-Encoding: the intake varies its
// answers on both (Origin where it lets other sites read them), which would make lookups miss. And
// whatever its query: the loader asks for a file once more as `x.wasm?again` (public/boot.js).
const MATCH = { ignoreVary: true, ignoreSearch: true };

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL_FILES);
      // The first visit's own requests for the data went out before this worker existed, so copies are
      // taken here. The knowledge base is optional; a failure here must not stop the shell installing.
      await Promise.all(
        DATA.map((path) =>
          fetch(path, { cache: 'no-cache' })
            .then((response) => response.ok && cache.put(path, response))
            .catch(() => undefined),
        ),
      );
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('complaint-desk-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Complaints (POST) are never cached or replayed here: the app's outbox owns sending.
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The staff desk (/staff/, crates/staff-web) is another app with its own page: never this one's shell.
  if (url.pathname === '/staff' || url.pathname.startsWith('/staff/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(page(url, request));
    return;
  }
  if (DATA.includes(url.pathname)) {
    event.respondWith(data(event));
    return;
  }
  event.respondWith(caches.match(request, MATCH).then((hit) => hit ?? fetch(request)));
});

/** A page from this release's cache: the file itself (`/privacy.html`), or for an app route (a path
 *  without an extension, `/track`) its own page (`/track.html` or `/track/index.html`) when the build has
 *  one, else the app's `/`, as the servers answer (docs/hosting.md). Anything else from the network. */
async function page(url, request) {
  const cache = await caches.open(CACHE);
  const path = url.pathname === '/index.html' ? '/' : url.pathname;
  const candidates = [path];
  if (!path.split('/').pop().includes('.')) {
    const bare = path.replace(/\/+$/, '');
    candidates.push(`${bare}.html`, `${bare}/index.html`, '/');
  }
  for (const candidate of candidates) {
    const hit = await cache.match(candidate, MATCH);
    if (hit) return hit;
  }
  return fetch(request);
}

/** The organisation's data: the network's answer when it comes in time (and a copy kept), else the copy;
 *  with no copy, the network's answer or failure whenever it comes. */
function data(event) {
  const request = event.request;
  const network = fetch(request);
  // Kept while the worker lives on, even when the copy answered first; cloned before the page reads it.
  event.waitUntil(
    network
      .then((response) => {
        if (!response.ok) return undefined;
        const copy = response.clone();
        return caches.open(CACHE).then((cache) => cache.put(request, copy));
      })
      .catch(() => undefined),
  );
  return fresh(request, network);
}

async function fresh(request, network) {
  const slow = new Promise((resolve) => setTimeout(resolve, DATA_PATIENCE_MS, 'slow'));
  const first = await Promise.race([network.catch(() => 'failed'), slow]);
  // A server error is no better than no answer when there is a copy.
  if (first instanceof Response && first.status < 500) return first;
  return (await caches.match(request, MATCH)) ?? network;
}
