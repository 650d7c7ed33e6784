// onnxruntime-web's wasm, fetched by the worker itself and handed to ORT as bytes. Each ORT build
// has its own: WebGPU's (ort-wasm-simd-threaded.asyncify.wasm, 26.8 MB, which also runs the WASM
// provider) and the plain WASM one (ort-wasm-simd-threaded.wasm, 14.2 MB). A device downloads only
// the one of the build it runs (backend.ts: ortBuildFor).
//
// Why the worker and not the service worker: the engine needs the wasm on the very first visit,
// before any service worker is installed, and only the worker can show byte progress for it. So
// the worker downloads it once (progress, sha256 check), keeps it in the Cache API, and gives it to
// ORT through `env.wasm.wasmBinary` (ORT then fetches nothing; its thread workers receive the
// compiled module by message). The service worker does not precache the wasm or the model files
// (see vite.config.ts): had it done so, its install would download them a second time.
import webgpuWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url&no-inline';
import plainWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url&no-inline';
import { ortBuildFor, type GpuLike, type OrtBuild } from './backend';
import {
  cacheKey,
  defaultDeps,
  loadFile,
  pruneCache,
  type FileSpec,
  type LoadedFile,
  type Progress,
  type StoreDeps,
} from './modelStore';
import type { Ort } from './session';

// Size and sha256 of each build's wasm, measured by vite.config.ts at build time.
declare const __ORT_WASM__: Record<OrtBuild, { sha256: string; bytes: number }> | undefined;

const URLS: Record<OrtBuild, string> = { webgpu: webgpuWasmUrl, wasm: plainWasmUrl };

/** Its own cache, so that the model store's pruning (which keeps only the model's files) leaves it alone. */
export const ENGINE_CACHE = 'unmask-engine-v1';

/** A build's wasm as a verifiable file; null outside a Vite build (Node tests, where ORT reads it from disk). */
export function ortWasmSpec(build: OrtBuild): FileSpec | null {
  return typeof __ORT_WASM__ === 'undefined' ? null : { url: URLS[build], ...__ORT_WASM__[build] };
}

/** Both builds' wasm of this version (none outside a Vite build). */
export function ortWasmSpecs(): FileSpec[] {
  return (['webgpu', 'wasm'] as const).flatMap((b) => ortWasmSpec(b) ?? []);
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
 * Loads a build's wasm (from our cache, else the network with byte progress), verifies it and
 * hands it to ORT. Must run before ORT's first session. Returns null, changing nothing, when there
 * is no spec (once ORT is there). Failures are the model store's: 'download-failed' or 'corrupt-model'.
 */
export async function provideOrtWasm(
  ort: Ort | Promise<Ort>,
  onProgress: Progress,
  deps: StoreDeps = defaultDeps(),
  spec: FileSpec | null,
  signal?: AbortSignal,
): Promise<LoadedFile | null> {
  if (!spec) {
    await ort;
    return null;
  }
  const store: StoreDeps = { ...deps, caches: deps.caches && engineCaches(deps.caches) };
  // ORT may still be on its way (the worker imports it): the file loads meanwhile.
  const [module, file] = await Promise.all([ort, loadFile(spec, onProgress, store, signal)]);
  module.env.wasm.wasmBinary = file.data;
  // An older ORT version's wasm is dead weight. Both builds' wasm of this version stay: a device
  // that has run both (the backend switched in the settings) keeps working offline with either.
  void pruneCache([spec, ...ortWasmSpecs()], store).catch(() => undefined);
  return file;
}

/**
 * The wasm files the offline copy must hold: those of this version already in the engine cache
 * (the engine stored what it runs; a device that ran both builds keeps both), or, where none is,
 * the one the engine here would load with the automatic backend choice.
 */
export async function engineWasmSpecs(gpu: GpuLike | undefined, deps: StoreDeps = defaultDeps()): Promise<FileSpec[]> {
  const specs = ortWasmSpecs();
  if (specs.length === 0) return [];
  let stored: FileSpec[] = [];
  try {
    const cache = await deps.caches?.open(ENGINE_CACHE);
    if (cache)
      stored = (await Promise.all(specs.map(async (s) => ((await cache.match(cacheKey(s))) ? [s] : [])))).flat();
  } catch {
    // No readable cache: fall through to the device's own build.
  }
  if (stored.length > 0) return stored;
  const own = ortWasmSpec(await ortBuildFor('auto', gpu));
  return own ? [own] : [];
}
