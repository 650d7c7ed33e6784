// Whether the guided tour is open, at which step, and whether its offer was answered. Small and
// loaded with the page: the header's button and offer read it, and Escape closes the tour before
// anything else. Saved in localStorage (src/store/persist.ts): the offer is made once, and a tour
// closed mid-way resumes where it was. A saved value of the wrong shape falls back to a fresh start.
import { create } from 'zustand';
import { loadSavedTour, saveTour } from '../../store/persist';
import type { TourPrefs } from '../../store/schema';

export interface TourState extends TourPrefs {
  open: boolean;
}

/** The tour's transitions as pure functions over its state; `n` is the number of steps. */
export const tourSteps = {
  /** Opens where it was left (the tour clamps it to its length); the offer is answered for good. */
  start: (s: TourState): TourState => ({ open: true, offered: true, step: Math.max(0, s.step) }),
  go: (s: TourState, n: number, step: number): TourState => ({ ...s, step: Math.min(Math.max(0, step), n - 1) }),
  /** Closed mid-way: the step is kept, so the next start resumes there. */
  close: (s: TourState): TourState => ({ ...s, open: false }),
  /** Done with the last step: the next start begins again from the first. */
  finish: (s: TourState): TourState => ({ ...s, open: false, offered: true, step: 0 }),
  /** "No thanks": the offer does not come back; the button still opens the tour. */
  dismiss: (s: TourState): TourState => ({ ...s, offered: true }),
};

interface TourStore extends TourState {
  start(): void;
  go(n: number, step: number): void;
  close(): void;
  finish(): void;
  dismiss(): void;
}

export function initialTour(): TourState {
  return { open: false, ...loadSavedTour().value };
}

export const useTour = create<TourStore>()((set, get) => {
  const apply = (next: TourState) => {
    set(next);
    saveTour({ offered: next.offered, step: next.step });
  };
  return {
    ...initialTour(),
    start: () => apply(tourSteps.start(get())),
    go: (n, step) => apply(tourSteps.go(get(), n, step)),
    close: () => apply(tourSteps.close(get())),
    finish: () => apply(tourSteps.finish(get())),
    dismiss: () => apply(tourSteps.dismiss(get())),
  };
});
