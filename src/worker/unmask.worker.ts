// The engine worker: a module worker that owns the ORT session and the unmasking loop (see
// host.ts). Importing 'onnxruntime-web/webgpu' makes Vite emit ORT's one .wasm as our own asset,
// serving both the WebGPU and the WASM providers, so nothing is fetched from a CDN.
import * as ort from 'onnxruntime-web/webgpu';
import type { GpuLike } from '../runtime/backend';
import { shippedModels } from '../runtime/modelFiles';
import { loadFile, pruneCache } from '../runtime/modelStore';
import { wasmThreads } from '../runtime/session';
import { markLoad } from '../runtime/loadMarks';
import { createHost } from './host';
import type { WorkerOut } from './protocol';

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;

// ORT starts its WASM threads from this same script, named 'em-pthread…'; they must keep ORT's
// own message handler, or the session hangs without an error.
if (!scope.name.startsWith('em-pthread')) {
  markLoad('worker start');
  const host = createHost({
    ort,
    post: (msg: WorkerOut) => scope.postMessage(msg),
    models: () => shippedModels().models,
    loadFile: (spec, onProgress) => loadFile(spec, onProgress),
    pruneCache: (keep) => pruneCache(keep),
    gpu: (navigator as unknown as { gpu?: GpuLike }).gpu,
    threads: wasmThreads(scope.crossOriginIsolated, navigator.hardwareConcurrency),
    now: () => performance.now(),
    online: () => navigator.onLine !== false,
  });
  scope.onmessage = (e: MessageEvent<unknown>) => host.handle(e.data);
}
