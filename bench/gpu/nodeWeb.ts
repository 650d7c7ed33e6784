// What a browser worker gives the app that Node lacks, so that the app's own engine and
// onnxruntime-web's WebGPU build run unchanged in Node on Dawn (npm `webgpu`):
// - navigator.gpu and the WebGPU globals (GPUBufferUsage, ...), from Dawn;
// - GPUQueue.writeBuffer from a view of shared memory: Chromium takes it, Dawn for Node throws
//   "Invalid argument" (ORT's wasm memory is a SharedArrayBuffer), so such views are copied first;
// - fetch() of file: URLs, and importing a script fetched as a blob: ORT's WebGPU build loads its
//   threaded wasm glue that way when it runs with more than one thread. A browser imports the
//   blob: URL; Node cannot, so the blob's URL is the file's own URL (same bytes, same script).
import { readFileSync } from 'node:fs';
import { create, globals } from 'webgpu';

export interface AdapterFacts {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
}

/** fetch for file: URLs (the model files, ORT's glue); anything else goes to Node's fetch. */
const sources = new WeakMap<Blob, string>();
const netFetch = globalThis.fetch.bind(globalThis);
export const fileFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (!url.startsWith('file:')) return netFetch(input, init);
  const bytes = readFileSync(new URL(url));
  const res = new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
  const blob = res.blob.bind(res);
  res.blob = async () => {
    const b = await blob();
    sources.set(b, url);
    return b;
  };
  return res;
};

/** Installs the stand-ins; returns navigator.gpu. Call before onnxruntime-web is imported. */
export function installNodeWeb(dawnFlags: string[] = []): GPU {
  Object.assign(globalThis, globals);
  const queue = (globals as { GPUQueue: { prototype: GPUQueue } }).GPUQueue.prototype;
  const writeBuffer = queue.writeBuffer;
  queue.writeBuffer = function (this: GPUQueue, buffer, offset, data, dataOffset, size) {
    const view = ArrayBuffer.isView(data) ? data : null;
    if (view && view.buffer instanceof SharedArrayBuffer) {
      // dataOffset and size count elements of a typed array (bytes for a DataView).
      const unit = 'BYTES_PER_ELEMENT' in view ? (view.BYTES_PER_ELEMENT as number) : 1;
      const start = (dataOffset ?? 0) * unit;
      const length = size === undefined ? view.byteLength - start : size * unit;
      const copy = new Uint8Array(view.buffer, view.byteOffset + start, length).slice();
      return writeBuffer.call(this, buffer, offset, copy);
    }
    return writeBuffer.call(this, buffer, offset, data as BufferSource, dataOffset, size);
  } as GPUQueue['writeBuffer'];

  const gpu = create(dawnFlags);
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', {
    value: Object.assign(nav, { gpu }),
    configurable: true,
    writable: true,
  });
  globalThis.fetch = fileFetch;
  const createObjectURL = URL.createObjectURL.bind(URL);
  URL.createObjectURL = (obj) => (obj instanceof Blob && sources.get(obj)) || createObjectURL(obj);
  return gpu;
}

/** The adapter the app would get (the same request as src/runtime/backend.ts), or null. */
export async function adapterFacts(gpu: GPU): Promise<AdapterFacts | null> {
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { device?: string; isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device ?? '',
    description: info.description,
    isFallbackAdapter: Boolean(
      info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
    ),
    features: [...adapter.features].sort(),
  };
}
