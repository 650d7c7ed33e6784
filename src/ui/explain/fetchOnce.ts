// A file the build emits beside the app (a `?url&no-inline` import), fetched and parsed once, when a
// view first needs it; a failed fetch is forgotten so the next try fetches again. A connection that
// hangs instead of failing would leave the view "Loading…" for good (the promise is kept): past the
// limit the fetch is given up, and counts as failed.
import { withTimeLimit } from '../../runtime/timeLimit';

export const FETCH_LIMIT_MS = 60_000;

export function fetchOnce<T>(
  url: string,
  what: string,
  parse: (text: string) => T,
  limitMs = FETCH_LIMIT_MS,
): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () => {
    if (cached) return cached;
    const abort = new AbortController();
    const text = fetch(url, { signal: abort.signal }).then((r) => {
      if (!r.ok) throw new Error(`${what} answered ${r.status}`);
      return r.text();
    });
    cached = withTimeLimit(text, limitMs, `${what} did not arrive within ${Math.round(limitMs / 1000)} s`)
      .then(parse)
      .catch((e: unknown) => {
        abort.abort();
        cached = null;
        throw e;
      });
    return cached;
  };
}
