// The Node side of the bench: the worker host (src/worker/host.ts) driven directly, on
// onnxruntime-web's WASM backend with one thread, and the matmul roofline on the same build.
// Loaded by bench/run.mjs through Vite's module runner (it is TypeScript).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { parseModelConfig } from '../src/runtime/config';
import { hostEngine } from './hostEngine';
// @ts-expect-error plain JS module without types
import { matmulModel } from './matmulOnnx.mjs';

export function nodeEngine(modelDir: string, threads: number) {
  const config = parseModelConfig(JSON.parse(readFileSync(`${modelDir}/config.json`, 'utf8')));
  const engine = hostEngine({
    ort,
    models: () => [
      {
        name: config.name,
        config,
        files: {
          model: { name: 'model.onnx', url: `${modelDir}/model.onnx`, ...config.files['model.onnx'] },
          tokenizer: { name: 'tokenizer.json', url: `${modelDir}/tokenizer.json`, ...config.files['tokenizer.json'] },
        },
        downloadBytes: config.files['model.onnx'].bytes + config.files['tokenizer.json'].bytes,
        description: '',
      },
    ],
    // Straight from disk: the Node bench measures compute, not the network.
    loadFile: async (spec, onProgress) => {
      const data = new Uint8Array(readFileSync(spec.url));
      onProgress('cache', data.byteLength, data.byteLength);
      return { data, fromCache: true, stored: true };
    },
    pruneCache: async () => 0,
    gpu: undefined,
    threads,
  });
  return { config, ...engine };
}

/** A session running one [m, k] x [k, n] MatMul on the WASM backend. */
export async function nodeMatmul(m: number, k: number, n: number): Promise<() => Promise<unknown>> {
  const session = await ort.InferenceSession.create(matmulModel(m, k, n), { executionProviders: ['wasm'] });
  const x = new ort.Tensor('float32', new Float32Array(m * k).fill(0.5), [m, k]);
  return () => session.run({ X: x });
}
