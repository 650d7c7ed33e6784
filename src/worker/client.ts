// A typed handle on the engine worker for the store: send WorkerIn, subscribe to WorkerOut.
import type { WorkerIn, WorkerOut } from './protocol';

export interface EngineClient {
  send(msg: WorkerIn): void;
  /** Returns the unsubscribe function. */
  subscribe(cb: (m: WorkerOut) => void): () => void;
  terminate(): void;
}

export function createEngineClient(): EngineClient {
  // The name must not start with 'em-pthread': that prefix marks ORT's own thread workers.
  const worker = new Worker(new URL('./unmask.worker.ts', import.meta.url), { type: 'module', name: 'unmask-engine' });
  const listeners = new Set<(m: WorkerOut) => void>();
  const emit = (m: WorkerOut) => {
    for (const cb of listeners) cb(m);
  };
  worker.onmessage = (e: MessageEvent<WorkerOut>) => emit(e.data);
  // The worker script failed to load or threw at the top level: nothing else will ever answer.
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    emit({
      type: 'error',
      code: 'internal',
      message: `The engine worker failed to start: ${e.message || 'unknown error'}`,
      action: 'Reload the page; if it happens again, please report it',
    });
  };
  worker.onmessageerror = () =>
    emit({ type: 'error', code: 'internal', message: 'A message from the engine worker could not be read.', action: 'Reload the page' });
  return {
    send: (msg) => worker.postMessage(msg),
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    terminate() {
      listeners.clear();
      worker.terminate();
    },
  };
}
