// The offline-readiness check against an in-memory CacheStorage and a scripted service worker:
// what is missing is reported, and repaired only when online.
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unansweredFetch } from '../runtime/testFetch';
import { cacheKey, MODEL_CACHE, sha256Hex, type FileSpec, type StoreDeps } from '../runtime/modelStore';
import type { PrecacheReport } from './messages';
import { checkOffline, type OfflineDeps } from './offline';
import { memoryCaches, scriptedFetch } from './testCaches';

const subtle = webcrypto.subtle as unknown as SubtleCrypto;

async function setup(opts: { shellMissing?: number; shellRepairFails?: boolean; online?: boolean }) {
  const model = new Uint8Array(5000).map((_, i) => i % 251);
  const spec: FileSpec = {
    url: 'http://localhost/assets/model-abc.onnx',
    sha256: await sha256Hex(subtle, model),
    bytes: model.length,
  };
  const { storage, stores } = memoryCaches();
  const net = scriptedFetch({ [spec.url]: model });
  const store: StoreDeps = { caches: storage, subtle, fetch: net.fetch };
  const asked: boolean[] = [];
  let missing = Array.from({ length: opts.shellMissing ?? 0 }, (_, i) => `http://localhost/icons/${i}.png`);
  const deps: OfflineDeps = {
    online: () => opts.online ?? true,
    checkPrecache: async (repair): Promise<PrecacheReport> => {
      asked.push(repair);
      const failed = repair && opts.shellRepairFails ? missing : [];
      const report = { total: 10, missing, repaired: repair ? missing.length - failed.length : 0, failed };
      if (repair && !opts.shellRepairFails) missing = [];
      return report;
    },
    engineFiles: () => [{ spec, cache: MODEL_CACHE, store }],
  };
  const storeModel = async () => (await storage.open(MODEL_CACHE)).put(cacheKey(spec), new Response(model.slice()));
  return { deps, asked, net, stores, spec, storeModel };
}

describe('checkOffline', () => {
  it('is ready when the precache and the engine caches hold everything, and downloads nothing', async () => {
    const s = await setup({});
    await s.storeModel();
    expect(await checkOffline(s.deps)).toEqual({ state: 'ready', files: 11 });
    expect(s.net.fetched).toEqual([]);
  });

  it('offline: reports what is missing and repairs nothing', async () => {
    const s = await setup({ shellMissing: 2, online: false });
    expect(await checkOffline(s.deps)).toEqual({ state: 'incomplete', missing: 3, online: false });
    expect(s.asked).toEqual([false]);
    expect(s.net.fetched).toEqual([]);
  });

  it('online: restores the shell and downloads, verifies and stores a missing engine file', async () => {
    const s = await setup({ shellMissing: 2 });
    expect(await checkOffline(s.deps)).toEqual({ state: 'repaired', files: 11, repaired: 3 });
    expect(s.asked).toEqual([true]);
    expect(s.net.fetched).toEqual([s.spec.url]);
    expect([...s.stores.get(MODEL_CACHE)!.keys()]).toEqual([cacheKey(s.spec)]);
    // The next visit finds everything.
    expect(await checkOffline(s.deps)).toEqual({ state: 'ready', files: 11 });
  });

  it('online but the repair fails: says so', async () => {
    const s = await setup({ shellMissing: 1, shellRepairFails: true });
    s.net.setOnline(false); // the engine file's download fails too
    expect(await checkOffline(s.deps)).toEqual({ state: 'incomplete', missing: 2, online: true });
  });

  it('online but the connection stalls: the repair gives up and says so, instead of checking for good', async () => {
    const s = await setup({});
    const server = unansweredFetch(); // nothing ever arrives; only the abort ends the request
    s.deps.engineFiles = () => [
      { spec: s.spec, cache: MODEL_CACHE, store: { caches: memoryCaches().storage, subtle, fetch: server.fetch } },
    ];
    s.deps.stallMs = 20;
    expect(await checkOffline(s.deps)).toEqual({ state: 'incomplete', missing: 1, online: true });
    expect(server.aborted).toEqual([s.spec.url]);
  });

  it('no service worker answering: unavailable, with the reason', async () => {
    const s = await setup({});
    s.deps.checkPrecache = async () => {
      throw new Error('the service worker did not answer');
    };
    expect(await checkOffline(s.deps)).toEqual({ state: 'unavailable', why: 'the service worker did not answer' });
  });
});
