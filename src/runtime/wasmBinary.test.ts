// The wasm loader against a scripted fetch and an in-memory CacheStorage: it downloads once with
// progress, verifies, stores in its own cache (which the model store's pruning leaves alone) and
// hands the bytes to ORT; each ORT build has its own wasm, and the cache keeps this version's of both.
import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MODEL_CACHE, cacheKey, pruneCache, sha256Hex, type FileSpec, type StoreDeps } from './modelStore';
import type { Ort } from './session';
import { memoryCaches, scriptedFetch } from '../pwa/testCaches';
import { ENGINE_CACHE, engineWasmSpecs, ortWasmSpec, ortWasmSpecs, provideOrtWasm } from './wasmBinary';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

async function setup() {
  const bytes = new Uint8Array(3000).map((_, i) => (i * 7) % 256);
  const spec: FileSpec = {
    url: 'http://localhost/assets/ort-wasm-abc.wasm',
    sha256: await sha256Hex(subtle, bytes),
    bytes: bytes.length,
  };
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
    await expect(provideOrtWasm(s.ort as unknown as Ort, () => undefined, s.deps, wrong)).rejects.toMatchObject({
      code: 'corrupt-model',
    });
    expect(s.ort.env.wasm.wasmBinary).toBeUndefined();
    expect(s.stores.get(ENGINE_CACHE)?.size ?? 0).toBe(0);
  });

  it('does nothing outside a Vite build, where ORT finds its wasm itself', async () => {
    expect(ortWasmSpec('wasm')).toBeNull();
    expect(ortWasmSpecs()).toEqual([]);
    const s = await setup();
    expect(await provideOrtWasm(s.ort as unknown as Ort, () => undefined, s.deps, ortWasmSpec('webgpu'))).toBeNull();
    expect(s.fetched).toEqual([]);
    expect(s.ort.env.wasm.wasmBinary).toBeUndefined();
  });
});

describe("the two builds' wasm", () => {
  // What vite.config.ts defines at build time, here for made-up bytes of each build.
  const webgpuBytes = new Uint8Array(4000).fill(1);
  const plainBytes = new Uint8Array(2000).fill(2);
  async function built() {
    vi.stubGlobal('__ORT_WASM__', {
      webgpu: { sha256: await sha256Hex(subtle, webgpuBytes), bytes: webgpuBytes.length },
      wasm: { sha256: await sha256Hex(subtle, plainBytes), bytes: plainBytes.length },
    });
    const webgpu = ortWasmSpec('webgpu')!;
    const wasm = ortWasmSpec('wasm')!;
    const { storage, stores } = memoryCaches();
    const { fetch, fetched } = scriptedFetch({ [webgpu.url]: webgpuBytes, [wasm.url]: plainBytes });
    const deps: StoreDeps = { caches: storage, subtle, fetch };
    const ort = () => ({ env: { wasm: {} as { wasmBinary?: unknown } } }) as unknown as Ort;
    const keys = async () => [...((await storage.open(ENGINE_CACHE)) && stores.get(ENGINE_CACHE)!.keys())];
    return { webgpu, wasm, deps, fetched, ort, keys };
  }
  afterEach(() => vi.unstubAllGlobals());

  it('each build names its own file, size and hash', async () => {
    const b = await built();
    expect(b.webgpu.url).toMatch(/ort-wasm-simd-threaded\.asyncify\.wasm/);
    expect(b.wasm.url).toMatch(/ort-wasm-simd-threaded\.wasm/);
    expect([b.webgpu.bytes, b.wasm.bytes]).toEqual([4000, 2000]);
    expect(ortWasmSpecs()).toEqual([b.webgpu, b.wasm]);
  });

  it("the pruning drops an older version's wasm but keeps the other build's of this one", async () => {
    const b = await built();
    await provideOrtWasm(b.ort(), () => undefined, b.deps, b.webgpu);
    // An older ORT's wasm, left by a previous version of the app.
    const old = { url: 'http://localhost/assets/ort-wasm-old.wasm', sha256: '1'.repeat(64), bytes: 1 };
    await (await b.deps.caches!.open(ENGINE_CACHE)).put(cacheKey(old), new Response(new Uint8Array(1)));
    // The backend switched in the settings: the other build's wasm now, ORT still being imported.
    const ort = b.ort();
    await provideOrtWasm(Promise.resolve(ort), () => undefined, b.deps, b.wasm);
    expect(ort.env.wasm.wasmBinary).toEqual(plainBytes);
    await vi.waitFor(async () => expect(await b.keys()).toHaveLength(2));
    expect((await b.keys()).sort()).toEqual([cacheKey(b.webgpu), cacheKey(b.wasm)].sort());
    expect(b.fetched).toEqual([b.webgpu.url, b.wasm.url]);
  });

  it("the offline copy is the wasm the engine stored; where none is, the device's own build", async () => {
    const b = await built();
    const adapter = { requestAdapter: async () => ({ info: { vendor: 'acme' } }) };
    const noAdapter = { requestAdapter: async () => null };
    // Nothing stored yet: the build the automatic choice would load here.
    expect(await engineWasmSpecs(undefined, b.deps)).toEqual([b.wasm]);
    expect(await engineWasmSpecs(noAdapter, b.deps)).toEqual([b.wasm]);
    expect(await engineWasmSpecs(adapter, b.deps)).toEqual([b.webgpu]);
    // WASM chosen on a GPU device: the plain wasm is what it runs, and all it must keep.
    await provideOrtWasm(b.ort(), () => undefined, b.deps, b.wasm);
    expect(await engineWasmSpecs(adapter, b.deps)).toEqual([b.wasm]);
    // Both builds used on this device: both are kept for offline use.
    await provideOrtWasm(b.ort(), () => undefined, b.deps, b.webgpu);
    expect(await engineWasmSpecs(noAdapter, b.deps)).toEqual([b.webgpu, b.wasm]);
    // No Cache API at all: still the device's own build, which the check will then report missing.
    expect(await engineWasmSpecs(adapter, { ...b.deps, caches: null })).toEqual([b.webgpu]);
  });
});
