// The model registry: which folders a build offers, what the picker says about each, which model
// a device gets by default, and that a load fetches the chosen model's files and no other's.
import { describe, expect, it } from 'vitest';
import type { GpuLike } from './backend';
import { createModelLoader, type LoaderDeps } from './loadModel';
import { shippedModels } from './modelFiles';
import {
  buildRegistry,
  defaultModel,
  describeModel,
  fallbackDescription,
  resolveModel,
  type FoundFolder,
} from './models';
import type { FileSpec } from './modelStore';
import { readConfig } from './testModel';

const small = readConfig();
const sha = (c: string) => c.repeat(64);
/** A config like the shipped one under another name, size and hashes. */
function configLike(name: string, params: number, modelBytes: number, hash: string) {
  return {
    ...small,
    name,
    params,
    model: { ...small.model, n_layers: 12 },
    files: {
      'model.onnx': { sha256: sha(hash), bytes: modelBytes },
      'tokenizer.json': { sha256: sha('e'), bytes: 1000 },
    },
  };
}
const folder = (name: string, config: unknown, extra: Partial<FoundFolder> = {}): FoundFolder => ({
  folder: name,
  config,
  modelUrl: `/assets/${name}.onnx`,
  tokenizerUrl: `/assets/${name}.json`,
  ...extra,
});
const base = configLike('unmask-base', 35_700_000, 20_000_000, 'b');

describe('buildRegistry', () => {
  it('offers each complete folder, smallest download first, with its size and description', () => {
    const { models, problems } = buildRegistry([folder('unmask-base', base), folder('unmask-small', small)]);
    expect(problems).toEqual([]);
    expect(models.map((m) => m.name)).toEqual(['unmask-small', 'unmask-base']);
    expect(models[0].downloadBytes).toBe(small.files['model.onnx'].bytes + small.files['tokenizer.json'].bytes);
    expect(models[1].downloadBytes).toBe(20_001_000);
    expect(models[1].files.model).toEqual({
      name: 'model.onnx',
      url: '/assets/unmask-base.onnx',
      sha256: sha('b'),
      bytes: 20_000_000,
    });
    expect(models[0].description).toMatch(/fast/i);
    expect(models[1].description).toMatch(/WebGPU/);
  });

  it('leaves out a folder with a missing file, a broken config or a repeated name, and says why', () => {
    const { models, problems } = buildRegistry([
      folder('unmask-small', small),
      folder('half', configLike('half', 1, 1, 'c'), { modelUrl: undefined }),
      folder('broken', { name: 'broken' }),
      folder('copy', small),
    ]);
    expect(models.map((m) => m.name)).toEqual(['unmask-small']);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('models/half lacks model.onnx; it is not offered.');
    expect(problems[1]).toMatch(/^models\/broken: .*vocab_size/);
    expect(problems[2]).toBe('models/copy repeats the name unmask-small; it is not offered.');
  });

  it('describes a model the registry does not know from its config', () => {
    const odd = { ...configLike('odd', 12_300_000, 5, 'd') };
    expect(fallbackDescription(odd as never)).toBe('A 12 M-parameter model, 12 layers, reads 128 tokens.');
    expect(describeModel({ ...odd, params: 6_819_072 } as never)).toBe(
      'A 6.8 M-parameter model, 12 layers, reads 128 tokens.',
    );
  });
});

