// Getting a model file into memory: from our Cache API entry if its hash still matches, else from
// the network with progress in bytes. Only bytes whose sha256 matches config.json are ever stored,
// so an interrupted or damaged download can never pass for a complete one on a later visit. The
// service worker precaches none of these files (see src/pwa/sw.ts): this cache is their only
// offline copy. Reading and hashing run off the worker's thread, so files load side by side.
import { RuntimeError, ACTIONS, messageOf } from './errors';
import { markLoad } from './loadMarks';
import { realTimers, silenceClock } from './timeLimit';

export const MODEL_CACHE = 'unmask-model-v1';

export interface FileSpec {
  url: string;
  sha256: string;
  bytes: number;
}

export type Progress = (phase: 'download' | 'cache', loaded: number, total: number) => void;

export interface StoreDeps {
  fetch: typeof fetch;
  /** `caches` of the worker; null where the Cache API is missing (e.g. an insecure context). */
  caches: CacheStorage | null;
  subtle: SubtleCrypto;
  /** A download that receives nothing for this long fails (default DOWNLOAD_STALL_MS). */
  stallMs?: number;
}

/** Half the page's watchdog on a load (src/worker/watchdog.ts), so a stalled download is reported as
 * one, rather than taken for a dead engine and started again from zero. */
export const DOWNLOAD_STALL_MS = 30_000;

export interface LoadedFile {
  data: Uint8Array;
  /** No byte came over the network. */
  fromCache: boolean;
  /** False when the verified bytes could not be written to the cache (quota, private mode). */
  stored: boolean;
  /** Why `stored` is false. */
  storeError?: string;
}

export function defaultDeps(): StoreDeps {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    caches: typeof caches === 'undefined' ? null : caches,
    subtle: crypto.subtle,
  };
}

export async function sha256Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** The cache key names the content: a file with a new hash is a new entry. */
export function cacheKey(spec: FileSpec): string {
  const u = new URL(spec.url, globalThis.location?.href ?? 'http://localhost/');
  u.searchParams.set('sha256', spec.sha256);
  return u.href;
}

async function openCache(deps: StoreDeps): Promise<Cache | null> {
  if (!deps.caches) return null;
  try {
    return await deps.caches.open(MODEL_CACHE);
  } catch {
    // Some private modes refuse storage; the app still works, it just downloads every time.
    return null;
  }
}

/** The stored bytes if their hash matches, 'mismatch' if it does not; throws when the entry cannot be read. */
async function readCached(res: Response, deps: StoreDeps, spec: FileSpec): Promise<Uint8Array | 'mismatch'> {
  const data = new Uint8Array(await res.arrayBuffer());
  markLoad(`${fileName(spec.url)} read`);
  const ok = (await sha256Hex(deps.subtle, data)) === spec.sha256;
  markLoad(`${fileName(spec.url)} hashed`);
  return ok ? data : 'mismatch';
}

/**
 * The cached copy of `spec`: its verified bytes, or why there are none. A damaged entry is deleted;
 * one that could not be read is kept and read once more (WebKit has failed to read a 14 MB entry
 * that was whole: deleting it would have lost the only offline copy).
 */
async function fromCache(cache: Cache, key: string, deps: StoreDeps, spec: FileSpec): Promise<Uint8Array | string> {
  let why = '';
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const hit = await cache.match(key);
      if (!hit) return attempt === 0 ? 'no copy was stored on this device' : `its stored copy vanished (${why})`;
      markLoad(`${fileName(spec.url)} found`);
      const data = await readCached(hit, deps, spec);
      if (data !== 'mismatch') return data;
      // Damaged on disk (or written by a broken build): drop it and fetch again.
      await cache.delete(key).catch(() => false);
      return 'its stored copy was damaged and has been removed';
    } catch (err) {
      // The cache is an optimisation: a broken Cache API (private mode, damaged storage) must not
      // stop the model from loading over the network.
      why = messageOf(err);
    }
  }
  return `its stored copy could not be read (${why})`;
}

