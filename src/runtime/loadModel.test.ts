// The loader's file phase: the tokenizer and the model load side by side under one bar (the sum of
// their bytes, never going back), and once a load has failed it reports nothing more, though the
// other file is still arriving (its progress would hide the error on the page). And the ORT build:
// the one the device needs is imported, and only its wasm is downloaded.
import { readFileSync } from 'node:fs';
import * as realOrt from 'onnxruntime-web';
import { webcrypto } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GpuLike, OrtBuild } from './backend';
import { RuntimeError, ACTIONS } from './errors';
import { createModelLoader, type LoaderDeps } from './loadModel';
import { sha256Hex, type FileSpec, type LoadedFile, type Progress } from './modelStore';
import { buildRegistry } from './models';
import { MODEL_DIR } from './testModel';
import type { Ort } from './session';
import { scriptedFetch } from '../pwa/testCaches';
import { ortWasmSpec } from './wasmBinary';

const entry = buildRegistry([
  {
    folder: 'unmask-small',
    config: JSON.parse(readFileSync(`${MODEL_DIR}/config.json`, 'utf8')),
    modelUrl: '/m.onnx',
    tokenizerUrl: '/t.json',
  },
]).models[0];
const tick = () => new Promise((r) => setTimeout(r, 5));

/** loadFile that reports each file in `steps` chunks, a tick apart; `fail` rejects that url at once.
 * `settled[url]` resolves when that file's load has ended; `reported[url]` counts the progress it sent. */
function scripted(steps: number, fail?: string) {
  const started: string[] = [];
  const settled: Record<string, Promise<void>> = {};
  const reported: Record<string, number> = {};
  const body = async (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
    started.push(spec.url);
    if (spec.url === fail)
      throw new RuntimeError('download-failed', `Downloading ${spec.url} failed`, ACTIONS.retryDownload);
    for (let i = 1; i <= steps; i++) {
      await tick();
      reported[spec.url] = (reported[spec.url] ?? 0) + 1;
      onProgress('download', Math.round((spec.bytes * i) / steps), spec.bytes);
    }
    throw new Error('stop after the files');
  };
  const loadFile = (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
    const run = body(spec, onProgress);
    settled[spec.url] = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  };
  return { started, settled, reported, loadFile };
}

function loader(loadFile: LoaderDeps['loadFile']) {
  const progress: [string, number, number][] = [];
  const downloaded: (number | undefined)[] = [];
  const downloading: (string[] | undefined)[] = [];
  const deps: LoaderDeps = {
    ort: {} as never,
    models: () => [entry],
    loadFile,
    pruneCache: async () => 0,
    gpu: undefined,
    threads: 1,
  };
  const events = {
    progress: (p: string, l: number, t: number, more?: { downloaded?: number; downloading?: string[] }) => {
      progress.push([p, l, t]);
      downloaded.push(more?.downloaded);
      downloading.push(more?.downloading);
    },
    switchedToWasm: () => undefined,
  };
  return { progress, downloaded, downloading, load: () => createModelLoader(deps).load('wasm', null, events) };
}

