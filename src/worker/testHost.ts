// The real worker host on the committed model, loaded on WASM, for tests that drive it through its
// messages (not shipped: only *.test.ts import it).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import type { FileSpec, LoadedFile, Progress } from '../runtime/modelStore';
import { MODEL_DIR, readConfig } from '../runtime/testModel';
import { createHost, type HostDeps } from './host';
import type { WorkerOut } from './protocol';

export const config = readConfig();
const data = {
  model: new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`)),
  tokenizer: new Uint8Array(readFileSync(`${MODEL_DIR}/tokenizer.json`)),
};
const files = {
  model: { name: 'model.onnx' as const, url: '/m.onnx', ...config.files['model.onnx'] },
  tokenizer: { name: 'tokenizer.json' as const, url: '/t.json', ...config.files['tokenizer.json'] },
};

/** A host that has loaded the model (files served from memory); `out` collects what it posts from now on. */
export async function readyHost() {
  const out: WorkerOut[] = [];
  const host = createHost({
    ort: ort as unknown as HostDeps['ort'],
    post: (m) => out.push(m),
    models: () => [{ name: config.name, config, files, downloadBytes: 0, description: '' }],
    loadFile: async (spec: FileSpec, _p: Progress): Promise<LoadedFile> => ({
      data: spec.url === '/m.onnx' ? data.model : data.tokenizer,
      fromCache: true,
      stored: true,
    }),
    pruneCache: async () => 0,
    gpu: undefined,
    threads: 1,
    now: () => performance.now(),
  });
  host.handle({ type: 'load', id: 1, backend: 'wasm' });
  await host.idle();
  const ready = out.find((m) => m.type === 'ready');
  if (ready?.type !== 'ready') throw new Error('no ready');
  out.length = 0;
  return { host, out, model: ready.model };
}
