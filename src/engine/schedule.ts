// How many steps a run takes and how many tokens each step resolves (SAMPLING.md, "Steps and
// schedule" and "Refinement").
import type { SamplerSettings, Schedule } from './types';

/** S for M masked positions: 0 when nothing is masked, M for left-to-right, else round(steps) in 1..M. */
export function unmaskSteps(maskedCount: number, s: SamplerSettings): number {
  const m = Math.max(0, Math.floor(maskedCount));
  if (m === 0) return 0;
  if (s.strategy === 'left-to-right') return m;
  // floor(x + 0.5): half rounds up, as in the Python twin (Python's round() would round to even).
  const requested = Number.isFinite(s.steps) ? Math.floor(s.steps + 0.5) : 1;
  return Math.min(Math.max(requested, 1), m);
}

/** One refinement round: `k` tokens re-masked, resolved again over `steps` steps (0 and 0 when
 * refinement is off or nothing is masked). Expects normalized settings. */
export function refineShape(maskedCount: number, s: SamplerSettings): { rounds: number; k: number; steps: number } {
  const m = Math.max(0, Math.floor(maskedCount));
  // Settings from before refinement existed have no refineRounds: off.
  const rounds = m > 0 && s.refineRounds > 0 ? Math.floor(s.refineRounds) : 0;
  if (rounds === 0) return { rounds: 0, k: 0, steps: 0 };
  const k = Math.min(Math.max(Math.floor(s.refineFraction * m + 0.5), 1), m);
  // The unmasking's pace: S/M steps per token.
  const steps = Math.min(Math.max(Math.ceil((unmaskSteps(m, s) * k) / m), 1), k);
  return { rounds, k, steps };
}

/** Every step of a run, unmasking and refinement: S + R · S_r (the total announced up front). */
export function plannedSteps(maskedCount: number, s: SamplerSettings): number {
  const r = refineShape(maskedCount, s);
  return unmaskSteps(maskedCount, s) + r.rounds * r.steps;
}

export interface PlannedStep {
  /** 0 while unmasking, 1..R in refinement. */
  round: number;
  /** Tokens this step resolves; 0 with the adaptive schedule, where the step decides (at least one). */
  count: number;
  /** Tokens re-masked just before this step's forward pass (K on a round's first step, else 0). */
  remask: number;
  /** Steps left in this step's phase (the unmasking, or one round), this one included. */
  left: number;
}

/** Whether steps commit by the threshold. Left-to-right resolves one token per step under any schedule. */
export function isAdaptive(s: SamplerSettings): boolean {
  return s.schedule === 'adaptive' && s.strategy !== 'left-to-right';
}

/** The whole run, step by step. With the adaptive schedule: the most steps it may take (a phase ends
 * early once its slots are all resolved). */
export function stepPlan(maskedCount: number, s: SamplerSettings): PlannedStep[] {
  const m = Math.max(0, Math.floor(maskedCount));
  const counts = (tokens: number, steps: number) =>
    isAdaptive(s)
      ? new Array<number>(steps).fill(0)
      : stepCounts(tokens, steps, s.schedule === 'adaptive' ? 'linear' : s.schedule);
  const plan: PlannedStep[] = counts(m, unmaskSteps(m, s)).map((count, j, all) => ({
    round: 0,
    count,
    remask: 0,
    left: all.length - j,
  }));
  const r = refineShape(m, s);
  const round = counts(r.k, r.steps);
  for (let k = 1; k <= r.rounds; k++) {
    round.forEach((count, j) => plan.push({ round: k, count, remask: j === 0 ? r.k : 0, left: round.length - j }));
  }
  return plan;
}

/** n(k) for k = 0 … S-1: at least one per step, summing to M. */
export function stepCounts(maskedCount: number, steps: number, schedule: Exclude<Schedule, 'adaptive'>): number[] {
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
