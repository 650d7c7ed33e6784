// A promise that may never settle (a browser API that does not answer), given a time limit.

/** `promise`, or a rejection with `message` once `ms` have passed without an answer; the timer is
 * cleared either way, so nothing is left running after the answer. */
export function withTimeLimit<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The clock a silence is measured on; tests drive one by hand. */
export interface Timers {
  set(cb: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  /** Milliseconds on a monotonic clock: a timer that fires far later than asked slept with the page. */
  now(): number;
  /** Whether the page is hidden now (its timers, and the messages it waits for, may be held back). */
  hidden(): boolean;
}

export const realTimers: Timers = {
  set: (cb, ms) => setTimeout(cb, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
  hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
};

/**
 * Calls `onSilent` once `ms` pass after the last `heard(ms)` with nothing heard since. A page that was
 * frozen (a phone in a pocket, a tab put to sleep) runs no timers: its timer fires late, and what
 * arrived meanwhile may still be queued behind it. A timer that fires more than half a limit late, or
 * while `timers.hidden()`, therefore waits again: that silence was the page's, not what it listens to.
 */
export function silenceClock(onSilent: (ms: number) => void, timers: Timers = realTimers) {
  let timer: unknown = null;
  const stop = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };
  const heard = (ms: number) => {
    stop();
    const armedAt = timers.now();
    timer = timers.set(() => {
      timer = null;
      if (timers.hidden() || timers.now() - armedAt > ms * 1.5) heard(ms);
      else onSilent(ms);
    }, ms);
  };
  return { heard, stop, armed: () => timer !== null };
}
