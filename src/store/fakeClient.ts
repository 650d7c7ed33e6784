// A stand-in for the worker in store tests: records what the store sends and lets the test answer.
import type { WorkerIn, WorkerOut } from '../worker/protocol';
import type { EngineClient } from './store';

export function fakeClient() {
  const sent: WorkerIn[] = [];
  const listeners = new Set<(m: WorkerOut) => void>();
  const crashes = new Set<(cause: string) => void>();
  let terminated = false;
  const client: EngineClient = {
    send: (m) => sent.push(m),
    subscribe(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    onCrash(cb) {
      crashes.add(cb);
      return () => crashes.delete(cb);
    },
    terminate: () => (terminated = true),
  };
  return {
    client,
    sent,
    emit: (m: WorkerOut) => listeners.forEach((cb) => cb(m)),
    /** The worker threw or sent what cannot be read, as the real client reports it. */
    crash: (cause: string) => crashes.forEach((cb) => cb(cause)),
    isTerminated: () => terminated,
  };
}
