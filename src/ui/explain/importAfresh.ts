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

let asked = 0;

/** `load()`; if it fails naming a chunk of ours, one import of that chunk under a URL not asked
 * before. Where that fails too, the first error stands: it is the one that says what happened. */
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
    url.searchParams.set(AFRESH_PARAM, String(++asked));
    try {
      return await importUrl(url.href);
    } catch {
      throw error;
    }
  }
}
