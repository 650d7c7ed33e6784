// The service worker: precaches the app shell (HTML, scripts, styles, icons, manifest) and answers
// navigations with index.html, so the app opens offline. The model files and ORT's wasm are not
// precached: the engine worker downloads them once, verified, into its own caches (see
// src/runtime/wasmBinary.ts), and reads them from there offline. Precaching them too would
// download them twice on a first visit.
//
// It also answers CHECK_PRECACHE from the page: which shell files are missing from the precache
// (storage can be cleared behind its back) and, when asked, fetches them again. Workbox itself
// never refills a missing entry without SRI hashes; it only falls back to the network.
import { cacheNames } from 'workbox-core';
import {
  addPlugins,
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  getCacheKeyForURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { AFRESH_PARAM, type PrecacheReport } from './messages';

declare let self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null } | string>;
};

const manifest = self.__WB_MANIFEST;

// Workbox installs revisioned files (index.html, icons, manifest) with cache: 'reload', which
// downloads again what the page fetched a moment before. Revalidating gets a 304 for those and
// still never takes a stale copy. The page itself came as the scope URL ("/"), not as
// index.html: ask for that URL, so that its HTTP cache entry is the one revalidated.
const shellUrl = new URL('index.html', self.registration.scope).href;
addPlugins([
  {
    requestWillFetch: async ({ request }) => {
      if (request.cache !== 'reload') return request;
      const url = request.url === shellUrl ? self.registration.scope : request.url;
      return new Request(url, { cache: 'no-cache', credentials: request.credentials, integrity: request.integrity });
    },
  },
]);
// Workbox's default ignored parameters, and ours (messages.ts).
precacheAndRoute(manifest, { ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, new RegExp(`^${AFRESH_PARAM}$`)] });
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

async function checkPrecache(repair: boolean): Promise<PrecacheReport> {
  const cache = await caches.open(cacheNames.precache);
  const urls = manifest.map((e) => new URL(typeof e === 'string' ? e : e.url, self.registration.scope).href);
  const missing: string[] = [];
  for (const url of urls) {
    const key = getCacheKeyForURL(url);
    if (!key || !(await cache.match(key))) missing.push(url);
  }
  const failed: string[] = [];
  if (repair) {
    for (const url of missing) {
      try {
        const res = await fetch(url, { cache: 'no-cache' });
        if (!res.ok || res.redirected) throw new Error(String(res.status));
        await cache.put(getCacheKeyForURL(url)!, res);
      } catch {
        failed.push(url);
      }
    }
  }
  return { total: urls.length, missing, repaired: repair ? missing.length - failed.length : 0, failed };
}

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; repair?: boolean } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'CHECK_PRECACHE') {
    const port = event.ports[0];
    event.waitUntil(
      checkPrecache(data.repair === true).then(
        (report) => port?.postMessage(report),
        (err: unknown) => port?.postMessage({ error: String(err) }),
      ),
    );
  }
});
