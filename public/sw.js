// The offline app shell. scripts/stamp-service-worker.mjs fills in RELEASE and PAGES at build time from the
// build's own output (pages.json: each page's address and the files it needs: its module's JS and Wasm, the
// style sheet, the icon, the loader), so every release is a new worker with its own cache, and the old cache
// is deleted when it takes over.
//
// Precached on need, as a customer on a prepaid plan would want: the install caches the page the customer
// opened (in their language, as the server answered it) and its files, most of which the page has just
// downloaded (an HTTP-cache hit, no bytes on the wire), and the organisation's data, so after one visit that
// page opens with no network at all. The tracker's pages and module are fetched when tracking becomes
// useful: after a complaint is sent (the app says so, `{ type: 'sent' }`), or as the tracker is opened (its
// files cached as the page uses them). Nothing is fetched ahead of need when the customer asks to save
// data (the `Save-Data` header, `navigator.connection.saveData`, here or in the app's message). Pages and
// their files then come from this cache without asking the network, so a second visit is as fast as the
// phone; the browser still fetches sw.js on each visit, and a new release installs beside the old one and
// is what the next visit opens.
const RELEASE = '__RELEASE__';
/** Each page's address and the release files it needs, without the organisation's data (DATA below). */
const PAGES = __PAGES__;
const CACHE = `complaint-desk-${RELEASE}`;
// The organisation's data, which changes without a release: fresh when the network answers, else the copy.
const DATA = ['/api/v1/config.json', '/api/v1/knowledge-base.json'];
// How long the network may take to answer for the data before the copy is used (a signal that answers
// nothing is worse than none: offline, fetch fails at once; on such a signal it would hang).
const DATA_PATIENCE_MS = 3000;
/** The tracker's pages: what a customer who has sent a complaint may open next. */
const TRACKER = ['/track', '/insights'];
/** Every release file a page needs: cached when a page uses it, if not already. */
const RELEASE_FILES = new Set(PAGES.flatMap((page) => page.files));
/** A file whose name carries its content's hash (Trunk's): the same name is the same bytes in any release. */
const HASHED = /-[0-9a-f]{12,}(_bg)?\.[a-z]+$/;

// A cached copy is the same file whatever the request's Origin or Accept-Encoding: the intake varies its
// answers on both (Origin where it lets other sites read them), which would make lookups miss. And
// whatever its query: the loader asks for a file once more as `x.wasm?again` (public/boot.js).
const MATCH = { ignoreVary: true, ignoreSearch: true };

// Whether the last request this worker saw asked to save data (a worker stopped and started again forgets,
// and then has the app's word and navigator.connection).
let saveDataAsked = false;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // The page that registered this worker (a customer may open the tracker first: then that is it).
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const opened = windows.map((client) => new URL(client.url)).find((url) => url.origin === self.location.origin);
      const address = opened ? pageOf(opened.pathname) : '/';
      await precache(cache, address, opened?.search ?? '');
      // A new release on a phone that had the tracker offline keeps it so (its unchanged files copied over).
      if (!savingData() && (await hadTracker())) {
        await Promise.all(TRACKER.filter((a) => a !== address).map((a) => precache(cache, a, '').catch(() => undefined)));
      }
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

// The app's word that tracking became useful: a complaint was sent from this device.
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'sent' || savingData(event.data.saveData)) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) => Promise.all(TRACKER.map((address) => precache(cache, address, '').catch(() => undefined)))),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  saveDataAsked = request.headers.get('save-data') === 'on';
  // Complaints (POST) are never cached or replayed here: the app's outbox owns sending. Nothing with a
  // customer's details is cached at all: only pages, the release's files and the organisation's data; a
  // status file or an answer of the API goes to the network every time (tests/e2e/privacy.test.mjs).
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
  event.respondWith(releaseFile(url, request));
});

/** Whether nothing may be fetched ahead of need: the customer's browser asks to save data. */
function savingData(appSays) {
  return appSays === true || saveDataAsked || self.navigator.connection?.saveData === true;
}

/** The page an address opens: the tracker's or the insights' for theirs, else the filing page (`/`), as the
 *  servers answer an app route (docs/hosting.md). */
function pageOf(pathname) {
  const bare = pathname.replace(/\/+$/, '');
  return TRACKER.includes(bare) ? bare : '/';
}

/** Whether an older release's cache had the tracker's page. */
async function hadTracker() {
  for (const name of await caches.keys()) {
    if (name.startsWith('complaint-desk-') && name !== CACHE && (await (await caches.open(name)).match(TRACKER[0]))) return true;
  }
  return false;
}

/** Caches a page (its address as the server answers it for this customer: their language) and its files.
 *  A file any cache has (another page's glue, the style sheet, an older release's unchanged file: the
 *  names are content hashes) is copied, not fetched: a new release costs only what changed. */
async function precache(cache, address, search) {
  const files = PAGES.find((p) => p.path === address)?.files ?? [];
  const missing = [];
  for (const file of files) {
    const kept = HASHED.test(file) && (await caches.match(file, MATCH));
    if (kept) await cache.put(file, kept);
    else missing.push(file);
  }
  const shell = await fetch(address + search);
  if (!shell.ok) throw new Error(`${address}: ${shell.status}`);
  await cache.addAll(missing);
  await cache.put(address, shell);
}

/** A page from this release's cache: the file itself (`/privacy.html`), or for an app route (a path
 *  without an extension, `/track`) its page as cached. Else from the network, and an app page opened is
 *  kept (the tracker opened online then opens offline too). */
async function page(url, request) {
  const cache = await caches.open(CACHE);
  const path = url.pathname === '/index.html' ? '/' : url.pathname;
  const route = !path.split('/').pop().includes('.');
  const key = route ? pageOf(path) : path;
  const hit = await cache.match(key, MATCH);
  if (hit) return hit;
  const response = await fetch(request);
  if (route && response.ok) {
    const copy = response.clone();
    cache.put(key, copy).catch(() => undefined);
  }
  return response;
}

/** A file from the cache, else the network's; a release file a page needs is kept as it is used. */
async function releaseFile(url, request) {
  const hit = await caches.match(request, MATCH);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.status === 200 && RELEASE_FILES.has(url.pathname)) {
    const copy = response.clone();
    caches
      .open(CACHE)
      .then((cache) => cache.put(url.pathname, copy))
      .catch(() => undefined);
  }
  return response;
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
