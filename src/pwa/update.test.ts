// The update toast's button: the waiting worker is activated first, then the page reloads, itself if
// no service worker controls it (the plugin's own reload never comes then), else as a fallback.
import { describe, expect, it } from 'vitest';
import { RELOAD_FALLBACK_MS, reloadToUpdate } from './update';

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
  it('an uncontrolled page reloads itself once the waiting worker was told to activate', async () => {
    const h = harness();
    await reloadToUpdate(h.activate, false, h.reload, h.later);
    expect(h.events).toEqual(['activate', 'reload']);
    expect(h.timers).toHaveLength(0);
  });

  it('a controlled page leaves the reload to the take-over, with a fallback after a few seconds', async () => {
    const h = harness();
    await reloadToUpdate(h.activate, true, h.reload, h.later);
    expect(h.events).toEqual(['activate']);
    expect(h.timers.map(([, ms]) => ms)).toEqual([RELOAD_FALLBACK_MS]);
    h.timers[0][0]();
    expect(h.events).toEqual(['activate', 'reload']);
  });
});
