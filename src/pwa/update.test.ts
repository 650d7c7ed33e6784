// The update toast's button: the waiting worker is asked to activate, then the page reloads: itself,
// once the new worker is active, if no service worker controls it (the plugin's own reload never comes
// then); else as a fallback if the take-over does not reload it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELOAD_FALLBACK_MS, reloadToUpdate, type WorkerLike } from './update';

afterEach(() => vi.useRealTimers());

function worker(state = 'installed') {
  const listeners: (() => void)[] = [];
  const w = {
    state,
    addEventListener: (_: 'statechange', cb: () => void) => void listeners.push(cb),
    become(next: string) {
      w.state = next;
      listeners.forEach((cb) => cb());
    },
  };
  return w as WorkerLike & { state: string; become(next: string): void };
}

function harness() {
  const events: string[] = [];
  const timers: [() => void, number][] = [];
  return {
    events,
    timers,
    activate: async () => void events.push('activate'),
    reload: () => void events.push('reload'),
    later: (cb: () => void, ms: number) => timers.push([cb, ms]),
  };
}

describe('reloadToUpdate', () => {
  it('an uncontrolled page reloads itself once the new worker is active, not before', async () => {
    const h = harness();
    const w = worker();
    const done = reloadToUpdate(h.activate, { controlled: false, waiting: w }, h.reload, h.later);
    await new Promise((r) => setTimeout(r, 10));
    expect(h.events).toEqual(['activate']); // still activating: the old worker would serve a reload now
    w.become('activating');
    await new Promise((r) => setTimeout(r, 10));
    expect(h.events).toEqual(['activate']);
    w.become('activated');
    await done;
    expect(h.events).toEqual(['activate', 'reload']);
    expect(h.timers).toHaveLength(0);
  });

  it('an uncontrolled page whose new worker never activates still reloads, after the fallback', async () => {
    vi.useFakeTimers();
    const h = harness();
    const done = reloadToUpdate(h.activate, { controlled: false, waiting: worker() }, h.reload, h.later);
    await vi.advanceTimersByTimeAsync(RELOAD_FALLBACK_MS - 1);
    expect(h.events).toEqual(['activate']);
    await vi.advanceTimersByTimeAsync(1);
    await done;
    expect(h.events).toEqual(['activate', 'reload']);
  });

  it('a controlled page leaves the reload to the take-over, with a fallback after a few seconds', async () => {
    const h = harness();
    await reloadToUpdate(h.activate, { controlled: true, waiting: worker() }, h.reload, h.later);
    expect(h.events).toEqual(['activate']);
    expect(h.timers.map(([, ms]) => ms)).toEqual([RELOAD_FALLBACK_MS]);
    h.timers[0][0]();
    expect(h.events).toEqual(['activate', 'reload']);
  });
});
