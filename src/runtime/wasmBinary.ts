// onnxruntime-web's wasm (26.8 MB), fetched by the worker itself and handed to ORT as bytes.
//
// Why the worker and not the service worker: the engine needs the wasm on the very first visit,
// before any service worker is installed, and only the worker can show byte progress for it. So
// the worker downloads it once (progress, sha256 check), keeps it in the Cache API, and gives it to
// ORT through `env.wasm.wasmBinary` (ORT then fetches nothing; its thread workers receive the
// compiled module by message). The service worker does not precache the wasm or the model files
// (see vite.config.ts): had it done so, its install would download them a second time.
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url&no-inline';
import { defaultDeps, loadFile, pruneCache, type FileSpec, type LoadedFile, type Progress, type StoreDeps } from './modelStore';
import type { Ort } from './session';

// Size and sha256 of the wasm, measured by vite.config.ts at build time.
declare const __ORT_WASM__: { sha256: string; bytes: number } | undefined;

/** Its own cache, so that the model store's pruning (which keeps only the model's files) leaves it alone. */
export const ENGINE_CACHE = 'unmask-engine-v1';

/** The wasm as a verifiable file; null outside a Vite build (Node tests, where ORT reads it from disk). */
export function ortWasmSpec(): FileSpec | null {
  return typeof __ORT_WASM__ === 'undefined' ? null : { url: wasmUrl, ...__ORT_WASM__ };
}

/** CacheStorage in which the model store's own cache is ENGINE_CACHE; everything else passes through. */
export function engineCaches(c: CacheStorage): CacheStorage {
  return {
    open: () => c.open(ENGINE_CACHE),
    match: (req, opts) => c.match(req, opts),
    has: (name) => c.has(name),
    delete: (name) => c.delete(name),
    keys: () => c.keys(),
  };
}

/**
 * Loads the wasm (from our cache, else the network with byte progress), verifies it and hands it
 * to ORT. Must run before ORT's first session. Returns null, changing nothing, when there is no
 * spec. Failures are the model store's: 'download-failed' or 'corrupt-model'.
 */
export async function provideOrtWasm(
  ort: Ort,
  onProgress: Progress,
  deps: StoreDeps = defaultDeps(),
  spec: FileSpec | null = ortWasmSpec(),
): Promise<LoadedFile | null> {
  if (!spec) return null;
  const store: StoreDeps = { ...deps, caches: deps.caches && engineCaches(deps.caches) };
  const file = await loadFile(spec, onProgress, store);
  ort.env.wasm.wasmBinary = file.data;
  // The wasm of an older ORT version is dead weight.
  void pruneCache([spec], store).catch(() => undefined);
  return file;
}
