// The loader's file phase: the tokenizer and the model load side by side under one bar (the sum of
// their bytes, never going back), and once a load has failed it reports nothing more, though the
// other file is still arriving (its progress would hide the error on the page).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RuntimeError, ACTIONS } from './errors';
import { createModelLoader, type LoaderDeps } from './loadModel';
import type { FileSpec, LoadedFile, Progress } from './modelStore';
import { buildRegistry } from './models';
import { MODEL_DIR } from './testModel';

const entry = buildRegistry([
  { folder: 'unmask-small', config: JSON.parse(readFileSync(`${MODEL_DIR}/config.json`, 'utf8')), modelUrl: '/m.onnx', tokenizerUrl: '/t.json' },
]).models[0];
const tick = () => new Promise((r) => setTimeout(r, 5));

/** loadFile that reports each file in `steps` chunks, a tick apart; `fail` rejects that url at once. */
function scripted(steps: number, fail?: string) {
  const started: string[] = [];
  const loadFile = async (spec: FileSpec, onProgress: Progress): Promise<LoadedFile> => {
    started.push(spec.url);
    if (spec.url === fail) throw new RuntimeError('download-failed', `Downloading ${spec.url} failed`, ACTIONS.retryDownload);
    for (let i = 1; i <= steps; i++) {
      await tick();
      onProgress('download', Math.round((spec.bytes * i) / steps), spec.bytes);
    }
    throw new Error('stop after the files');
  };
  return { started, loadFile };
}

function loader(loadFile: LoaderDeps['loadFile']) {
  const progress: [string, number, number][] = [];
  const deps: LoaderDeps = { ort: {} as never, models: () => [entry], loadFile, pruneCache: async () => 0, gpu: undefined, threads: 1 };
  const events = { progress: (p: string, l: number, t: number) => void progress.push([p, l, t]), switchedToWasm: () => undefined };
  return { progress, load: () => createModelLoader(deps).load('wasm', null, events) };
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

  it('reports nothing after a failure while the other file is still arriving', async () => {
    const s = scripted(4, '/t.json');
    const l = loader(s.loadFile);
    await expect(l.load()).rejects.toMatchObject({ code: 'download-failed' });
    await new Promise((r) => setTimeout(r, 60));
    expect(s.started).toContain('/m.onnx');
    expect(l.progress).toEqual([]);
  });
});
