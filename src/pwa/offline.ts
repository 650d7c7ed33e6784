// Is this device ready to run the app offline? Checked on each visit (and when the connection
// comes or goes): the service worker's precache must hold the app shell, and the worker's caches
// the model, the tokenizer and ORT's wasm. Storage can be cleared behind the service worker's back,
// and nothing else would notice until the next offline visit failed; online, missing files are
// fetched and stored again.
import { shippedModels } from '../runtime/modelFiles';
import {
  cacheKey,
  defaultDeps,
  DOWNLOAD_STALL_MS,
  loadFile,
  MODEL_CACHE,
  type FileSpec,
  type StoreDeps,
} from '../runtime/modelStore';
import { askOnce, type GpuLike } from '../runtime/backend';
import { withTimeLimit } from '../runtime/timeLimit';
import { ENGINE_CACHE, engineCaches, engineWasmSpecs } from '../runtime/wasmBinary';
import type { PrecacheReport } from './messages';

export type OfflineStatus =
  | { state: 'checking' }
  | { state: 'ready'; files: number }
  /** Files were missing and have been stored again. */
  | { state: 'repaired'; files: number; repaired: number }
  /** Files are missing; `online` says whether a repair was tried (and failed) or must wait. */
  | { state: 'incomplete'; missing: number; online: boolean }
  | { state: 'unavailable'; why: string };

/** A file the engine worker keeps in its own cache (not in the service worker's precache). */
export interface EngineFile {
  spec: FileSpec;
  cache: string;
  store: StoreDeps;
}

export interface OfflineDeps {
  online(): boolean;
  /** Asks the active service worker which shell files are missing, and to fetch them when `repair`. */
  checkPrecache(repair: boolean): Promise<PrecacheReport>;
  engineFiles(): EngineFile[] | Promise<EngineFile[]>;
  /** A repair download that receives nothing for this long is given up (default DOWNLOAD_STALL_MS: a
   * stalled connection or a captive portal would otherwise keep the check on "Checking…" for good). */
  stallMs?: number;
}

async function hasEntry(f: EngineFile): Promise<boolean> {
  try {
    const cache = await f.store.caches?.open(f.cache);
    return Boolean(await cache?.match(cacheKey(f.spec)));
  } catch {
    return false;
  }
}

export async function checkOffline(deps: OfflineDeps): Promise<OfflineStatus> {
  const repair = deps.online();
  let shell: PrecacheReport;
  try {
    shell = await deps.checkPrecache(repair);
  } catch (err) {
    return { state: 'unavailable', why: err instanceof Error ? err.message : String(err) };
  }
  let missing = repair ? shell.failed.length : shell.missing.length;
  let repaired = shell.repaired;
  const files = await deps.engineFiles();
  for (const f of files) {
    if (await hasEntry(f)) continue;
    if (!repair) {
      missing++;
      continue;
    }
    try {
      // Downloads, checks the sha256 and stores, exactly as the worker does.
      const got = await repairFile(f, deps.stallMs ?? DOWNLOAD_STALL_MS);
      if (got.stored) repaired++;
      else missing++;
    } catch {
      missing++;
    }
  }
  const total = shell.total + files.length;
  if (missing > 0) return { state: 'incomplete', missing, online: repair };
  return repaired > 0 ? { state: 'repaired', files: total, repaired } : { state: 'ready', files: total };
}

/** Downloads, checks and stores one engine file, as the worker does (which gives up once nothing has
 * arrived for `stallMs`). */
function repairFile(f: EngineFile, stallMs: number) {
  return loadFile(f.spec, () => {}, { ...f.store, stallMs });
}

/** Sends CHECK_PRECACHE to the active service worker and waits for its report. */
async function askServiceWorker(repair: boolean, timeoutMs = 60_000): Promise<PrecacheReport> {
  // `ready` never settles where no service worker is registered (the dev server): give up after a while.
  const reg = await withTimeLimit(navigator.serviceWorker.ready, 2 * timeoutMs, 'no service worker started');
  const sw = reg.active;
  if (!sw) throw new Error('no active service worker');
  return new Promise<PrecacheReport>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => reject(new Error('the service worker did not answer')), timeoutMs);
    channel.port1.onmessage = (e: MessageEvent<PrecacheReport | { error: string }>) => {
      clearTimeout(timer);
      if ('error' in e.data) reject(new Error(e.data.error));
      else resolve(e.data);
    };
    sw.postMessage({ type: 'CHECK_PRECACHE', repair }, [channel.port2]);
  });
}

/**
 * The browser's wiring; null where the browser cannot keep the app offline at all. `modelName`:
 * the model in use; only its files are checked (and restored), never those of a model not chosen
 * (none while no model is loaded).
 */
export function browserOfflineDeps(modelName?: string | null): OfflineDeps | null {
  if (!('serviceWorker' in navigator) || typeof caches === 'undefined') return null;
  return {
    online: () => navigator.onLine,
    checkPrecache: (repair) => askServiceWorker(repair),
    async engineFiles() {
      const store = defaultDeps();
      const files = shippedModels().models.find((m) => m.name === modelName)?.files;
      const list: EngineFile[] = files
        ? [
            { spec: files.tokenizer, cache: MODEL_CACHE, store },
            { spec: files.model, cache: MODEL_CACHE, store },
          ]
        : [];
      // The wasm of the ORT build this device runs (or has run): never the other one's 26.8 or 14.2 MB.
      const engineStore = { ...store, caches: store.caches && engineCaches(store.caches) };
      // askOnce: a GPU that never answers its adapter request must not hold the check either.
      for (const wasm of await engineWasmSpecs(askOnce((navigator as unknown as { gpu?: GpuLike }).gpu), store)) {
        list.push({ spec: wasm, cache: ENGINE_CACHE, store: engineStore });
      }
      return list;
    },
  };
}
