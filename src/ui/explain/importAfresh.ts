// A browser may keep a failed dynamic import for the page's life (Debian's Chromium 150 does: its
// module map holds the error under the chunk's URL), so a second import() of that chunk never asks
// the network again. The error names the chunk ("Failed to fetch dynamically imported module: URL"
// in Chromium, "error loading dynamically imported module: URL" in Firefox), and the same file under
// that URL with a query is a new module to the browser. Vite does not expose a lazy chunk's URL, so
// this is by hand; the service worker's precache ignores the query (src/pwa/sw.ts).

import { AFRESH_PARAM } from '../../pwa/messages';

/** The same-origin script a failed dynamic import names, or null (Safari's error names none). */
export function failedChunkUrl(error: unknown, origin: string): URL | null {
  const message = error instanceof Error ? error.message : String(error);
  for (const [candidate] of message.matchAll(/https?:\/\/[^\s'"()]+/g)) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (url.origin === origin && /\.m?js$/.test(url.pathname)) return url;
  }
  return null;
}

// The module a chunk's new URL gave, by the URL that failed: a view opened again later gets it, not
// yet another copy. Only modules that arrived are kept: an import that hangs (LazyView gives up on it,
// but cannot cancel it) must not stand in the way of the next try.
const afresh = new Map<string, unknown>();
let asked = 0;

/** `load()`; if it fails naming a chunk of ours, that chunk under a URL not asked before (or the
 * module such a URL gave before). Where that fails too, the first error stands: it says what
 * happened. A chunk whose own imports failed with it (a shared chunk) stays failed where the browser
 * keeps them: LazyView then says to reload. */
export async function importAfresh<T>(
  load: () => Promise<T>,
  importUrl: (url: string) => Promise<T> = (url) => import(/* @vite-ignore */ url) as Promise<T>,
  origin: string = globalThis.location?.origin ?? '',
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const url = failedChunkUrl(error, origin);
    if (url === null) throw error;
    const key = url.href;
    if (afresh.has(key)) return afresh.get(key) as T;
    url.searchParams.set(AFRESH_PARAM, String(++asked));
    let module: T;
    try {
      module = await importUrl(url.href);
    } catch {
      throw error;
    }
    afresh.set(key, module);
    return module;
  }
}