describe('model loader, file phase', () => {
  it('asks for both files at once and reports one bar over both', async () => {
    const s = scripted(4);
    const l = loader(s.loadFile);
    const done = l.load();
    await tick();
    expect(s.started).toEqual(['/t.json', '/m.onnx']);
    await expect(done).rejects.toThrow('stop after the files');
    const total = entry.files.tokenizer.bytes + entry.files.model.bytes;
    expect(l.progress.length).toBeGreaterThan(0);
    expect(l.progress.every(([, , t]) => t === total)).toBe(true);
    const loaded = l.progress.map(([, n]) => n);
    expect([...loaded].sort((a, b) => a - b)).toEqual(loaded);
  });

  it('counts as downloaded only the bytes of files that come over the network, not cache reads', async () => {
    const { tokenizer, model } = entry.files;
    let modelDone = () => {};
    const modelIn = new Promise<void>((resolve) => (modelDone = resolve));
    const l = loader(async (spec, onProgress) => {
      if (spec === tokenizer) {
        onProgress('cache', tokenizer.bytes, tokenizer.bytes);
        await modelIn;
      } else {
        await tick();
        onProgress('download', 100, model.bytes);
        onProgress('download', model.bytes, model.bytes);
        modelDone();
      }
      throw new Error('stop after the files');
    });
    await expect(l.load()).rejects.toThrow('stop after the files');
    // Once a file downloads, the bar is the download's: the cache's bytes are neither loaded nor total.
    expect(l.progress).toEqual([
      ['cache', tokenizer.bytes, tokenizer.bytes + model.bytes],
      ['download', 100, model.bytes],
      ['download', model.bytes, model.bytes],
    ]);
    expect(l.downloaded).toEqual([0, 100, model.bytes]);
    expect(l.downloading).toEqual([[], ['model'], ['model']]);
  });

  it('reports nothing after a failure while the other file is still arriving', async () => {
    const s = scripted(4, '/t.json');
    const l = loader(s.loadFile);
    await expect(l.load()).rejects.toMatchObject({ code: 'download-failed' });
    expect(s.started).toContain('/m.onnx');
    await s.settled['/m.onnx']; // the model file went on arriving after the failure, to its end
    expect(s.reported['/m.onnx']).toBe(4);
    expect(l.progress).toEqual([]);
  });
});

