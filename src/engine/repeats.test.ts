import { describe, expect, it } from 'vitest';
import { repeatedNgramBans } from './repeats';
import { prepareLogits, RowScratch } from './sampling';
import { DEFAULT_SETTINGS } from './settings';
import { canvas, collect, crafted, M, row, SPECIAL } from './testkit';
import { unmask } from './unmask';
import { repeatedTrigramShare } from './metrics';

const E = SPECIAL.eos;
const bans = (ids: number[], i: number, n: number) => repeatedNgramBans(Int32Array.from(ids), i, n, SPECIAL);

describe("no repeated n-grams (SAMPLING.md 2b')", () => {
  it('bans the id that would end, start or fill the middle of a run the canvas holds', () => {
    expect(bans([5, 6, 7, M, 5, 6, M], 6, 3)).toEqual([7]); // 5 6 _ ends like 5 6 7
    expect(bans([M, 6, 7, 4, 5, 6, 7], 0, 3)).toEqual([5]); // _ 6 7 starts like 5 6 7
    expect(bans([5, M, 7, 4, 5, 6, 7], 1, 3)).toEqual([6]); // 5 _ 7 as in 5 6 7
    expect(bans([5, 6, 5, M], 3, 2)).toEqual([6]);
  });

  it('lists every banned id once, ascending, from every run through the slot', () => {
    // 4 _ : "4 5" and "4 3" are held; _ 4 : "7 4" is held.
    expect(bans([4, 5, 7, 4, 3, 4, M, 4], 6, 2)).toEqual([3, 5, 7]);
    expect(bans([4, 5, 4, 5, 4, M], 5, 2)).toEqual([5]);
  });

  it('bans nothing when off, when a neighbour is still masked, or across [EOS] and [PAD]', () => {
    expect(bans([5, 6, 7, M, 5, 6, M], 6, 0)).toEqual([]);
    expect(bans([5, 6, 7, M, M, 6, M], 6, 3)).toEqual([]);
    expect(bans([5, 6, E, 5, 6, M], 5, 3)).toEqual([]);
    expect(bans([5, 6, 7, 5, SPECIAL.pad, M], 5, 3)).toEqual([]);
  });

  it('sets banned ids to -∞ before the draft, and gives way when they are all the row has', () => {
    const scratch = new RowScratch(8);
    const logits = Float32Array.from(row({ 3: 1, 5: 4, 6: 2 }));
    prepareLogits(logits, new Int32Array(8), 0, SPECIAL, 1, 0, scratch, [5]);
    expect(scratch.l[5]).toBe(-Infinity);
    expect(scratch.best).toBe(6);
    prepareLogits(Float32Array.from(row({ 5: 1 })), new Int32Array(8), 0, SPECIAL, 1, 0, scratch, [5]);
    expect(scratch.best).toBe(5);
    expect(scratch.l[5]).toBe(0);
  });

  it('stops a model that loops from writing the same 3 tokens twice when it resolves one slot a step', async () => {
    // The model wants "5 6 7" over and over; the prompt holds it once.
    const loop = crafted((i) => row({ [5 + (i % 3)]: 20, 3: 1, 4: 1 }));
    const start = canvas([5, 6, 7, ...new Array<number>(8).fill(M)]);
    const run = (noRepeatNgram: number) =>
      collect(
        unmask(
          start,
          loop,
          { ...DEFAULT_SETTINGS, temperature: 0, strategy: 'left-to-right', refineRounds: 0, noRepeatNgram },
          SPECIAL,
        ),
      );
    const free = (await run(0)).at(-1)!.ids;
    const banned = (await run(3)).at(-1)!.ids;
    expect(repeatedTrigramShare(free)).toBeGreaterThan(0.5);
    expect(repeatedTrigramShare(banned)).toBe(0);
    // Each later "5 6 _" takes the model's next choice (3, then 4).
    expect(Array.from(banned)).toEqual([5, 6, 7, 5, 6, 3, 5, 6, 4, 5, 6]);
  });

  it('holds for a draw made after scoring (margin at T 1), one slot a step', async () => {
    // Margin does not score by the drawn token, so x is drawn only for the slot a step resolves
    // (drawDeferred): that later draw must take the same ids away.
    const loop = crafted((i) => row({ [5 + (i % 3)]: 1e6, 3: 1, 4: 1 }));
    const start = canvas([5, 6, 7, ...new Array<number>(6).fill(M)]);
    const settings = { ...DEFAULT_SETTINGS, temperature: 1, topP: 1, steps: 6, refineRounds: 0, noRepeatNgram: 3 };
    for (const seed of [1, 2, 3]) {
      const last = (await collect(unmask(start, loop, { ...settings, seed }, SPECIAL))).at(-1)!.ids;
      expect(repeatedTrigramShare(last), `seed ${seed}: ${Array.from(last).join(' ')}`).toBe(0);
    }
  });
});
