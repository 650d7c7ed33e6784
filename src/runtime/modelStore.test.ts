// The model store against a scripted fetch and an in-memory CacheStorage: what is under test is
// our logic (verify before storing, never keep a broken download, prefer cached bytes).
import { webcrypto } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { RuntimeError } from './errors';
import { unansweredFetch } from './testFetch';
import {
  cacheKey,
  DownloadCancelled,
  loadFile,
  MODEL_CACHE,
  pruneCache,
  sha256Hex,
  type FileSpec,
  type StoreDeps,
} from './modelStore';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

class MemoryCache {
  readonly entries = new Map<string, { body: Uint8Array; headers: [string, string][] }>();
  failPut = false;
  private static key(req: RequestInfo | URL, ignoreSearch = false): string {
    const url = new URL(typeof req === 'string' || req instanceof URL ? req.toString() : req.url);
    if (ignoreSearch) url.search = '';
    return url.href;
  }
  async match(req: RequestInfo | URL, opts?: CacheQueryOptions): Promise<Response | undefined> {
    const want = MemoryCache.key(req, opts?.ignoreSearch);
    for (const [k, v] of this.entries) {
      if (MemoryCache.key(k, opts?.ignoreSearch) === want) return new Response(v.body.slice(), { headers: v.headers });
    }
    return undefined;
  }
  async put(req: RequestInfo | URL, res: Response): Promise<void> {
    if (this.failPut) throw new Error('QuotaExceededError');
    this.entries.set(MemoryCache.key(req), {
      body: new Uint8Array(await res.arrayBuffer()),
      headers: [...res.headers],
    });
  }
  async delete(req: RequestInfo | URL, opts?: CacheQueryOptions): Promise<boolean> {
    const want = MemoryCache.key(req, opts?.ignoreSearch);
    let removed = false;
    for (const k of [...this.entries.keys()]) {
      if (MemoryCache.key(k, opts?.ignoreSearch) === want) removed = this.entries.delete(k) || removed;
    }
    return removed;
  }
  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((k) => new Request(k));
  }
}

class MemoryCacheStorage {
  readonly caches = new Map<string, MemoryCache>();
  async open(name: string) {
    if (!this.caches.has(name)) this.caches.set(name, new MemoryCache());
    return this.caches.get(name)!;
  }
  async keys(): Promise<string[]> {
    return [...this.caches.keys()];
  }
  async match(req: RequestInfo | URL, opts?: CacheQueryOptions) {
    for (const c of this.caches.values()) {
      const hit = await c.match(req, opts);
      if (hit) return hit;
    }
    return undefined;
  }
}

const URL_ = 'http://localhost/assets/model-abc123.onnx';
const content = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) % 251);

async function specFor(data: Uint8Array): Promise<FileSpec> {
  return { url: URL_, sha256: await sha256Hex(subtle, data), bytes: data.byteLength };
}

/** A body that delivers `chunks`, then ends, or errors when `breakAfter` chunks were sent. */
function body(chunks: Uint8Array[], breakAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(ctrl) {
      if (breakAfter !== undefined && i === breakAfter) ctrl.error(new TypeError('network error'));
      else if (i < chunks.length) ctrl.enqueue(chunks[i++]);
      else ctrl.close();
    },
  });
}

function split(data: Uint8Array, n: number): Uint8Array[] {
  const size = Math.ceil(data.byteLength / n);
  return Array.from({ length: n }, (_, i) => data.slice(i * size, (i + 1) * size));
}

function setup(respond: () => Response | Promise<Response>) {
  const storage = new MemoryCacheStorage();
  let calls = 0;
  const deps: StoreDeps = {
    fetch: (async () => {
      calls++;
      return respond();
    }) as typeof fetch,
    caches: storage as unknown as CacheStorage,
    subtle,
  };
  const progress: [string, number, number][] = [];
  const onProgress = (phase: string, loaded: number, total: number) => progress.push([phase, loaded, total]);
  return { storage, deps, progress, onProgress, calls: () => calls };
}

async function expectCode(p: Promise<unknown>, code: string): Promise<RuntimeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RuntimeError);
  expect((err as RuntimeError).code).toBe(code);
  expect((err as RuntimeError).action.length).toBeGreaterThan(0);
  return err as RuntimeError;
}

