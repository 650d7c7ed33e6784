// The app's worker host (src/worker/host.ts) driven directly, without a Worker: what both Node
// benches share. The host posts to every subscriber; the caller supplies everything else (ORT
// module, model registry, file source, GPU).
import { createHost, type HostDeps } from '../src/worker/host';
import type { WorkerIn, WorkerOut } from '../src/worker/protocol';

export interface BenchEngine {
  send(m: WorkerIn): void;
  subscribe(cb: (m: WorkerOut) => void): () => void;
}

export function hostEngine(deps: Omit<HostDeps, 'post' | 'now'>): BenchEngine {
  const listeners = new Set<(m: WorkerOut) => void>();
  const host = createHost({ ...deps, post: (m) => listeners.forEach((cb) => cb(m)), now: () => performance.now() });
  return {
    send: (m) => host.handle(m),
    subscribe: (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
}
