// The noise panel's level t, kept outside the panel so a share link can open the panel at a level
// (src/store/share.ts) and the panel keeps it when closed and opened again.
import { create } from 'zustand';

/** The loss curve: t at the midpoints of 10 strata, 2 draws of each of the passages. */
export const CURVE_POINTS = 10;
export const CURVE_DRAWS = 2;
export const DEFAULT_NOISE = 0.4;

export function clampNoise(t: number): number {
  return Number.isFinite(t) ? Math.min(1, Math.max(0, Math.round(t * 100) / 100)) : DEFAULT_NOISE;
}

interface NoiseView {
  noise: number;
  setNoise(t: number): void;
}

export const useNoiseView = create<NoiseView>((set) => ({
  noise: DEFAULT_NOISE,
  setNoise: (t) => set({ noise: clampNoise(t) }),
}));
