import { describe, expect, it } from 'vitest';
import { plannedSteps, refineShape, stepCounts, stepPlan, unmaskSteps } from './schedule';
import { DEFAULT_SETTINGS } from './settings';
import type { SamplerSettings } from './types';

// Refinement off unless a test asks for it (the app's defaults turn it on).
const with_ = (s: Partial<SamplerSettings>): SamplerSettings => ({ ...DEFAULT_SETTINGS, refineRounds: 0, ...s });

describe('plannedSteps', () => {
  it('runs no step when nothing is masked', () => {
    expect(plannedSteps(0, with_({ steps: 10 }))).toBe(0);
    expect(plannedSteps(0, with_({ strategy: 'left-to-right' }))).toBe(0);
  });

  it('takes one step per token left to right, whatever steps says', () => {
    expect(plannedSteps(17, with_({ strategy: 'left-to-right', steps: 4 }))).toBe(17);
  });

  it('rounds half up and clamps to 1..M', () => {
    expect(plannedSteps(64, with_({ steps: 2.5 }))).toBe(3);
    expect(plannedSteps(64, with_({ steps: 2.49 }))).toBe(2);
    expect(plannedSteps(64, with_({ steps: 0 }))).toBe(1);
    expect(plannedSteps(64, with_({ steps: -5 }))).toBe(1);
    expect(plannedSteps(10, with_({ steps: 32 }))).toBe(10);
    expect(plannedSteps(10, with_({ steps: 32, strategy: 'blocks' }))).toBe(10);
  });
});

describe('refinement in the plan', () => {
  it('re-masks round(ρ·M) tokens per round at the unmasking pace and counts them in the total', () => {
    // The app's case: 48 tokens in 32 steps, 20 % per round: 10 tokens over ceil(32·10/48) = 7 steps.
    const s = with_({ steps: 32, refineRounds: 4, refineFraction: 0.2 });
    expect(refineShape(48, s)).toEqual({ rounds: 4, k: 10, steps: 7 });
    expect(unmaskSteps(48, s)).toBe(32);
    expect(plannedSteps(48, s)).toBe(32 + 4 * 7);
    expect(plannedSteps(48, { ...s, refineRounds: 0 })).toBe(32);
  });

  it('re-masks at least one token, at most all, and left to right resolves one per step', () => {
    expect(refineShape(3, with_({ refineRounds: 2, refineFraction: 0.01 }))).toEqual({ rounds: 2, k: 1, steps: 1 });
    expect(refineShape(20, with_({ steps: 5, refineRounds: 1, refineFraction: 1 }))).toEqual({
      rounds: 1,
      k: 20,
      steps: 5,
    });
    expect(refineShape(10, with_({ strategy: 'left-to-right', refineRounds: 3, refineFraction: 0.3 }))).toEqual({
      rounds: 3,
      k: 3,
      steps: 3,
    });
    expect(plannedSteps(10, with_({ strategy: 'left-to-right', refineRounds: 3, refineFraction: 0.3 }))).toBe(10 + 9);
  });

  it('runs nothing when nothing is masked, and treats settings without refineRounds as off', () => {
    expect(plannedSteps(0, with_({ refineRounds: 5 }))).toBe(0);
    expect(stepPlan(0, with_({ refineRounds: 5 }))).toEqual([]);
    const old = { ...with_({ steps: 4 }) } as Partial<SamplerSettings>;
    delete old.refineRounds;
    expect(plannedSteps(12, old as SamplerSettings)).toBe(4);
  });

  it('lists every step: unmasking counts, then per round K re-masked before its first pass', () => {
    const s = with_({ steps: 4, schedule: 'cosine', refineRounds: 2, refineFraction: 0.25 });
    const plan = stepPlan(12, s);
    expect(plan.length).toBe(plannedSteps(12, s));
    expect(plan.filter((p) => p.round === 0).map((p) => p.count)).toEqual(stepCounts(12, 4, 'cosine'));
    for (const round of [1, 2]) {
      const steps = plan.filter((p) => p.round === round);
      expect(steps.map((p) => p.count)).toEqual(stepCounts(3, 1, 'cosine'));
      expect(steps.map((p) => p.remask)).toEqual([3]);
    }
  });
});

describe('stepCounts', () => {
  // Printed by the Python twin's schedule_counts.
  it('matches the Python twin', () => {
    expect(stepCounts(10, 4, 'linear')).toEqual([2, 3, 2, 3]);
    expect(stepCounts(10, 4, 'cosine')).toEqual([1, 2, 3, 4]);
    expect(stepCounts(64, 16, 'cosine')).toEqual([1, 1, 1, 2, 3, 3, 4, 4, 4, 5, 6, 6, 5, 7, 6, 6]);
    expect(stepCounts(7, 7, 'cosine')).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(stepCounts(100, 3, 'cosine')).toEqual([13, 37, 50]);
  });

  it('resolves at least one token per step and all M by the last, for every M ≤ 128 and S ≤ M', () => {
    for (const schedule of ['linear', 'cosine'] as const) {
      for (let m = 1; m <= 128; m++) {
        for (let s = 1; s <= m; s++) {
          const counts = stepCounts(m, s, schedule);
          if (counts.length !== s || counts.some((n) => n < 1) || counts.reduce((a, b) => a + b, 0) !== m) {
            throw new Error(`${schedule} M=${m} S=${s}: ${counts.join(',')}`);
          }
          if (schedule === 'cosine' && counts[0] > counts[s - 1]) {
            throw new Error(`cosine should start light: M=${m} S=${s}: ${counts.join(',')}`);
          }
        }
      }
    }
  });

  it('spreads linear steps evenly', () => {
    const counts = stepCounts(100, 7, 'linear');
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });
});