const ourEntries = async (s: MemoryCacheStorage) => [...(await s.open(MODEL_CACHE)).entries.keys()];

describe('sha256Hex', () => {
  it('matches the FIPS 180-2 test vector for "abc"', async () => {
    expect(await sha256Hex(subtle, new TextEncoder().encode('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});

describe('loadFile', () => {
  it('downloads with byte progress, verifies, stores, and serves the next load from the cache', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body(split(content, 4))));
    const first = await loadFile(spec, t.onProgress, t.deps);
    expect(first.fromCache).toBe(false);
    expect(first.stored).toBe(true);
    expect(first.data).toEqual(content);
    const loaded = t.progress.map((p) => p[1]);
    expect(loaded[0]).toBe(0);
    expect(loaded.at(-1)).toBe(content.byteLength);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
    expect(t.progress.every((p) => p[0] === 'download' && p[2] === content.byteLength)).toBe(true);
    expect(await ourEntries(t.storage)).toEqual([cacheKey(spec)]);

    t.progress.length = 0;
    const second = await loadFile(spec, t.onProgress, t.deps);
    expect(second.fromCache).toBe(true);
    expect(second.data).toEqual(content);
    expect(t.calls()).toBe(1);
    expect(t.progress).toEqual([['cache', content.byteLength, content.byteLength]]);
  });

  it('rejects a download whose hash differs, stores nothing, and succeeds on retry', async () => {
    const spec = await specFor(content);
    const damaged = content.slice();
    damaged[1234] ^= 1;
    let good = false;
    const t = setup(() => new Response(body(split(good ? content : damaged, 3))));
    const err = await expectCode(loadFile(spec, t.onProgress, t.deps), 'corrupt-model');
    expect(err.action).toMatch(/Retry/);
    expect(await ourEntries(t.storage)).toEqual([]);

    good = true;
    const retry = await loadFile(spec, t.onProgress, t.deps);
    expect(retry.data).toEqual(content);
    expect(await ourEntries(t.storage)).toEqual([cacheKey(spec)]);
  });

  it('never stores a download whose connection breaks mid-way', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body(split(content, 4), 2)));
    const err = await expectCode(loadFile(spec, t.onProgress, t.deps), 'download-failed');
    expect(err.action).toMatch(/connection/);
    expect(await ourEntries(t.storage)).toEqual([]);
  });

  it('stops a download when its signal is aborted, stores nothing, and downloads again afterwards', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body(split(content, 4))));
    const abort = new AbortController();
    // Abort as the second chunk arrives, as a Cancel pressed mid-download would.
    const onProgress = (phase: string, loaded: number, total: number) => {
      t.onProgress(phase, loaded, total);
      if (loaded > 0 && loaded < content.byteLength) abort.abort();
    };
    const err = await loadFile(spec, onProgress, t.deps, abort.signal).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DownloadCancelled);
    expect(t.progress.at(-1)![1]).toBeLessThan(content.byteLength);
    expect(await ourEntries(t.storage)).toEqual([]);
    const again = await loadFile(spec, t.onProgress, t.deps);
    expect(again).toMatchObject({ fromCache: false, stored: true });
    expect(await ourEntries(t.storage)).toHaveLength(1);
  });

  it('fails a download once nothing has arrived for the stall limit, and says so; a slow one that keeps sending finishes', async () => {
    const spec = await specFor(content);
    // Two chunks, then silence without an error: a connection that stopped sending.
    const silent = (): ReadableStream<Uint8Array> => {
      const chunks = split(content, 4);
      let i = 0;
      return new ReadableStream({
        pull: (ctrl) => (i < 2 ? ctrl.enqueue(chunks[i++]) : new Promise<void>(() => {})),
      });
    };
    const t = setup(() => new Response(silent()));
    t.deps.stallMs = 30;
    const err = await expectCode(loadFile(spec, t.onProgress, t.deps), 'download-failed');
    expect(err.message).toMatch(/nothing arrived for \d+ s after 1500 of 3000 bytes \(the connection stalled\)$/);
    expect(err.action).toBe('Check your connection and press Retry');
    expect(await ourEntries(t.storage)).toEqual([]);

    // A server that never answers (fetch honours its signal, as the browser's does).
    const mute = setup(() => new Response(null));
    mute.deps.stallMs = 30;
    mute.deps.fetch = unansweredFetch().fetch;
    const none = await expectCode(loadFile(spec, mute.onProgress, mute.deps), 'download-failed');
    expect(none.message).toMatch(/the server sent nothing for \d+ s when asked for model-abc123\.onnx/);

    // Each chunk 30 ms apart, 600 ms in all, under a 400 ms limit: every chunk restarts the clock.
    const slow = setup(() => {
      const chunks = split(content, 20);
      let i = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull: async (ctrl) => {
            await new Promise((r) => setTimeout(r, 30));
            if (i < chunks.length) ctrl.enqueue(chunks[i++]);
            else ctrl.close();
          },
        }),
      );
    });
    slow.deps.stallMs = 400;
    expect(await loadFile(spec, slow.onProgress, slow.deps)).toMatchObject({ fromCache: false, stored: true });
  });

  it('a stall timer that fires far late (the tab was frozen) waits again instead of failing the download', async () => {
    const spec = await specFor(content);
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const t = setup(() => {
      const chunks = split(content, 4);
      let i = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull: async (ctrl) => {
            if (i === 2) await gate; // the rest arrives only after the freeze
            if (i < chunks.length) ctrl.enqueue(chunks[i++]);
            else ctrl.close();
          },
        }),
      );
    });
    t.deps.stallMs = 200;
    // Fake timers: a busy machine cannot delay the steps below past the stall timer (it did on real ones).
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const loading = loadFile(spec, t.onProgress, t.deps);
      await vi.advanceTimersByTimeAsync(5);
      now = 10_000; // the clock jumps: the first firing (at 200 ms) reads as 50 times late
      await vi.advanceTimersByTimeAsync(300);
      release(); // before the re-armed timer (400 ms) fires
      await expect(loading).resolves.toMatchObject({ fromCache: false, stored: true });
    } finally {
      vi.useRealTimers();
      clock.mockRestore();
    }
  });

  it('a cancel before the server answers ends the download at once, as cancelled, not as a stall', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(null));
    const server = unansweredFetch();
    t.deps.fetch = server.fetch;
    t.deps.stallMs = 60_000;
    const abort = new AbortController();
    const loading = loadFile(spec, t.onProgress, t.deps, abort.signal);
    setTimeout(() => abort.abort(), 10);
    await expect(loading).rejects.toBeInstanceOf(DownloadCancelled);
    expect(server.aborted).toEqual([spec.url]); // at once: the stall limit (60 s) is far past the test's 5 s
  });

  it('treats a body that ends early as a failed download', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body(split(content, 4).slice(0, 3))));
    await expectCode(loadFile(spec, t.onProgress, t.deps), 'download-failed');
    expect(await ourEntries(t.storage)).toEqual([]);
  });

  it('reports an HTTP error status and a rejected fetch as download-failed', async () => {
    const spec = await specFor(content);
    const t404 = setup(() => new Response('not found', { status: 404, statusText: 'Not Found' }));
    const err = await expectCode(loadFile(spec, t404.onProgress, t404.deps), 'download-failed');
    expect(err.message).toBe('Downloading the model failed: model-abc123.onnx is not on the server (it answered 404)');
    // A retry would fetch the same missing file: the way out is a reload for the current files.
    expect(err.action).toMatch(/press Reload for the current version/);
    const html = setup(
      () => new Response('<!doctype html>', { headers: { 'content-type': 'text/html; charset=utf-8' } }),
    );
    const page = await expectCode(loadFile(spec, html.onProgress, html.deps), 'download-failed');
    expect(page.message).toMatch(/not on the server \(it answered with a web page\)/);
    const t503 = setup(() => new Response('busy', { status: 503, statusText: 'Service Unavailable' }));
    const busy = await expectCode(loadFile(spec, t503.onProgress, t503.deps), 'download-failed');
    expect(busy.message).toMatch(/503 Service Unavailable/);
    expect(busy.action).toBe('Check your connection and press Retry');
    const offline = setup(() => Promise.reject(new TypeError('Failed to fetch')));
    const net = await expectCode(loadFile(spec, offline.onProgress, offline.deps), 'download-failed');
    // The cause in words, the browser's own text only as detail.
    expect(net.message).toMatch(/network could not be reached/);
    expect(net.message).not.toMatch(/Failed to fetch/);
    // The browser's text, then what the cache said: nothing was there to fall back on.
    expect(net.detail).toBe('Failed to fetch; model-abc123.onnx: no copy was stored on this device');
  });

  it('reads an entry again when its body could not be read once, and serves it', async () => {
    const spec = await specFor(content);
    const t = setup(() => Promise.reject(new TypeError('Load failed')));
    const cache = await t.storage.open(MODEL_CACHE);
    cache.entries.set(cacheKey(spec), { body: content.slice(), headers: [] });
    const match = cache.match.bind(cache);
    let reads = 0;
    cache.match = async (req, opts) => {
      const hit = await match(req, opts);
      if (hit && reads++ === 0) return new Response(body([content.slice(0, 10)], 1));
      return hit;
    };
    const got = await loadFile(spec, t.onProgress, t.deps);
    expect(got.fromCache).toBe(true);
    expect(got.data).toEqual(content);
    expect(t.calls()).toBe(0);
  });

  it('keeps an entry it cannot read, and says so when the network cannot serve the file either', async () => {
    const spec = await specFor(content);
    const t = setup(() => Promise.reject(new TypeError('Load failed')));
    const cache = await t.storage.open(MODEL_CACHE);
    cache.entries.set(cacheKey(spec), { body: content.slice(), headers: [] });
    const match = cache.match.bind(cache);
    cache.match = async (req, opts) => ((await match(req, opts)) ? new Response(body([], 0)) : undefined);
    const err = await expectCode(loadFile(spec, t.onProgress, t.deps), 'download-failed');
    expect(err.detail).toMatch(
      /^Load failed; model-abc123\.onnx: its stored copy could not be read \(.*network error.*\)$/,
    );
    // Unreadable is not damaged: the only offline copy stays for the next try.
    expect(cache.entries.has(cacheKey(spec))).toBe(true);
    expect(t.calls()).toBe(1);
  });

  it('deletes a cached entry whose bytes no longer match and downloads again', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body([content])));
    const cache = await t.storage.open(MODEL_CACHE);
    const rotten = content.slice();
    rotten[0] ^= 0xff;
    cache.entries.set(cacheKey(spec), { body: rotten, headers: [] });

    const got = await loadFile(spec, t.onProgress, t.deps);
    expect(got.fromCache).toBe(false);
    expect(got.data).toEqual(content);
    expect(t.calls()).toBe(1);
    expect(cache.entries.get(cacheKey(spec))!.body).toEqual(content);
  });

  it('downloads anyway when the Cache API itself throws', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body([content])));
    const ours = await t.storage.open(MODEL_CACHE);
    ours.match = async () => {
      throw new Error('SecurityError: storage is disabled');
    };
    const got = await loadFile(spec, t.onProgress, t.deps);
    expect(got.data).toEqual(content);
    expect(t.calls()).toBe(1);
  });

  it('still returns verified bytes when the cache refuses to store them', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body([content])));
    (await t.storage.open(MODEL_CACHE)).failPut = true;
    const got = await loadFile(spec, t.onProgress, t.deps);
    expect(got.data).toEqual(content);
    expect(got.stored).toBe(false);
    expect(got.storeError).toMatch(/Quota/);
  });

  it('works without the Cache API at all', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body([content])));
    const got = await loadFile(spec, t.onProgress, { ...t.deps, caches: null });
    expect(got.data).toEqual(content);
    expect(got.stored).toBe(false);
  });
});

describe('pruneCache', () => {
  it('removes entries of other files or hashes and keeps the wanted ones', async () => {
    const spec = await specFor(content);
    const t = setup(() => new Response(body([content])));
    await loadFile(spec, t.onProgress, t.deps);
    const cache = await t.storage.open(MODEL_CACHE);
    const old = cacheKey({ ...spec, sha256: '0'.repeat(64) });
    cache.entries.set(old, { body: content, headers: [] });
    expect(await pruneCache([spec], t.deps)).toBe(1);
    expect(await ourEntries(t.storage)).toEqual([cacheKey(spec)]);
  });
});
