// The update toast's button: the waiting worker is asked to activate, then the page reloads: itself,
// once the new worker is active, if no service worker controls it (the plugin's own reload never comes
// then); else as a fallback if the take-over does not reload it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELOAD_FALLBACK_MS, reloadForCurrentFiles, reloadToUpdate, workAReloadStops, type WorkerLike } from './update';

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

describe('workAReloadStops', () => {
  const idle = {
    pending: null,
    run: null,
    engine: { status: 'ready' },
    sweep: null,
    compare: null,
  } as never as Parameters<typeof workAReloadStops>[0];
  it('names the work a reload would stop, and nothing when the page is idle', () => {
    expect(workAReloadStops(idle)).toBeNull();
    expect(workAReloadStops({ ...idle, run: { status: 'running' } as never })).toBe('a run is going on');
    expect(workAReloadStops({ ...idle, run: { status: 'done' } as never })).toBeNull();
    expect(workAReloadStops({ ...idle, engine: { status: 'loading' } as never })).toBe('the model is loading');
    expect(workAReloadStops({ ...idle, sweep: { phase: 'running' } as never })).toBe(
      'the cost of steps is being measured',
    );
    expect(workAReloadStops({ ...idle, sweep: { phase: 'done' } as never })).toBeNull();
    expect(workAReloadStops({ ...idle, compare: { phase: 'left-to-right' } as never })).toBe(
      'a comparison is going on',
    );
    expect(workAReloadStops({ ...idle, compare: { phase: 'stopped' } as never })).toBeNull();
  });
});

describe('reloadForCurrentFiles', () => {
  function registration(next: ReturnType<typeof worker> | null, as: 'waiting' | 'installing' = 'waiting') {
    const events: string[] = [];
    const posted = next && Object.assign(next, { postMessage: (m: { type: string }) => events.push(m.type) });
    return {
      events,
      reg: {
        update: async () => void events.push('update'),
        waiting: as === 'waiting' ? posted : null,
        installing: as === 'installing' ? posted : null,
      },
    };
  }

  it('asks for the current worker, lets it take over, and reloads once it is active', async () => {
    const w = worker('installing');
    const { events, reg } = registration(w, 'installing');
    const done = reloadForCurrentFiles(
      async () => reg,
      () => void events.push('reload'),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual(['update', 'SKIP_WAITING']); // not yet: the old worker would serve the reload
    w.become('activated');
    await done;
    expect(events).toEqual(['update', 'SKIP_WAITING', 'reload']);
  });

  it('reloads anyway without a worker, without a new one, or when the new one never activates', async () => {
    const events: string[] = [];
    await reloadForCurrentFiles(
      async () => undefined,
      () => void events.push('none'),
    );
    const bare = registration(null);
    await reloadForCurrentFiles(
      async () => bare.reg,
      () => void events.push('no new worker'),
    );
    const stuck = registration(worker('installed'));
    await reloadForCurrentFiles(
      async () => stuck.reg,
      () => void events.push('timed out'),
      20,
    );
    expect(events).toEqual(['none', 'no new worker', 'timed out']);
    expect(stuck.events).toEqual(['update', 'SKIP_WAITING']);
  });
});
