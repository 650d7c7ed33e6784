// The page's handle on the engine's pace (pace.ts), for end-to-end tests. Inert unless the page
// was opened with ?pace=manual: then every engine worker the store starts is put on manual pace
// (each run waits before each step) and `window.__unmaskPace` lets a test release steps. Nothing
// of it shows in the UI. A held run is silent: held past the store's watchdog limit (watchdog.ts,
// 30 s) it counts as a hung engine, so a test lets it go well within that.
import type { EngineClient, EngineFactory } from './engineClient';
import type { PaceMode } from './pace';

export interface PaceControl {
  /** Lets the engine run `n` more steps (default 1). */
  step(n?: number): void;
  /** Runs freely from now on, as without the parameter. */
  resume(): void;
  /** Manual again: every later step waits for step(). */
  hold(): void;
}

declare global {
  interface Window {
    __unmaskPace?: PaceControl;
  }
}

/** `factory` itself unless `search` asks for manual pace; then one that paces every worker it starts. */
export function withPace(factory: EngineFactory, search: string, target: Window): EngineFactory {
  if (new URLSearchParams(search).get('pace') !== 'manual') return factory;
  let mode: PaceMode = 'manual';
  let client: EngineClient | null = null;
  // Below zero: the store numbers its requests from 1, and no reply may name the wrong one.
  let nextId = -1;
  const send = (msg: { type: 'pace'; mode: PaceMode } | { type: 'step'; count: number }) =>
    client?.send({ ...msg, id: nextId-- });
  target.__unmaskPace = {
    step: (n = 1) => send({ type: 'step', count: n }),
    resume: () => send({ type: 'pace', mode: (mode = 'free') }),
    hold: () => send({ type: 'pace', mode: (mode = 'manual') }),
  };
  return () => {
    client = factory();
    // Before the store's load: a Retry's new worker keeps the pace the test set.
    send({ type: 'pace', mode });
    return client;
  };
}
