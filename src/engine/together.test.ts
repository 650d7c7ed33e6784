import { describe, expect, it } from 'vitest';
import { craftedDenoise, M, V } from './testkit';
import { clashBits, measureStep, measureTogether, stepMates, stepTokens, turnedAway, withMates } from './together';

// Slot 1's row: token 3 weighs 6 and token 4 weighs 2, unless position 2 shows 3 (a step-mate that
// already wrote it), when token 3 weighs 1 and token 4 weighs 3. Other rows: tokens 3, 5 and 7 alike.
function rowAt(i: number, ids: Int32Array): number[] {
  const r = new Array<number>(V).fill(-Infinity);
  if (i === 1) {
    const clash = ids[2] === 3;
    r[3] = Math.log(clash ? 1 : 6);
    r[4] = Math.log(clash ? 3 : 2);
  } else r[3] = r[5] = r[7] = 0;
  return r;
}

const crafted = () => craftedDenoise(rowAt);

// The step saw "5 [M] [M] [M] 6" and wrote 3 at slots 1 and 2, and 7 at slot 3.
const before = Int32Array.from([5, M, M, M, 6]);
const after = Int32Array.from([5, 3, 3, 7, 6]);

describe('written together', () => {
  it('names the other slots the step wrote, with what it wrote there', () => {
    expect(stepMates([3, 1, 2], after, 1)).toEqual([
      { pos: 2, id: 3 },
      { pos: 3, id: 7 },
    ]);
    expect(stepMates([1], after, 1)).toEqual([]);
    expect(Array.from(withMates(before, stepMates([1, 2, 3], after, 1)))).toEqual([5, M, 3, 7, 6]);
  });

  it('scores the token alone and with its step-mates in view, in bits', async () => {
    const denoise = crafted();
    const progress: number[] = [];
    const got = await measureTogether(denoise, before, 1, 3, stepMates([1, 2, 3], after, 1), {
      maskId: M,
      onProgress: (d) => progress.push(d),
    });
    expect(got.alone.bits).toBeCloseTo(-Math.log2(6 / 8), 6);
    expect(got.alone.guess).toBe(3);
    expect(got.together.bits).toBeCloseTo(-Math.log2(1 / 4), 6);
    // Seeing the 3 beside it, the model would now write 4.
    expect(got.together.guess).toBe(4);
    expect(got.together.guessProb).toBeCloseTo(3 / 4, 6);
    expect(clashBits(got)).toBeCloseTo(Math.log2(6 / 8 / (1 / 4)), 6);
    expect(progress).toEqual([1, 2]);
    // The step's canvas as it was, then the same with the mates written in; the slot stays masked.
    expect(denoise.canvases).toEqual([
      [5, M, M, M, 6],
      [5, M, 3, 7, 6],
    ]);
  });

  it('stops at Cancel, and refuses a slot or a step-mate that the step did not write', async () => {
    const abort = new AbortController();
    const mates = stepMates([1, 2, 3], after, 1);
    const run = measureTogether(crafted(), before, 1, 3, mates, {
      maskId: M,
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await expect(measureTogether(crafted(), before, 0, 3, mates, { maskId: M })).rejects.toThrow('not masked');
    await expect(measureTogether(crafted(), before, 1, 3, [{ pos: 4, id: 3 }], { maskId: M })).rejects.toThrow(
      'Slot 4 was not written',
    );
  });

  it('weighs every token of the step: one pass alone for all, then one per token with the others in view', async () => {
    const denoise = crafted();
    const progress: number[] = [];
    const written = stepTokens([3, 1, 2], after);
    const got = await measureStep(denoise, before, written, { maskId: M, onProgress: (d) => progress.push(d) });
    expect(got.map((w) => [w.pos, w.id])).toEqual([
      [1, 3],
      [2, 3],
      [3, 7],
    ]);
    expect(got[0].alone.bits).toBeCloseTo(-Math.log2(6 / 8), 6);
    expect(got[0].together.bits).toBeCloseTo(2, 6); // the 3 beside it: p 1/4
    // Its first choice alone, and 4 instead once it sees the 3 beside it.
    expect([got[0].alone.guess, got[0].together.guess]).toEqual([3, 4]);
    expect(turnedAway(got[0])).toBe(true);
    for (const w of got.slice(1)) {
      expect(w.alone.bits).toBeCloseTo(Math.log2(3), 6);
      expect(w.together.bits).toBeCloseTo(Math.log2(3), 6);
    }
    // Slot 3 wrote 7 where 3, 5 and 7 tie (the first of them is the row's choice): never its first choice.
    expect(turnedAway(got[2])).toBe(false);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(denoise.canvases).toEqual([
      [5, M, M, M, 6],
      [5, M, 3, 7, 6],
      [5, 3, M, 7, 6],
      [5, 3, 3, M, 6],
    ]);
    const abort = new AbortController();
    const run = measureStep(crafted(), before, written, {
      maskId: M,
      signal: abort.signal,
      onProgress: (d) => d === 2 && abort.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
  });
});
