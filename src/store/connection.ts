// The store's link to the engine: the worker client, how to make another, the counters that outlive a
// worker, and the explainer views' passes still owed an answer. One object, so tests and devtools can
// see it (engineConnection()) and resetApp() can make it fresh.
import type { EngineClient, EngineFactory } from '../worker/engineClient';
import type { WorkerIn, WorkerOut } from '../worker/protocol';

export interface EngineConnection {
  client: EngineClient | null;
  unsubscribe: (() => void) | null;
  factory: EngineFactory | null;
  stopSaving: (() => void) | null;
  /** Request ids, unique for the page's life (also across worker restarts). */
  nextId: number;
  /** The vocabulary of the model before a switch: a run shown from it is dropped if the new one differs. */
  piecesBeforeSwitch: string[] | null;
  /** Workers started by the page itself after one died: one such restart (a second only to move off
   * WebGPU), then the user decides (Retry). */
  restarts: number;
  /** At most this many WASM threads for the workers the page starts from now on: 1 once a start stalled
   * while opening the engine, where ORT waits for its thread workers (null: the worker decides). */
  maxThreads: number | null;
  /** The views' passes (inspect, denoise) still owed an answer: a reload answers none of them, so it
   * refuses each with why (a loss curve waiting on one would otherwise wait forever). */
  viewPasses: Set<(why: string) => void>;
  /** The page has said that its storage does not keep anything (said once). */
  toldStorage: boolean;
}

export const freshConnection = (): EngineConnection => ({
  client: null,
  unsubscribe: null,
  factory: null,
  stopSaving: null,
  toldStorage: false,
  nextId: 1,
  piecesBeforeSwitch: null,
  restarts: 0,
  maxThreads: null,
  viewPasses: new Set(),
});

export const conn: EngineConnection = freshConnection();

/** Read-only view of the engine connection, for tests and debugging. */
export function engineConnection(): Readonly<EngineConnection> {
  return conn;
}

/** Answers every view pass still owed with `why`: the worker that owed them will not answer. */
export function refuseViewPasses(why: string): void {
  const owed = [...conn.viewPasses];
  conn.viewPasses.clear();
  for (const refuse of owed) refuse(why);
}

/** Sends a view's pass (the inspector's or the noise panel's) and hands the caller its answer, or
 * `refused` if a reload comes first (it answers none of the passes it finds owed). Returns a stop,
 * which also asks the worker to skip the pass if it has not started (host.ts: passes queue, and a
 * scrubbed timeline would otherwise keep the engine busy with steps nobody looks at any more). */
export function viewPass<T extends 'inspected' | 'denoised'>(
  request: Extract<WorkerIn, { type: 'inspect' | 'denoise' }>,
  answer: T,
  onAnswer: (m: Extract<WorkerOut, { type: T | 'error' }>) => void,
  refused: (why: string) => void,
): () => void {
  const client = conn.client;
  if (!client) {
    refused('The engine is not running. Press Retry to start it again.');
    return () => undefined;
  }
  const refuse = (why: string) => {
    stop();
    refused(why);
  };
  const unsubscribe = client.subscribe((m) => {
    if (m.id !== request.id || (m.type !== answer && m.type !== 'error')) return;
    stop();
    onAnswer(m as Extract<WorkerOut, { type: T | 'error' }>);
  });
  const stop = () => {
    unsubscribe();
    conn.viewPasses.delete(refuse);
  };
  conn.viewPasses.add(refuse);
  client.send(request);
  return () => {
    // Still owed, so still waiting on this worker: it may skip it.
    if (conn.viewPasses.has(refuse) && conn.client === client)
      client.send({ type: 'cancel', id: conn.nextId++, runId: request.id });
    stop();
  };
}
