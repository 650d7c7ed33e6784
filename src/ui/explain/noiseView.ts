// The noise panel's level t and whether it is open, kept outside the panel so a share link can open it
// at a level (src/store/share.ts), the share button can put them in a link, and the panel keeps its t
// when closed and opened again.
import { create } from 'zustand';

/** The loss curve: t at the midpoints of 10 strata, 2 draws of each of the passages. */
export const CURVE_POINTS = 10;
export const CURVE_DRAWS = 2;
export const DEFAULT_NOISE = 0.4;

export function clampNoise(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, Math.round(t * 100) / 100)) : DEFAULT_NOISE;
}

interface NoiseView {
  /** Whether the panel is open (a link opens it at its level). */
  open: boolean;
  noise: number;
  setOpen(open: boolean): void;
  setNoise(t: number): void;
}

export const useNoiseView = create<NoiseView>((set) => ({
  open: false,
  noise: DEFAULT_NOISE,
  setOpen: (open) => set({ open }),
  setNoise: (t) => set({ noise: clampNoise(t) }),
}));
