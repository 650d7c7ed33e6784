// The engine's pace, for end-to-end tests: free (the default: each step follows the last at once)
// or manual, where the run waits before each step (before its forward pass) until the page grants
// it. A test can then look at a run at an exact step instead of racing a run of a second or two.
// Only a page opened with ?pace=manual ever sends the messages that change it (paceControl.ts).

export type PaceMode = 'free' | 'manual';

export interface Pacer {
  setMode(mode: PaceMode): void;
  /** Lets `count` more steps through, whichever runs they belong to. */
  grant(count: number): void;
  /** Resolves when the next step may go; rejects with the signal's reason once it is aborted. */
  wait(signal: AbortSignal): Promise<void>;
}

export function createPacer(): Pacer {
  let mode: PaceMode = 'free';
  let grants = 0;
  const waiting = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiting]) w();
  };
  return {
    setMode(m) {
      mode = m;
      wake();
    },
    grant(count) {
      grants += count;
      wake();
    },
    async wait(signal) {
      for (;;) {
        signal.throwIfAborted();
        if (mode === 'free') return;
        if (grants > 0) {
          grants--;
          return;
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            waiting.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          waiting.add(done);
          signal.addEventListener('abort', done);
        });
      }
    },
  };
}
