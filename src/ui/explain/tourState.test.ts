// The tour's state: offered once, closed mid-way it resumes, finished it starts again, and a bad saved
// value falls back to a fresh start.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installMemoryStorage } from '../../store/memoryStorage';
import { TOUR_KEY } from '../../store/persist';
import { parseTourPrefs } from '../../store/schema';
import { tourSteps, type TourState } from './tourState';

const fresh: TourState = { open: false, offered: false, step: 0 };

describe('tour transitions', () => {
  it('starting answers the offer and opens at the remembered step', () => {
    const s = tourSteps.start({ ...fresh, step: 3 });
    expect(s).toEqual({ open: true, offered: true, step: 3 });
  });
  it('closing keeps the step, finishing goes back to the first, dismissing only answers the offer', () => {
    const at4 = tourSteps.go(tourSteps.start(fresh), 9, 4);
    expect(tourSteps.close(at4)).toEqual({ open: false, offered: true, step: 4 });
    expect(tourSteps.finish(at4)).toEqual({ open: false, offered: true, step: 0 });
    expect(tourSteps.dismiss(fresh)).toEqual({ open: false, offered: true, step: 0 });
  });
  it('moves stay inside the tour', () => {
    expect(tourSteps.go(fresh, 9, -1).step).toBe(0);
    expect(tourSteps.go(fresh, 9, 12).step).toBe(8);
  });
});

describe('saved tour', () => {
  it('parses a good value and falls back on a bad one', () => {
    expect(parseTourPrefs(undefined)).toEqual({ value: { offered: false, step: 0 }, problems: [] });
    expect(parseTourPrefs({ offered: true, step: 2 }).value).toEqual({ offered: true, step: 2 });
    const bad = parseTourPrefs({ offered: 'yes', step: -1.5 });
    expect(bad.value).toEqual({ offered: false, step: 0 });
    expect(bad.problems).toHaveLength(2);
    expect(parseTourPrefs([1]).value).toEqual({ offered: false, step: 0 });
  });

  let uninstall: () => void;
  beforeEach(() => {
    uninstall = installMemoryStorage();
    vi.resetModules();
  });
  afterEach(() => uninstall());

  it('the store saves each change and a new page reads it back', async () => {
    const { useTour } = await import('./tourState');
    expect(useTour.getState()).toMatchObject({ open: false, offered: false, step: 0 });
    useTour.getState().start();
    useTour.getState().go(9, 5);
    useTour.getState().close();
    expect(JSON.parse(localStorage.getItem(TOUR_KEY)!)).toEqual({ offered: true, step: 5 });
    vi.resetModules();
    const again = await import('./tourState');
    expect(again.useTour.getState()).toMatchObject({ open: false, offered: true, step: 5 });
  });

  it('an unreadable saved value offers the tour again', async () => {
    localStorage.setItem(TOUR_KEY, '{nope');
    const { useTour } = await import('./tourState');
    expect(useTour.getState()).toMatchObject({ offered: false, step: 0 });
  });
});
