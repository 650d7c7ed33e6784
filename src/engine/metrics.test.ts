import { describe, expect, it } from 'vitest';
import { repeatedTrigramShare } from './metrics';

describe('repeatedTrigramShare', () => {
  it('is 0 without repeats or without a 3-gram', () => {
    expect(repeatedTrigramShare([1, 2, 3, 4, 5])).toBe(0);
    expect(repeatedTrigramShare([7, 7])).toBe(0);
    expect(repeatedTrigramShare([])).toBe(0);
  });

  it('counts every 3-gram seen before, over all 3-grams', () => {
    // 3-grams: 123 231 312 123 231 → the last two repeat.
    expect(repeatedTrigramShare([1, 2, 3, 1, 2, 3, 1])).toBeCloseTo(2 / 5, 12);
    expect(repeatedTrigramShare(new Int32Array([9, 9, 9, 9]))).toBe(0.5);
  });

  it('does not confuse ids whose digits run together', () => {
    expect(repeatedTrigramShare([1, 23, 4, 12, 3, 4])).toBe(0);
  });
});
