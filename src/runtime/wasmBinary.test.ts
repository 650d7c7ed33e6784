// The wasm loader against a scripted fetch and an in-memory CacheStorage: it downloads once with
// progress, verifies, stores in its own cache (which the model store's pruning leaves alone) and
// hands the bytes to ORT.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MODEL_CACHE, pruneCache, sha256Hex, type FileSpec, type StoreDeps } from './modelStore';
import type { Ort } from './session';
import { memoryCaches, scriptedFetch } from '../pwa/testCaches';
import { ENGINE_CACHE, ortWasmSpec, provideOrtWasm } from './wasmBinary';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

async function setup() {
  const bytes = new Uint8Array(3000).map((_, i) => (i * 7) % 256);
  const spec: FileSpec = { url: 'http://localhost/assets/ort-wasm-abc.wasm', sha256: await sha256Hex(subtle, bytes), bytes: bytes.length };
  const { storage, stores } = memoryCaches();
  const { fetch, fetched, setOnline } = scriptedFetch({ [spec.url]: bytes });
  const deps: StoreDeps = { caches: storage, subtle, fetch };
  const ort = { env: { wasm: {} as { wasmBinary?: unknown } } };
  return { bytes, spec, deps, stores, fetched, ort, goOffline: () => setOnline(false) };
}

describe('provideOrtWasm', () => {
  it('downloads once with byte progress, stores in its own cache and hands the bytes to ORT', async () => {
    const s = await setup();
    const progress: [string, number, number][] = [];
    const first = await provideOrtWasm(s.ort as unknown as Ort, (p, l, t) => progress.push([p, l, t]), s.deps, s.spec);
    expect(first?.fromCache).toBe(false);
    expect(s.fetched).toEqual([s.spec.url]);
    expect(progress.at(-1)).toEqual(['download', 3000, 3000]);
    expect(s.ort.env.wasm.wasmBinary).toEqual(s.bytes);
    expect([...s.stores.get(ENGINE_CACHE)!.keys()]).toHaveLength(1);
    expect(s.stores.get(MODEL_CACHE)).toBeUndefined();

    // The model store prunes everything but the model's files: the wasm must survive that.
    await pruneCache([], s.deps);
    s.goOffline();
    const fresh = { env: { wasm: {} as { wasmBinary?: unknown } } };
    const second = await provideOrtWasm(fresh as unknown as Ort, () => undefined, s.deps, s.spec);
    expect(second?.fromCache).toBe(true);
    expect(s.fetched).toHaveLength(1);
    expect(fresh.env.wasm.wasmBinary).toEqual(s.bytes);
  });

  it('refuses damaged bytes and stores nothing', async () => {
    const s = await setup();
    const wrong = { ...s.spec, sha256: '0'.repeat(64) };
    await expect(provideOrtWasm(s.ort as unknown as Ort, () => undefined, s.deps, wrong)).rejects.toMatchObject({ code: 'corrupt-model' });
    expect(s.ort.env.wasm.wasmBinary).toBeUndefined();
    expect(s.stores.get(ENGINE_CACHE)?.size ?? 0).toBe(0);
  });

  it('does nothing outside a Vite build, where ORT finds its wasm itself', async () => {
    expect(ortWasmSpec()).toBeNull();
    const s = await setup();
    expect(await provideOrtWasm(s.ort as unknown as Ort, () => undefined, s.deps)).toBeNull();
    expect(s.fetched).toEqual([]);
    expect(s.ort.env.wasm.wasmBinary).toBeUndefined();
  });
});
