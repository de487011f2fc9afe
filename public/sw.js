// The offline app shell. scripts/stamp-service-worker fills in RELEASE and SHELL_FILES at build time, so
// every release is a new worker with its own cache, and the old cache is deleted when it takes over.
const RELEASE = '__RELEASE__';
const SHELL_FILES = __SHELL_FILES__;
const CACHE = `complaint-desk-${RELEASE}`;
// The organisation's data: fresh when online, the last copy when not, so the form opens offline too.
const DATA = ['/api/v1/config.json', '/api/v1/knowledge-base.json'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL_FILES))
      .then(() => self.skipWaiting()),
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

// A cached copy is the same file whatever the request's Origin or Accept-Encoding: the intake varies its
// answers on both (Origin when it lets other sites embed the widget), which would make every lookup miss.
const MATCH = { ignoreVary: true };

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // Complaints (POST) are never cached or replayed here: the app's outbox owns sending.
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(fetch(request).catch(() => caches.match('/')));
    return;
  }
  if (DATA.includes(url.pathname)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => caches.match(request, MATCH)),
    );
    return;
  }
  event.respondWith(caches.match(request, MATCH).then((hit) => hit ?? fetch(request)));
});
