// The roofline: one MatMul with the FLOPs of one forward pass, on the same ORT build, backend and
// thread count as the app worker.
import * as ort from '/ort/ort.webgpu.bundle.min.mjs';
import { matmulModel } from '/bench-lib/matmulOnnx.mjs';
import { timeMatmul } from '/bench-lib/driver.mjs';

if (!self.name.startsWith('em-pthread')) {
  self.onmessage = async (e) => {
    const { m, k, n, backend, threads, warmup, samples } = e.data;
    try {
      ort.env.wasm.numThreads = threads;
      ort.env.wasm.proxy = false;
      const session = await ort.InferenceSession.create(matmulModel(m, k, n), { executionProviders: [backend] });
      const x = new ort.Tensor('float32', new Float32Array(m * k).fill(0.5), [m, k]);
      const ms = await timeMatmul(
        () => session.run({ X: x }),
        () => performance.now(),
        warmup,
        samples,
      );
      self.postMessage({ m, k, n, backend, threads, ms, gflops: (2 * m * k * n) / ms / 1e6 });
    } catch (err) {
      self.postMessage({ error: String(err?.message ?? err) });
    }
  };
}
