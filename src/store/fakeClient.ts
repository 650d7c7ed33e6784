// A stand-in for the worker in store tests: records what the store sends and lets the test answer.
import type { WorkerIn, WorkerOut } from '../worker/protocol';
import type { EngineClient } from './store';

export function fakeClient() {
  const sent: WorkerIn[] = [];
  let listener: ((m: WorkerOut) => void) | null = null;
  let terminated = false;
  const client: EngineClient = {
    send: (m) => sent.push(m),
    subscribe(cb) {
      listener = cb;
      return () => (listener = null);
    },
    terminate: () => (terminated = true),
  };
  return { client, sent, emit: (m: WorkerOut) => listener?.(m), isTerminated: () => terminated };
}
