// The engine worker: a module worker that owns the ORT session and the unmasking loop (see
// host.ts). ORT itself is imported by the first load, once it knows the backend: WebGPU's build,
// or the plain WASM build where the engine will run on WASM (half the wasm bytes, about twice as
// quick to start; runtime/backend.ts, ortBuildFor). Vite emits both builds and both wasm files as
// our own assets, so nothing is fetched from a CDN.
import type { GpuLike, OrtBuild } from '../runtime/backend';
import type { Ort } from '../runtime/session';
import { shippedModels } from '../runtime/modelFiles';
import { loadFile, pruneCache } from '../runtime/modelStore';
import { wasmThreads } from '../runtime/session';
import { markLoad } from '../runtime/loadMarks';
import { createHost } from './host';
import type { WorkerOut } from './protocol';
import { transferables } from './transfer';

/** Each build is its own chunk; its wasm is fetched by runtime/wasmBinary.ts, not by ORT. */
function importOrt(build: OrtBuild): Promise<Ort> {
  return build === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
}

const scope = globalThis as unknown as DedicatedWorkerGlobalScope;

// ORT starts its WASM threads, named 'em-pthread…', from the script that holds ORT (its chunk, which
// may import this one): they must keep ORT's own message handler, or the session hangs silently.
if (!scope.name.startsWith('em-pthread')) {
  markLoad('worker start');
  const host = createHost({
    ort: importOrt,
    post: (msg: WorkerOut) => scope.postMessage(msg, transferables(msg)),
    models: () => shippedModels().models,
    loadFile: (spec, onProgress, signal) => loadFile(spec, onProgress, undefined, signal),
    pruneCache: (keep) => pruneCache(keep),
    gpu: (navigator as unknown as { gpu?: GpuLike }).gpu,
    threads: wasmThreads(scope.crossOriginIsolated, navigator.hardwareConcurrency),
    now: () => performance.now(),
    online: () => navigator.onLine !== false,
  });
  scope.onmessage = (e: MessageEvent<unknown>) => host.handle(e.data);
}
