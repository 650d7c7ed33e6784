// For tests: a clock that moves only when a test says so.
import type { Timers } from './timeLimit';

/** Timers driven by hand: `advance(ms)` fires whatever is due; `sleep(ms)` moves the clock with no
 * timer firing (a frozen tab), `hide(flag)` sets the page's visibility. */
export function manualTimers() {
  let now = 0;
  let next = 1;
  let hidden = false;
  const due = new Map<number, { at: number; cb: () => void }>();
  const timers: Timers = {
    set: (cb, ms) => {
      due.set(next, { at: now + ms, cb });
      return next++;
    },
    clear: (h) => void due.delete(h as number),
    now: () => now,
    hidden: () => hidden,
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [h, t] of [...due]) {
      if (t.at <= now) {
        due.delete(h);
        t.cb();
      }
    }
  };
  const sleep = (ms: number) => void (now += ms);
  const hide = (flag: boolean) => void (hidden = flag);
  return { timers, advance, sleep, hide, armed: () => due.size };
}
