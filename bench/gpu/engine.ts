// The app's worker host (src/worker/host.ts) over the model folders on disk, driven directly in
// Node: the same model registry, file loading with sha256 checks, backend choice with its warm-up,
// WASM failover and unmasking loop as the app's worker (through bench/hostEngine.ts). Only the file
// source (disk, no Cache API) and `gpu` (Dawn's navigator.gpu) differ. Unlike bench/nodeBench.ts (onnxruntime-web's Node
// build, no GPU) it takes the ORT module and the GPU from the caller.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GpuLike } from '../../src/runtime/backend';
import { buildRegistry, type ModelEntry } from '../../src/runtime/models';
import { loadFile } from '../../src/runtime/modelStore';
import type { Ort } from '../../src/runtime/session';
import { hostEngine, type BenchEngine } from '../hostEngine';
import { fileFetch } from './nodeWeb';

/** models/<folder>/ with config.json and model.onnx, as the app's build would find them. */
export function shippedModels(root: string): { models: ModelEntry[]; problems: string[] } {
  const dir = join(root, 'models');
  const found = readdirSync(dir, { withFileTypes: true })
    .filter(
      (d) =>
        d.isDirectory() && existsSync(join(dir, d.name, 'config.json')) && existsSync(join(dir, d.name, 'model.onnx')),
    )
    .map((d) => {
      const at = (f: string) =>
        existsSync(join(dir, d.name, f)) ? pathToFileURL(join(dir, d.name, f)).href : undefined;
      return {
        folder: d.name,
        config: JSON.parse(readFileSync(join(dir, d.name, 'config.json'), 'utf8')) as unknown,
        modelUrl: at('model.onnx'),
        tokenizerUrl: at('tokenizer.json'),
      };
    });
  return buildRegistry(found);
}

/** An engine (the driver's {send, subscribe}) whose every load asks for `model`. */
export function diskEngine(
  ort: Ort,
  gpu: GpuLike | undefined,
  threads: number,
  models: ModelEntry[],
  model: string,
): BenchEngine {
  const engine = hostEngine({
    ort,
    models: () => models,
    // The app's loader: size and sha256 checked against config.json; no Cache API in Node.
    loadFile: (spec, onProgress) =>
      loadFile(spec, onProgress, { fetch: fileFetch, caches: null, subtle: crypto.subtle }),
    pruneCache: async () => 0,
    gpu,
    threads,
    online: () => true,
  });
  return { ...engine, send: (m) => engine.send(m.type === 'load' ? { ...m, model } : m) };
}
