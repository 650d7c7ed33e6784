// A typed handle on the engine worker for the store: send WorkerIn, subscribe to WorkerOut. Every
// reply is checked against the protocol before anyone sees it.
import { ACTIONS } from '../runtime/errors';
import type { EngineClient } from './engineClient';
import type { WorkerIn, WorkerOut } from './protocol';
import { parseWorkerOut } from './validate';

export type { EngineClient } from './engineClient';

export function createEngineClient(): EngineClient {
  // The name must not start with 'em-pthread': that prefix marks ORT's own thread workers.
  const worker = new Worker(new URL('./unmask.worker.ts', import.meta.url), { type: 'module', name: 'unmask-engine' });
  const listeners = new Set<(m: WorkerOut) => void>();
  const crashListeners = new Set<(cause: string) => void>();
  // Failures of the worker before it has said anything answer the load that was waiting for it; after
  // that they are crashes, which the store's watchdog turns into a restart.
  let loadId = 0;
  let heard = false;
  const emit = (m: WorkerOut) => {
    for (const cb of listeners) cb(m);
  };
  const crash = (cause: string) => {
    for (const cb of crashListeners) cb(cause);
  };
  worker.onmessage = (e: MessageEvent<unknown>) => {
    const m = parseWorkerOut(e.data);
    if (m) {
      heard = true;
      emit(m);
      return;
    }
    // An old and a new version of the app may be mixed, or the worker is corrupt: it cannot be trusted.
    crash('it sent a message this page does not understand');
  };
  // The worker script failed to load or threw at the top level: nothing else will ever answer.
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    if (heard) {
      crash(`it stopped with an error${e.message ? ` (${e.message})` : ''}`);
      return;
    }
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    emit(
      offline
        ? {
            type: 'error',
            id: loadId,
            code: 'download-failed',
            message: 'The engine worker could not be downloaded: this device is offline',
            action: ACTIONS.retryDownload,
          }
        : {
            type: 'error',
            id: loadId,
            code: 'internal',
            message: 'The engine worker failed to start (its script did not load or stopped at once)',
            action: ACTIONS.reload,
            detail: e.message || undefined,
          },
    );
  };
  worker.onmessageerror = () => crash('a message from it could not be read');
  return {
    send(msg: WorkerIn) {
      if (msg.type === 'load') loadId = msg.id;
      worker.postMessage(msg);
    },
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    onCrash(cb) {
      crashListeners.add(cb);
      return () => crashListeners.delete(cb);
    },
    terminate() {
      listeners.clear();
      crashListeners.clear();
      worker.terminate();
    },
  };
}
