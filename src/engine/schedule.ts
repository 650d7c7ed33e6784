// How many steps a run takes and how many tokens each step resolves (SAMPLING.md, "Steps and
// schedule").
import type { SamplerSettings, Schedule } from './types';

/** S for M masked positions: 0 when nothing is masked, M for left-to-right, else round(steps) in 1..M. */
export function plannedSteps(maskedCount: number, s: SamplerSettings): number {
  const m = Math.max(0, Math.floor(maskedCount));
  if (m === 0) return 0;
  if (s.strategy === 'left-to-right') return m;
  // floor(x + 0.5): half rounds up, as in the Python twin (Python's round() would round to even).
  const requested = Number.isFinite(s.steps) ? Math.floor(s.steps + 0.5) : 1;
  return Math.min(Math.max(requested, 1), m);
}

/** n(k) for k = 0 … S-1: at least one per step, summing to M. */
export function stepCounts(maskedCount: number, steps: number, schedule: Schedule): number[] {
  const m = maskedCount;
  const counts: number[] = [];
  let prev = 0;
  for (let k = 0; k < steps; k++) {
    const f =
      schedule === 'cosine'
        ? // Same operation order as the Python twin, so both round identically.
          Math.floor(m * (1 - Math.cos(((Math.PI / 2) * (k + 1)) / steps)) + 0.5)
        : Math.floor((m * (k + 1)) / steps);
    // The cap leaves at least one token for every later step; the floor of one per step keeps
    // every step visible.
    const c = Math.max(prev + 1, Math.min(f, m - (steps - 1 - k)));
    counts.push(c - prev);
    prev = c;
  }
  return counts;
}
