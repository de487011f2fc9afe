// What the service worker (public/sw.js) has cached, as the page sees the same cache.

/** Waits until the worker's cache holds the tracker's page and its module: it fetches them once a
 *  complaint is sent (or as the tracker is opened), so the tracker then opens offline. */
export async function trackerCached(page) {
  await page.waitForFunction(
    async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('complaint-desk-'));
      if (!name) return false;
      const cache = await caches.open(name);
      const keys = (await cache.keys()).map((r) => new URL(r.url).pathname);
      return keys.includes('/track') && keys.some((k) => /^\/complaint-tracker-[0-9a-f]+_bg\.wasm$/.test(k));
    },
    null,
    { timeout: 15_000, polling: 100 },
  );
}
