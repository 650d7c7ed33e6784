// What this device keeps of the app, seen from the page: which models have their files in the
// worker's model cache (same cache name and keys as modelStore.ts, so the page sees exactly what
// the worker would load), removing a model's files to free space, and the browser's storage facts
// (how much the origin uses, whether it may be evicted). ORT's wasm and the app shell live in other
// caches and are never touched here. Every browser API is optional: where one is missing the
// answer is null and the page shows nothing about it.
import { cacheKey, MODEL_CACHE, type FileSpec } from './modelStore';

/** The part of a model entry this module needs: its name and the files its cache entries hold. */
export interface StoredModelSpec {
  name: string;
  files: { model: FileSpec; tokenizer: FileSpec };
}

/** The parts of navigator.storage we use; each may be missing (older Safari, insecure contexts). */
export interface StorageLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}

export interface DeviceDeps {
  caches: CacheStorage | null;
  storage: StorageLike | null;
}

export function browserDeviceDeps(): DeviceDeps {
  const nav = typeof navigator === 'undefined' ? undefined : (navigator as { storage?: StorageLike });
  return {
    caches: typeof caches === 'undefined' ? null : caches,
    storage: nav?.storage ?? null,
  };
}

/** Space the origin uses and whether the browser keeps it under storage pressure (null: it does not say). */
export interface StorageFacts {
  usage: number;
  persisted: boolean | null;
}

const filesOf = (m: StoredModelSpec) => [m.files.model, m.files.tokenizer];

async function modelCache(deps: DeviceDeps): Promise<Cache | null> {
  if (!deps.caches) return null;
  // has() first: only looking must not create an empty cache.
  if (!(await deps.caches.has(MODEL_CACHE))) return null;
  return deps.caches.open(MODEL_CACHE);
}

/** Whether `spec`'s entry is there and whole. Only verified bytes are ever stored under a key
 * that names their sha256 (modelStore.ts), so the size is what is left to check here. */
async function hasFile(cache: Cache, spec: FileSpec): Promise<boolean> {
  const hit = await cache.match(cacheKey(spec));
  if (!hit) return false;
  const header = hit.headers.get('content-length');
  const size = header !== null ? Number(header) : (await hit.blob()).size;
  return size === spec.bytes;
}

/**
 * For each model, whether all its files are on this device (a model with a file missing would be
 * downloaded again). Null where the Cache API is missing or refuses us (private modes).
 */
export async function storedModels(
  models: readonly StoredModelSpec[],
  deps: DeviceDeps,
): Promise<Record<string, boolean> | null> {
  if (!deps.caches) return null;
  try {
    const cache = await modelCache(deps);
    const out: Record<string, boolean> = {};
    for (const m of models) {
      out[m.name] = cache !== null && (await Promise.all(filesOf(m).map((f) => hasFile(cache, f)))).every(Boolean);
    }
    return out;
  } catch {
    return null;
  }
}

/** Deletes the model's files (its onnx and tokenizer entries) and returns the bytes freed. */
export async function removeModelFiles(model: StoredModelSpec, deps: DeviceDeps): Promise<number> {
  const cache = await modelCache(deps);
  if (!cache) return 0;
  let freed = 0;
  for (const f of filesOf(model)) if (await cache.delete(cacheKey(f))) freed += f.bytes;
  return freed;
}

/** How much the app uses and whether it is kept; null where the browser cannot say (no estimate()). */
export async function storageFacts(deps: DeviceDeps): Promise<StorageFacts | null> {
  const s = deps.storage;
  if (!s?.estimate) return null;
  try {
    const { usage } = await s.estimate();
    if (typeof usage !== 'number' || !Number.isFinite(usage)) return null;
    const persisted = s.persisted ? await s.persisted().catch(() => null) : null;
    return { usage, persisted };
  } catch {
    return null;
  }
}

/**
 * Asks the browser to keep the app's storage under pressure (Chromium decides by itself, Firefox
 * may ask the user). Returns whether it is persistent now; null where the browser has no persist().
 */
export async function askPersistence(deps: DeviceDeps): Promise<boolean | null> {
  const s = deps.storage;
  if (!s?.persist) return null;
  try {
    if (s.persisted && (await s.persisted())) return true;
    return await s.persist();
  } catch {
    return null;
  }
}
