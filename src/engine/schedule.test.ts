import { describe, expect, it } from 'vitest';
import { plannedSteps, stepCounts } from './schedule';
import { DEFAULT_SETTINGS } from './settings';
import type { SamplerSettings } from './types';

const with_ = (s: Partial<SamplerSettings>): SamplerSettings => ({ ...DEFAULT_SETTINGS, ...s });

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
