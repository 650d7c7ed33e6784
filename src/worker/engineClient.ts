// The one engine interface: what the store (and the bench) need from an engine. The worker client
// implements it in the browser; tests and Node benches drive the host through the same shape.
import type { WorkerIn, WorkerOut } from './protocol';

export interface EngineClient {
  send(msg: WorkerIn): void;
  /** Returns the unsubscribe function. */
  subscribe(cb: (m: WorkerOut) => void): () => void;
  /** The engine itself failed after it had started (its worker threw, or sent what cannot be read): nothing
   * it owes will come. Engines that cannot fail so (the host in Node) need not implement it. */
  onCrash?(cb: (cause: string) => void): () => void;
  terminate(): void;
}

export type EngineFactory = () => EngineClient;