/** The error a cancelled download ends with: nothing of it was kept (only verified files are stored). */
export class DownloadCancelled extends Error {
  constructor(readonly url: string) {
    super(`The download of ${url} was cancelled`);
  }
}
const cancelled = (spec: FileSpec) => new DownloadCancelled(fileName(spec.url));

/** The file's name for messages, without the build hash or query. */
function fileName(url: string): string {
  const last = url.split(/[?#]/)[0].split('/').pop() ?? url;
  return last.replace(/-[A-Za-z0-9_-]{8}(?=\.[^.]+$)/, '') || url;
}

/**
 * A connection can stop sending without breaking (a mobile network, a captive portal): fetch() and
 * read() then wait for good. This aborts the download once nothing has arrived for `ms`, and tells
 * that apart from the user's own cancel (`signal`).
 */
class StallWatch {
  readonly abort = new AbortController();
  stalled = false;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private readonly cancel = () => this.abort.abort();
  // A hidden tab still downloads, so only a frozen one's late timer waits again (see silenceClock).
  private readonly clock = silenceClock(() => this.stall(), { ...realTimers, hidden: () => false });

  constructor(
    readonly ms: number,
    private readonly signal?: AbortSignal,
  ) {
    if (signal?.aborted) this.abort.abort();
    signal?.addEventListener('abort', this.cancel);
    this.heard();
  }
  /** Something arrived: the clock starts again. */
  heard() {
    this.clock.heard(this.ms);
  }
  private stall() {
    this.stalled = true;
    this.abort.abort();
    this.reader?.cancel().catch(() => {}); // a body that does not end itself on abort
  }
  reading(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.reader = reader;
  }
  end() {
    this.clock.stop();
    this.signal?.removeEventListener('abort', this.cancel);
  }
}

async function download(
  spec: FileSpec,
  deps: StoreDeps,
  onProgress: Progress,
  signal?: AbortSignal,
  /** Why the cache did not serve it, for the message when the network cannot either. */
  cached = '',
): Promise<Uint8Array> {
  const watch = new StallWatch(deps.stallMs ?? DOWNLOAD_STALL_MS, signal);
  try {
    return await downloadWatched(spec, deps, onProgress, watch, signal, cached);
  } finally {
    watch.end();
  }
}

async function downloadWatched(
  spec: FileSpec,
  deps: StoreDeps,
  onProgress: Progress,
  watch: StallWatch,
  signal: AbortSignal | undefined,
  cached: string,
): Promise<Uint8Array> {
  const failed = (why: string, cause?: unknown) =>
    new RuntimeError('download-failed', `Downloading the model failed: ${why}`, ACTIONS.retryDownload, { cause });
  const secs = `${Math.round(watch.ms / 1000)} s`;
  const quiet = (what: string) => failed(`${what} (the connection stalled)`);
  let res: Response;
  try {
    // 'no-cache' revalidates with the server instead of trusting a possibly stale HTTP cache entry.
    res = await deps.fetch(spec.url, { cache: 'no-cache', signal: watch.abort.signal });
  } catch (err) {
    if (signal?.aborted) throw cancelled(spec);
    if (watch.stalled) throw quiet(`the server sent nothing for ${secs} when asked for ${fileName(spec.url)}`);
    // fetch() rejects only when no answer came at all: the network, not the server or the file.
    throw new RuntimeError(
      'download-failed',
      `Downloading ${fileName(spec.url)} failed: the network could not be reached (offline, or the connection dropped)`,
      ACTIONS.retryDownload,
      { cause: err, detail: cached ? `${messageOf(err)}; ${fileName(spec.url)}: ${cached}` : messageOf(err) },
    );
  }
  // Not there (file names carry their hash: a page older than the site asks for files a deploy
  // replaced), or a host that answers every path with its web page: a retry would get the same.
  const page = res.ok && /text\/html/i.test(res.headers.get('content-type') ?? '');
  if (res.status === 404 || res.status === 410 || page) {
    throw new RuntimeError(
      'download-failed',
      `Downloading the model failed: ${fileName(spec.url)} is not on the server (${page ? 'it answered with a web page' : `it answered ${res.status}`})`,
      ACTIONS.missingFile,
    );
  }
  if (!res.ok) throw failed(`the server answered ${res.status} ${res.statusText}`.trim());
  // config.json knows the exact size; Content-Length may be the compressed size.
  const header = Number(res.headers.get('content-length'));
  const total = spec.bytes > 0 ? spec.bytes : Number.isFinite(header) ? header : 0;
  onProgress('download', 0, total);
  watch.heard();

  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const stalled = () => quiet(`nothing arrived for ${secs} after ${loaded} of ${total} bytes`);
  try {
    if (res.body) {
      const reader = res.body.getReader();
      watch.reading(reader);
      for (;;) {
        const { done, value } = await reader.read();
        if (signal?.aborted) throw cancelled(spec); // a body that does not end itself on abort
        if (done || watch.stalled) break;
        watch.heard();
        chunks.push(value);
        loaded += value.byteLength;
        onProgress('download', loaded, Math.max(total, loaded));
      }
    } else {
      const all = new Uint8Array(await res.arrayBuffer());
      chunks.push(all);
      loaded = all.byteLength;
      onProgress('download', loaded, Math.max(total, loaded));
    }
  } catch (err) {
    if (signal?.aborted) throw cancelled(spec);
    if (watch.stalled) throw stalled();
    throw failed(`the connection broke after ${loaded} of ${total} bytes (${messageOf(err)})`, err);
  }
  if (watch.stalled) throw stalled();
  if (loaded < spec.bytes) throw failed(`the download stopped after ${loaded} of ${spec.bytes} bytes`);

  const data = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.byteLength;
  }
  return data;
}

/**
 * Returns the verified bytes of `spec`. Throws RuntimeError 'download-failed' (network, HTTP
 * status, short read) or 'corrupt-model' (hash mismatch); neither leaves anything in the cache.
 */
export async function loadFile(
  spec: FileSpec,
  onProgress: Progress,
  deps: StoreDeps = defaultDeps(),
  signal?: AbortSignal,
): Promise<LoadedFile> {
  const cache = await openCache(deps);
  const key = cacheKey(spec);

  let cached = 'the Cache API is not available';
  if (cache) {
    const got = await fromCache(cache, key, deps, spec);
    if (typeof got !== 'string') {
      onProgress('cache', got.byteLength, got.byteLength);
      return { data: got, fromCache: true, stored: true };
    }
    cached = got;
  }

  const data = await download(spec, deps, onProgress, signal, cached);
  markLoad(`${fileName(spec.url)} downloaded`);
  const actual = await sha256Hex(deps.subtle, data);
  if (actual !== spec.sha256) {
    throw new RuntimeError(
      'corrupt-model',
      `The downloaded file ${spec.url} is damaged (sha256 ${actual.slice(0, 12)}…, expected ${spec.sha256.slice(0, 12)}…)`,
      ACTIONS.corrupt,
    );
  }
  if (!cache) return { data, fromCache: false, stored: false, storeError: 'the Cache API is not available' };
  try {
    await cache.put(
      key,
      new Response(data as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) },
      }),
    );
    return { data, fromCache: false, stored: true };
  } catch (err) {
    return { data, fromCache: false, stored: false, storeError: messageOf(err) };
  }
}

/** Deletes our cache entries other than `keep` (files of older model versions). */
export async function pruneCache(keep: FileSpec[], deps: StoreDeps = defaultDeps()): Promise<number> {
  const cache = await openCache(deps);
  if (!cache) return 0;
  const wanted = new Set(keep.map(cacheKey));
  let removed = 0;
  for (const req of await cache.keys()) {
    if (!wanted.has(req.url) && (await cache.delete(req))) removed++;
  }
  return removed;
}
