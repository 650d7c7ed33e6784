// For unit tests: just enough of CacheStorage (one Map of URL -> bytes per cache name) and a
// scripted fetch that serves fixed bytes and records what it was asked for.
export function memoryCaches() {
  const stores = new Map<string, Map<string, Uint8Array>>();
  const urlOf = (req: RequestInfo | URL) => String(req instanceof Request ? req.url : req);
  const cache = (m: Map<string, Uint8Array>) => ({
    match: async (req: RequestInfo | URL) => {
      const hit = m.get(urlOf(req));
      return hit ? new Response(hit.slice()) : undefined;
    },
    put: async (req: RequestInfo | URL, res: Response) =>
      void m.set(urlOf(req), new Uint8Array(await res.arrayBuffer())),
    delete: async (req: RequestInfo | URL) => m.delete(urlOf(req)),
    keys: async () => [...m.keys()].map((k) => new Request(k)),
  });
  const storage = {
    open: async (name: string) => {
      if (!stores.has(name)) stores.set(name, new Map());
      return cache(stores.get(name)!) as unknown as Cache;
    },
    has: async (name: string) => stores.has(name),
    delete: async (name: string) => stores.delete(name),
    keys: async () => [...stores.keys()],
    match: async () => undefined,
  } as unknown as CacheStorage;
  return { storage, stores };
}

export function scriptedFetch(files: Record<string, Uint8Array>) {
  const fetched: string[] = [];
  let online = true;
  const fetch = (async (url: string) => {
    if (!online) throw new TypeError('Failed to fetch');
    fetched.push(url);
    const body = files[url];
    return body ? new Response(body.slice()) : new Response('not found', { status: 404 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, fetched, setOnline: (on: boolean) => (online = on) };
}