describe('the default model', () => {
  const two = buildRegistry([folder('unmask-small', small), folder('unmask-base', base)]).models;
  const one = buildRegistry([folder('unmask-small', small)]).models;
  const unknown = buildRegistry([
    folder('x', configLike('x', 1e6, 10, 'c')),
    folder('y', configLike('y', 9e6, 20, 'd')),
  ]).models;

  it('is the small model on WASM and the base model on WebGPU, when both exist', () => {
    expect(defaultModel(two, 'wasm').name).toBe('unmask-small');
    expect(defaultModel(two, 'webgpu').name).toBe('unmask-base');
    expect(defaultModel(one, 'webgpu').name).toBe('unmask-small');
  });

  it('falls back to the smallest download on WASM and the largest model on WebGPU', () => {
    expect(defaultModel(unknown, 'wasm').name).toBe('x');
    expect(defaultModel(unknown, 'webgpu').name).toBe('y');
  });

  it('honours a choice the build has, and explains a choice it has not', () => {
    expect(resolveModel(two, 'unmask-base', false)).toEqual({ entry: two[1], note: null });
    expect(resolveModel(two, null, true)).toEqual({ entry: two[1], note: null });
    expect(resolveModel(one, 'unmask-base', true)).toEqual({
      entry: one[0],
      note: 'The model unmask-base is not in this version of the app; using unmask-small.',
    });
  });
});

describe('shippedModels (the build glob)', () => {
  it('finds the committed small model with its files and no problems', () => {
    const { models, problems } = shippedModels();
    expect(problems).toEqual([]);
    const entry = models.find((m) => m.name === 'unmask-small');
    expect(entry?.files.model.sha256).toBe(small.files['model.onnx'].sha256);
    expect(entry?.files.model.url).toMatch(/model\.onnx/);
    expect(entry?.files.tokenizer.url).toMatch(/tokenizer\.json/);
  });
});

describe('a load fetches only the chosen model', () => {
  const two = buildRegistry([folder('unmask-small', small), folder('unmask-base', base)]).models;

  /** Loads until the files are asked for (both at once; then stops): which model and which files. */
  async function firstFetch(asked: string | null, gpu: GpuLike | undefined, choice: 'auto' | 'wasm' = 'auto') {
    const fetched: string[] = [];
    let chose: [string, string | null] | null = null;
    const deps = {
      ort: {} as never,
      models: () => two,
      loadFile: async (spec: FileSpec) => {
        fetched.push(spec.url);
        throw new Error('stop here');
      },
      pruneCache: async () => 0,
      gpu,
      threads: 1,
    } satisfies LoaderDeps;
    const loader = createModelLoader(deps);
    await expect(
      loader.load(choice, asked, {
        chose: (n, note) => (chose = [n, note]),
        progress: () => {},
        switchedToWasm: () => {},
      }),
    ).rejects.toThrow('stop here');
    return { fetched, chose };
  }
  const realGpu: GpuLike = { requestAdapter: async () => ({ info: { vendor: 'test' } }) };
  const softGpu: GpuLike = { requestAdapter: async () => ({ info: { isFallbackAdapter: true } }) };

  it('asked by name, it fetches that model and nothing of the other', async () => {
    expect(await firstFetch('unmask-base', undefined)).toEqual({
      fetched: ['/assets/unmask-base.json', '/assets/unmask-base.onnx'],
      chose: ['unmask-base', null],
    });
    expect(await firstFetch('unmask-small', realGpu)).toEqual({
      fetched: ['/assets/unmask-small.json', '/assets/unmask-small.onnx'],
      chose: ['unmask-small', null],
    });
  });

  it('by default, a real GPU adapter gets the base model; none, a software one or WASM chosen get the small one', async () => {
    expect((await firstFetch(null, realGpu)).chose).toEqual(['unmask-base', null]);
    expect((await firstFetch(null, undefined)).chose).toEqual(['unmask-small', null]);
    expect((await firstFetch(null, softGpu)).chose).toEqual(['unmask-small', null]);
    expect((await firstFetch(null, realGpu, 'wasm')).chose).toEqual(['unmask-small', null]);
  });

  it('a saved choice this build lacks loads the default and says so', async () => {
    const r = await firstFetch('unmask-huge', undefined);
    expect(r.chose).toEqual([
      'unmask-small',
      'The model unmask-huge is not in this version of the app; using unmask-small.',
    ]);
    expect(r.fetched).toEqual(['/assets/unmask-small.json', '/assets/unmask-small.onnx']);
  });
});
