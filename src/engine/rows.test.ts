import { describe, expect, it } from 'vitest';
import { selectRows } from './rows';

describe('selectRows', () => {
  const full = Float32Array.from({ length: 4 * 3 }, (_, k) => k); // 4 rows of 3
  it('copies the rows asked for, in that order', () => {
    expect([...selectRows(full, 4, Int32Array.from([3, 1]))]).toEqual([9, 10, 11, 3, 4, 5]);
  });
  it('returns the array itself when every row is asked for in order', () => {
    expect(selectRows(full, 4, Int32Array.from([0, 1, 2, 3]))).toBe(full);
  });
});
