// A stand-in for the worker in store tests: records what the store sends and lets the test answer.
import type { ModelInfo, WorkerIn, WorkerOut } from '../worker/protocol';
import { useApp, type EngineClient } from './store';

/** The model a fake worker says it loaded: six pieces, the first three special. */
export const TEST_MODEL: ModelInfo = {
  name: 'test',
  vocabSize: 10,
  context: 16,
  params: 1,
  pieces: ['[PAD]', '[MASK]', '[EOS]', 'a', 'b', 'c'],
  maskId: 1,
  fromCache: false,
  threads: 1,
};

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

/** A fake worker connected to the store and ready with TEST_MODEL on WASM; `loadId` is the load it answered. */
export function readyClient() {
  const f = fakeClient();
  useApp.getState().connect(() => f.client, 'wasm');
  const loadId = f.sent[0].id;
  f.emit({ type: 'ready', id: loadId, backend: 'wasm', reason: 'test', model: TEST_MODEL });
  return { ...f, loadId };
}

/** The denoise requests a fake client was sent, in order. */
export const sentDenoises = (f: ReturnType<typeof fakeClient>) =>
  f.sent.filter((m): m is Extract<WorkerIn, { type: 'denoise' }> => m.type === 'denoise');
