// The page's view of what the device stores, against an in-memory CacheStorage filled the way the
// worker fills it (loadFile: verified bytes under content keys) and a scripted navigator.storage.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryCaches, scriptedFetch } from '../pwa/testCaches';
import {
  askPersistence,
  removeModelFiles,
  storageFacts,
  storedModels,
  type DeviceDeps,
  type StorageLike,
  type StoredModelSpec,
} from './deviceStorage';
import { cacheKey, loadFile, MODEL_CACHE, sha256Hex, type FileSpec } from './modelStore';
import { ENGINE_CACHE } from './wasmBinary';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * seed + 1) % 251);

async function spec(url: string, data: Uint8Array): Promise<FileSpec> {
  return { url, sha256: await sha256Hex(subtle, data), bytes: data.byteLength };
}

/** Two models' files, served by a scripted fetch, and a cache holding nothing yet. */
async function setup() {
  const data: Record<string, Uint8Array> = {
    'http://localhost/assets/model-small.onnx': bytes(3000, 7),
    'http://localhost/assets/tokenizer-small.json': bytes(200, 3),
    'http://localhost/assets/model-copy.onnx': bytes(3100, 5),
    'http://localhost/assets/tokenizer-copy.json': bytes(210, 11),
  };
  const model = async (name: string): Promise<StoredModelSpec> => ({
    name,
    files: {
      model: await spec(
        `http://localhost/assets/model-${name}.onnx`,
        data[`http://localhost/assets/model-${name}.onnx`],
      ),
      tokenizer: await spec(
        `http://localhost/assets/tokenizer-${name}.json`,
        data[`http://localhost/assets/tokenizer-${name}.json`],
      ),
    },
  });
  const models = [await model('small'), await model('copy')];
  const { storage, stores } = memoryCaches();
  const net = scriptedFetch(data);
  const store = { fetch: net.fetch, caches: storage, subtle };
  /** What the worker does when it loads a model: both files verified and stored. */
  const load = async (m: StoredModelSpec) => {
    for (const f of [m.files.tokenizer, m.files.model]) await loadFile(f, () => {}, store);
  };
  const deps: DeviceDeps = { caches: storage, storage: null };
  return { models, stores, deps, load };
}

describe('storedModels', () => {
  it('says which models the worker stored, and only looking creates no cache', async () => {
    const t = await setup();
    expect(await storedModels(t.models, t.deps)).toEqual({ small: false, copy: false });
    expect(t.stores.has(MODEL_CACHE)).toBe(false);
    await t.load(t.models[0]);
    expect(await storedModels(t.models, t.deps)).toEqual({ small: true, copy: false });
    await t.load(t.models[1]);
    expect(await storedModels(t.models, t.deps)).toEqual({ small: true, copy: true });
  });

  it('a model with a file missing or cut short is not stored: it would be downloaded again', async () => {
    const t = await setup();
    await t.load(t.models[0]);
    await t.load(t.models[1]);
    const entries = t.stores.get(MODEL_CACHE)!;
    entries.delete(cacheKey(t.models[0].files.tokenizer));
    const key = cacheKey(t.models[1].files.model);
    entries.set(key, entries.get(key)!.slice(0, 100));
    expect(await storedModels(t.models, t.deps)).toEqual({ small: false, copy: false });
  });

  it('an entry of an older version (another hash) does not count', async () => {
    const t = await setup();
    await t.load(t.models[0]);
    const newer = {
      ...t.models[0],
      files: { ...t.models[0].files, model: { ...t.models[0].files.model, sha256: 'f'.repeat(64) } },
    };
    expect(await storedModels([newer], t.deps)).toEqual({ small: false });
  });

  it('is null without the Cache API, or when it refuses us', async () => {
    const t = await setup();
    expect(await storedModels(t.models, { ...t.deps, caches: null })).toBeNull();
    const refusing = { has: async () => true, open: async () => Promise.reject(new Error('SecurityError')) };
    expect(await storedModels(t.models, { ...t.deps, caches: refusing as unknown as CacheStorage })).toBeNull();
  });
});

