// A file the build emits beside the app (a `?url&no-inline` import), fetched and parsed once, when a
// view first needs it; a failed fetch is forgotten so the next try fetches again.
export function fetchOnce<T>(url: string, what: string, parse: (text: string) => T): () => Promise<T> {
  let cached: Promise<T> | null = null;
  return () =>
    (cached ??= fetch(url)
      .then((r) => {
        if (!r.ok) throw new Error(`${what} answered ${r.status}`);
        return r.text();
      })
      .then(parse)
      .catch((e: unknown) => {
        cached = null;
        throw e;
      }));
}