describe('model loader, ORT build', () => {
  const subtle = webcrypto.subtle as unknown as SubtleCrypto;
  const wasmBytes: Record<OrtBuild, Uint8Array> = {
    webgpu: new Uint8Array(4000).fill(1),
    wasm: new Uint8Array(2000).fill(2),
  };
  const adapter: GpuLike = { requestAdapter: async () => ({ info: { vendor: 'acme' } }) };
  const noAdapter: GpuLike = { requestAdapter: async () => null };
  afterEach(() => vi.unstubAllGlobals());

  /** A Vite build's two wasm files (vite.config.ts defines their facts) served by a scripted fetch;
   * `ort` imports the build asked for (failing the first `failImports` times). */
  async function built(gpu: GpuLike | undefined, failImports = 0) {
    vi.stubGlobal('__ORT_WASM__', {
      webgpu: { sha256: await sha256Hex(subtle, wasmBytes.webgpu), bytes: wasmBytes.webgpu.length },
      wasm: { sha256: await sha256Hex(subtle, wasmBytes.wasm), bytes: wasmBytes.wasm.length },
    });
    const urls = { webgpu: ortWasmSpec('webgpu')!.url, wasm: ortWasmSpec('wasm')!.url };
    const { fetch, fetched } = scriptedFetch({ [urls.webgpu]: wasmBytes.webgpu, [urls.wasm]: wasmBytes.wasm });
    vi.stubGlobal('fetch', fetch);
    const imported: OrtBuild[] = [];
    const ort = async (build: OrtBuild): Promise<Ort> => {
      imported.push(build);
      if (imported.length <= failImports) throw new TypeError('Failed to fetch dynamically imported module');
      return { env: { wasm: {}, webgpu: {} } } as unknown as Ort;
    };
    // The tokenizer and the model stop the load once the wasm has been fetched (or the import failed).
    const loadFile = async (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
      onProgress('download', spec.bytes, spec.bytes);
      await vi.waitFor(() => expect(fetched.length > 0 || imported.length <= failImports).toBe(true));
      await tick();
      throw new Error('stop after the files');
    };
    const progress: number[] = [];
    const deps: LoaderDeps = { ort, models: () => [entry], loadFile, pruneCache: async () => 0, gpu, threads: 1 };
    const events = {
      progress: (_p: string, _l: number, t: number) => void progress.push(t),
      switchedToWasm: () => undefined,
    };
    const loader = createModelLoader(deps);
    return {
      urls,
      fetched,
      imported,
      progress,
      load: (choice: 'auto' | 'wasm' | 'webgpu') => loader.load(choice, null, events),
    };
  }

  const cases: [string, GpuLike | undefined, 'auto' | 'wasm' | 'webgpu', OrtBuild][] = [
    ['no navigator.gpu', undefined, 'auto', 'wasm'],
    ['no adapter', noAdapter, 'auto', 'wasm'],
    ['WebGPU asked for, no adapter', noAdapter, 'webgpu', 'wasm'],
    ['WASM chosen on a GPU device', adapter, 'wasm', 'wasm'],
    ['an adapter', adapter, 'auto', 'webgpu'],
  ];
  for (const [what, gpu, choice, build] of cases) {
    it(`${what}: imports the ${build} build and downloads its wasm only, in the one bar`, async () => {
      const b = await built(gpu);
      await expect(b.load(choice)).rejects.toThrow('stop after the files');
      expect(b.imported).toEqual([build]);
      expect(b.fetched).toEqual([b.urls[build]]);
      const total = entry.files.tokenizer.bytes + entry.files.model.bytes + wasmBytes[build].length;
      expect(new Set(b.progress)).toEqual(new Set([total]));
    });
  }

  it("keeps its build for the worker's life, and imports again after a failed import", async () => {
    const b = await built(adapter, 1);
    const err = await b.load('auto').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'download-failed' });
    expect((err as Error).message).toMatch(/onnxruntime-web's webgpu build\) could not be loaded/);
    await expect(b.load('auto')).rejects.toThrow('stop after the files');
    // A later load, even one asking for WASM, keeps the build it has (its wasm serves WASM too).
    await expect(b.load('wasm')).rejects.toThrow('stop after the files');
    expect(b.imported).toEqual(['webgpu', 'webgpu']);
    // (No Cache API in this test: the wasm is fetched by each load that needs it, always WebGPU's.)
    expect(new Set(b.fetched)).toEqual(new Set([b.urls.webgpu]));
  });

  it('a WebGPU ask in a worker that started on the WASM build runs on WASM and says why', async () => {
    const data = (url: string) =>
      new Uint8Array(readFileSync(`${MODEL_DIR}/${url === '/m.onnx' ? 'model.onnx' : 'tokenizer.json'}`));
    const imported: OrtBuild[] = [];
    const deps: LoaderDeps = {
      ort: async (build) => (imported.push(build), realOrt as unknown as Ort),
      models: () => [entry],
      loadFile: async (spec) => ({ data: data(spec.url), fromCache: true, stored: true }),
      pruneCache: async () => 0,
      gpu: adapter,
      threads: 1,
    };
    const events = { progress: () => undefined, switchedToWasm: () => undefined };
    const loader = createModelLoader(deps);
    const first = await loader.load('wasm', null, events);
    expect([first.backend, first.reason]).toEqual(['wasm', 'WASM chosen in the settings']);
    await first.release();
    const second = await loader.load('auto', null, events);
    expect(second.backend).toBe('wasm');
    expect(second.reason).toMatch(
      /^WebGPU could not start \(this engine started with onnxruntime-web's WASM build; reload the page to try WebGPU\); using WASM$/,
    );
    expect(imported).toEqual(['wasm']);
    await second.release();
  });

  it('says which file could not be kept for offline use, and why', async () => {
    const data = (url: string) =>
      new Uint8Array(readFileSync(`${MODEL_DIR}/${url === '/m.onnx' ? 'model.onnx' : 'tokenizer.json'}`));
    const deps: LoaderDeps = {
      ort: async () => realOrt as unknown as Ort,
      models: () => [entry],
      // The tokenizer was stored; the model's put was refused.
      loadFile: async (spec) =>
        spec.url === '/m.onnx'
          ? { data: data(spec.url), fromCache: false, stored: false, storeError: 'QuotaExceededError' }
          : { data: data(spec.url), fromCache: false, stored: true },
      pruneCache: async () => 0,
      gpu: undefined,
      threads: 1,
    };
    const loaded = await createModelLoader(deps).load('wasm', null, {
      progress: () => undefined,
      switchedToWasm: () => undefined,
    });
    expect(loaded.notStored).toEqual({ what: 'The model', why: 'QuotaExceededError' });
    await loaded.release();
  });
});
