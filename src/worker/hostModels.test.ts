// The worker host with two models in the build (the shipped one and a renamed copy of it): a load
// names the model it fetches in its progress, a switch mid-run ends the run 'cancelled' before
// the other model loads, and the cache keeps the files of every model the build ships.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import type { FileSpec, LoadedFile, Progress } from '../runtime/modelStore';
import { buildRegistry } from '../runtime/models';
import { MODEL_DIR, readConfig } from '../runtime/testModel';
import { createHost } from './host';
import type { WorkerOut } from './protocol';

const config = readConfig();
const data: Record<string, Uint8Array> = {
  onnx: new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`)),
  json: new Uint8Array(readFileSync(`${MODEL_DIR}/tokenizer.json`)),
};
const { models } = buildRegistry([
  { folder: 'unmask-small', config, modelUrl: '/small.onnx', tokenizerUrl: '/small.json' },
  { folder: 'copy', config: { ...config, name: 'unmask-copy' }, modelUrl: '/copy.onnx', tokenizerUrl: '/copy.json' },
]);

function setup() {
  const out: WorkerOut[] = [];
  const fetched: string[] = [];
  const kept: string[][] = [];
  const host = createHost({
    ort,
    post: (m) => out.push(m),
    models: () => models,
    loadFile: async (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
      fetched.push(spec.url);
      const bytes = data[spec.url.split('.').pop()!];
      onProgress('download', bytes.byteLength, bytes.byteLength);
      return { data: bytes, fromCache: false, stored: true };
    },
    pruneCache: async (keep) => kept.push(keep.map((k) => k.url)),
    gpu: undefined,
    threads: 1,
    now: () => performance.now(),
  });
  return { host, out, fetched, kept };
}

describe('a host with two models', () => {
  it('loads the default, then switches mid-run: cancelled first, then the other model, which runs', async () => {
    const t = setup();
    t.host.handle({ type: 'load', id: 1, backend: 'wasm' });
    await t.host.idle();
    expect(t.out.at(-1)).toMatchObject({ type: 'ready', id: 1, model: { name: 'unmask-small' } });
    expect(t.fetched).toEqual(['/small.json', '/small.onnx']);
    expect(
      t.out.filter((m) => m.type === 'progress').every((m) => m.type === 'progress' && m.model === 'unmask-small'),
    ).toBe(true);
    expect(t.kept[0].sort()).toEqual(['/copy.json', '/copy.onnx', '/small.json', '/small.onnx']);

    // A long run, then a switch as soon as its first frame is out.
    const segments = [
      { kind: 'text' as const, text: 'Once upon a time' },
      { kind: 'blank' as const, length: 64 },
    ];
    t.host.handle({ type: 'generate', id: 2, request: { segments, settings: { ...DEFAULT_SETTINGS, steps: 64 } } });
    while (!t.out.some((m) => m.type === 'frame')) await new Promise((r) => setTimeout(r, 5));
    t.out.length = 0;
    t.host.handle({ type: 'load', id: 3, backend: 'wasm', model: 'unmask-copy' });
    await t.host.idle();
    const types = t.out.map((m) => `${m.type}:${m.id}`);
    expect(types.filter((x) => x !== 'frame:2')[0]).toBe('cancelled:2');
    expect(types.indexOf('cancelled:2')).toBeLessThan(types.indexOf('progress:3'));
    expect(t.out.at(-1)).toMatchObject({ type: 'ready', id: 3, model: { name: 'unmask-copy' } });
    expect(t.fetched.slice(2)).toEqual(['/copy.json', '/copy.onnx']);

    t.host.handle({
      type: 'generate',
      id: 4,
      request: { segments: [segments[0], { kind: 'blank', length: 4 }], settings: { ...DEFAULT_SETTINGS, steps: 2 } },
    });
    await t.host.idle();
    expect(t.out.at(-1)).toMatchObject({ type: 'done', id: 4 });
  });

  it('a name the build lacks loads the default and sends a notice first', async () => {
    const t = setup();
    t.host.handle({ type: 'load', id: 1, backend: 'wasm', model: 'unmask-base' });
    await t.host.idle();
    expect(t.out[0]).toEqual({
      type: 'notice',
      id: 1,
      message: 'The model unmask-base is not in this version of the app; using unmask-small.',
    });
    expect(t.out.at(-1)).toMatchObject({ type: 'ready', model: { name: 'unmask-small' } });
  });
});