describe('removeModelFiles', () => {
  it("deletes that model's onnx and tokenizer only: the other model and ORT's wasm stay", async () => {
    const t = await setup();
    await t.load(t.models[0]);
    await t.load(t.models[1]);
    const wasm = await t.deps.caches!.open(ENGINE_CACHE);
    await wasm.put('http://localhost/assets/ort.wasm', new Response(bytes(10, 1)));
    const small = t.models[0].files;
    expect(await removeModelFiles(t.models[0], t.deps)).toBe(small.model.bytes + small.tokenizer.bytes);
    expect(await storedModels(t.models, t.deps)).toEqual({ small: false, copy: true });
    expect([...t.stores.get(MODEL_CACHE)!.keys()].sort()).toEqual(
      [cacheKey(t.models[1].files.model), cacheKey(t.models[1].files.tokenizer)].sort(),
    );
    expect([...t.stores.get(ENGINE_CACHE)!.keys()]).toEqual(['http://localhost/assets/ort.wasm']);
    // Removing it again frees nothing.
    expect(await removeModelFiles(t.models[0], t.deps)).toBe(0);
    expect(await removeModelFiles(t.models[0], { ...t.deps, caches: null })).toBe(0);
  });
});

/** A navigator.storage whose persist() grants or refuses, counting the calls. */
function scriptedStorage(grant: boolean, usage = 31_400_000) {
  let persisted = false;
  const calls = { persist: 0 };
  const storage: Required<StorageLike> = {
    estimate: async () => ({ usage, quota: 1e9 }),
    persisted: async () => persisted,
    persist: async () => {
      calls.persist++;
      persisted = grant;
      return grant;
    },
  };
  return { storage, calls };
}

describe('storage facts and persistence', () => {
  it('reports usage and whether the storage is persistent, before and after persist()', async () => {
    const s = scriptedStorage(true);
    const deps: DeviceDeps = { caches: null, storage: s.storage };
    expect(await storageFacts(deps)).toEqual({ usage: 31_400_000, persisted: false });
    expect(await askPersistence(deps)).toBe(true);
    expect(await storageFacts(deps)).toEqual({ usage: 31_400_000, persisted: true });
    // Already persistent: the browser is not asked again.
    expect(await askPersistence(deps)).toBe(true);
    expect(s.calls.persist).toBe(1);
  });

  it('a refused persist() leaves it evictable', async () => {
    const s = scriptedStorage(false);
    const deps: DeviceDeps = { caches: null, storage: s.storage };
    expect(await askPersistence(deps)).toBe(false);
    expect(await storageFacts(deps)).toEqual({ usage: 31_400_000, persisted: false });
  });

  it('is null, never a throw, where the browser lacks the API or it fails', async () => {
    expect(await storageFacts({ caches: null, storage: null })).toBeNull();
    expect(await askPersistence({ caches: null, storage: null })).toBeNull();
    expect(await storageFacts({ caches: null, storage: {} })).toBeNull();
    expect(await askPersistence({ caches: null, storage: {} })).toBeNull();
    // estimate() without persisted(): the usage alone.
    const onlyEstimate = { estimate: async () => ({ usage: 5e6 }) };
    expect(await storageFacts({ caches: null, storage: onlyEstimate })).toEqual({ usage: 5e6, persisted: null });
    const failing: StorageLike = {
      estimate: () => Promise.reject(new Error('no')),
      persist: () => Promise.reject(new Error('no')),
    };
    expect(await storageFacts({ caches: null, storage: failing })).toBeNull();
    expect(await askPersistence({ caches: null, storage: failing })).toBeNull();
    expect(await storageFacts({ caches: null, storage: { estimate: async () => ({}) } })).toBeNull();
  });
});
