import { describe, expect, it } from 'vitest';
import { measureLeaning, probOfBits, strongestLeans, tokensToHide } from './leaning';
import { craftedDenoise, M, V } from './testkit';

// Slot 2's row: token 3 weighs 8 while position 0 shows id 4 (2 once hidden); token 7 weighs 2 while
// position 3 shows id 6 (0.5 once hidden). The special ids get nothing.
function rowAt(i: number, ids: Int32Array): number[] {
  const r = new Array<number>(V).fill(-Infinity);
  if (i === 2) {
    r[3] = Math.log(ids[0] === 4 ? 8 : 2);
    r[7] = Math.log(ids[3] === 6 ? 2 : 0.5);
  } else r[5] = 0;
  return r;
}

const crafted = () => craftedDenoise(rowAt);

const ids = Int32Array.from([4, 5, M, 6, M]);

describe('what a written token leaned on', () => {
  it('hides the visible tokens nearest the slot, within the limit', () => {
    expect(tokensToHide(ids, 2, M, 10)).toEqual({ positions: [0, 1, 3], skipped: 0 });
    expect(tokensToHide(ids, 2, M, 2)).toEqual({ positions: [1, 3], skipped: 1 });
    expect(tokensToHide([4, 5, 6, M, 5, 4], 3, M, 3)).toEqual({ positions: [1, 2, 4], skipped: 2 });
  });

  it('measures in bits how much less likely the written token is with each one hidden', async () => {
    const denoise = crafted();
    const progress: [number, number][] = [];
    const got = await measureLeaning(denoise, ids, 2, 3, {
      maskId: M,
      limit: 10,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(got.baseBits).toBeCloseTo(-Math.log2(0.8), 6);
    const lean = Object.fromEntries(got.leans.map((l) => [l.pos, l.bits]));
    expect(lean[0]).toBeCloseTo(Math.log2(0.8 / 0.5), 6); // it leaned on position 0
    expect(lean[1]).toBeCloseTo(0, 6); // position 1 changes nothing
    expect(lean[3]).toBeCloseTo(Math.log2(0.8 / (8 / 8.5)), 6); // position 3 argued against it
    expect(probOfBits(got.baseBits + lean[0])).toBeCloseTo(0.5, 6);
    expect(strongestLeans(got, 3).map((l) => l.pos)).toEqual([0]);
    expect(progress).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    // One pass on the canvas as it was, then one per hidden token, each hiding only that one.
    expect(denoise.canvases).toEqual([
      [4, 5, M, 6, M],
      [M, 5, M, 6, M],
      [4, M, M, 6, M],
      [4, 5, M, M, M],
    ]);
  });

  it('stops at Cancel, and refuses a slot that is not masked', async () => {
    const abort = new AbortController();
    const run = measureLeaning(crafted(), ids, 2, 3, {
      maskId: M,
      limit: 10,
      signal: abort.signal,
      onProgress: (d) => d === 2 && abort.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await expect(measureLeaning(crafted(), ids, 1, 3, { maskId: M, limit: 10 })).rejects.toThrow('not masked');
  });
});
