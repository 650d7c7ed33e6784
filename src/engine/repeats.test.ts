import { describe, expect, it } from 'vitest';
import { repeatedNgramBans } from './repeats';
import { createRng } from './rng';
import { prepareLogits, RowScratch } from './sampling';
import { DEFAULT_SETTINGS } from './settings';
import { canvas, collect, crafted, M, row, SPECIAL } from './testkit';
import type { SamplerSettings } from './types';
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

describe('slots of one step see each other when they are written (SAMPLING.md 4)', () => {
  const oneStep = (s: Partial<SamplerSettings>) => ({
    ...DEFAULT_SETTINGS,
    temperature: 0,
    strategy: 'confidence' as const,
    steps: 1,
    refineRounds: 0,
    ...s,
  });
  const last = async (ids: number[], rowAt: (i: number) => number[], s: Partial<SamplerSettings>) =>
    (await collect(unmask(canvas(ids), crafted(rowAt), oneStep(s), SPECIAL))).at(-1)!;

  it('does not let two slots of one step double a token: the one written second takes its next choice', async () => {
    // Both slots want 4; slot 2 is surer, so it is written first and slot 1 gives 4 up for 6.
    const rowAt = (i: number) => (i === 2 ? row({ 4: 0.9, 5: 0.1 }) : row({ 4: 0.6, 6: 0.3, 7: 0.1 }));
    expect(Array.from((await last([3, M, M], rowAt, { noRepeatNgram: 0 })).ids)).toEqual([3, 4, 4]);
    const frame = await last([3, M, M], rowAt, { noRepeatNgram: 3 });
    expect(Array.from(frame.ids)).toEqual([3, 6, 4]);
    // Its confidence is p of 6 with 4 taken away: 0.3 / 0.4.
    expect(frame.confidences[0]).toBeCloseTo(0.75, 6); // float32 logits
    expect(frame.confidences[1]).toBeCloseTo(0.9, 6);
  });

  it('does not let slots of one step write together a run of n tokens the canvas holds', async () => {
    // "5 6" is given; the slots want "5 6" again. 5 is surer and written first, so 6 would repeat it.
    const rowAt = (i: number) => (i === 2 ? row({ 5: 0.9, 3: 0.1 }) : row({ 6: 0.8, 7: 0.2 }));
    expect(Array.from((await last([5, 6, M, M], rowAt, { noRepeatNgram: 0 })).ids)).toEqual([5, 6, 5, 6]);
    expect(Array.from((await last([5, 6, M, M], rowAt, { noRepeatNgram: 2 })).ids)).toEqual([5, 6, 5, 7]);
  });

  it('draws again with the same random number, and gives way when nothing else is left', async () => {
    // At T 1 slot 1 draws 4 (p 0.98) with its u, the run's first number; slot 2 (p 1) is written
    // first, so slot 1 walks its row without 4 (5 and 6, half each) with that same u.
    const rowAt = (i: number) => (i === 2 ? row({ 4: 1 }) : row({ 4: 0.98, 5: 0.01, 6: 0.01 }));
    const seen = new Set<number>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const frame = await last([3, M, M], rowAt, { temperature: 1, topP: 1, seed, noRepeatNgram: 3 });
      const u = createRng(seed)();
      if (u >= 0.98) continue; // slot 1 drew 5 or 6 itself
      expect(frame.ids[1], `seed ${seed}, u ${u}`).toBe(u < 0.5 ? 5 : 6);
      expect(frame.ids[2]).toBe(4);
      seen.add(frame.ids[1]);
    }
    expect([...seen].sort()).toEqual([5, 6]);
    // A slot that can only give 4 keeps it.
    expect(Array.from((await last([3, M, M], () => row({ 4: 1 }), { noRepeatNgram: 3 })).ids)).toEqual([3, 4, 4]);
  });
});
