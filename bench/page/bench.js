// The browser side of the bench: the app's own built worker for load and generation, and a
// separate worker for the matmul roofline. bench/run.mjs calls window.runBench(opts).
import { benchEngine, loadEngine } from '/bench-lib/driver.mjs';

const now = () => performance.now();
const logEl = document.getElementById('log');
const log = (s) => {
  logEl.textContent += `${s}\n`;
  console.log(s);
};

function appEngine(workerUrl) {
  const worker = new Worker(workerUrl, { type: 'module', name: 'unmask-bench' });
  const listeners = new Set();
  worker.onmessage = (e) => listeners.forEach((cb) => cb(e.data));
  worker.onerror = (e) => listeners.forEach((cb) => cb({ type: 'error', code: 'internal', message: e.message }));
  return {
    send: (m) => worker.postMessage(m),
    subscribe: (cb) => (listeners.add(cb), () => listeners.delete(cb)),
    terminate: () => worker.terminate(),
  };
}

function matmulMs(opts) {
  return new Promise((resolve, reject) => {
    const w = new Worker('/bench/matmul.worker.js', { type: 'module', name: 'unmask-matmul' });
    w.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data), w.terminate());
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(opts);
  });
}

window.runBench = async (opts) => {
  const out = { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency };
  const engine = appEngine(opts.workerUrl);
  out.engine = await benchEngine(engine, { ...opts, now, log });
  engine.terminate();
  // A second worker in the same profile: the model comes from the Cache API this time.
  const again = appEngine(opts.workerUrl);
  const cached = await loadEngine(again, opts.backend, now);
  again.terminate();
  out.cachedLoad = { ms: cached.ms, fromCache: cached.model.fromCache };
  log(`second load ${cached.ms.toFixed(0)} ms (fromCache ${cached.model.fromCache})`);
  // The threads the app's worker configured (wasmThreads() in src/runtime/session.ts, one rule).
  const threads = out.engine.threads;
  out.matmul = await matmulMs({ ...opts.matmul, backend: out.engine.backend, threads });
  log(`matmul ${JSON.stringify(out.matmul)}`);
  return out;
};
// One load and nothing else (bench/run.mjs --ready-only): fills the caches for the ready pages.
window.loadOnce = async (opts) => {
  const engine = appEngine(opts.workerUrl);
  const r = await loadEngine(engine, opts.backend, now);
  engine.terminate();
  return { ms: r.ms, fromCache: r.model.fromCache };
};
// "Open a page whose model is cached": bench/run.mjs opens this page again with ?ready=<worker>
// in the same browser profile; the time runs from the navigation's start to the worker's ready.
const readyWorker = new URLSearchParams(location.search).get('ready');
if (readyWorker) {
  performance.mark('unmask:page script start');
  const engine = appEngine(readyWorker);
  performance.mark('unmask:worker created');
  window.readyResult = loadEngine(engine, new URLSearchParams(location.search).get('backend') ?? 'wasm', now).then(
    (r) => {
      performance.mark('unmask:ready received');
      return { ms: now(), loadMs: r.ms, fromCache: r.model.fromCache };
    },
  );
}
window.benchReady = true;
