import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { stepCounts } from './schedule';
import { DEFAULT_SETTINGS as APP_DEFAULTS } from './settings';
import { canvas, collect, crafted, M, row, SPECIAL, V } from './testkit';
import type { Canvas, LogitsFn, SamplerSettings } from './types';
import { unmask } from './unmask';

// These tests are about unmasking; refinement (on in the app's defaults) is held by refine.test.ts.
const DEFAULT_SETTINGS: SamplerSettings = { ...APP_DEFAULTS, refineRounds: 0 };
const greedy = (s: Partial<SamplerSettings> = {}): SamplerSettings => ({ ...DEFAULT_SETTINGS, temperature: 0, ...s });
const run = (c: Canvas, fn: LogitsFn, s: SamplerSettings, signal?: AbortSignal) =>
  collect(unmask(c, fn, s, SPECIAL, signal));

// Three masked positions after a given token: sure (0.9), fairly sure (0.6), unsure (0.4).
const threeRows = (i: number) =>
  [row({ 3: 1 }), row({ 4: 0.9, 5: 0.1 }), row({ 5: 0.6, 6: 0.4 }), row({ 6: 0.4, 7: 0.3, 3: 0.3 })][i];

describe('unmask, greedy', () => {
  it('resolves the most confident position first and reports p of the chosen token', async () => {
    const frames = await run(canvas([3, M, M, M]), crafted(threeRows), greedy({ steps: 3 }));
    expect(frames.map((f) => f.resolved)).toEqual([[1], [2], [3]]);
    expect(frames.map((f) => f.step)).toEqual([1, 2, 3]);
    expect(frames.every((f) => f.totalSteps === 3)).toBe(true);
    expect(frames[0].confidences[0]).toBeCloseTo(0.9, 6);
    expect(frames[2].confidences[0]).toBeCloseTo(0.4, 6);
    // Special ids carry the largest logits and are still never chosen.
    expect([...frames[2].ids]).toEqual([3, 4, 5, 6]);
  });

  it('breaks a tie between tokens by the lowest id, and between positions by the lowest position', async () => {
    const tie = () => row({ 7: 0.5, 4: 0.5 });
    const one = greedy({ steps: 1, strategy: 'confidence', noRepeatNgram: 0 }); // the rule would not let both take 4
    const frames = await run(canvas([M, M]), crafted(tie), one);
    expect([...frames[0].ids]).toEqual([4, 4]);
    const first = await run(canvas([M, M]), crafted(tie), greedy({ steps: 2 }));
    expect(first[0].resolved).toEqual([0]);
  });

  it('never emits a byte piece, at any temperature, however likely the model thinks it', async () => {
    const pieces = { ...SPECIAL, never: [4, 5] };
    const likely = () => row({ 4: 0.6, 5: 0.3, 6: 0.06, 7: 0.04 });
    for (const temperature of [0, 1]) {
      for (const seed of [1, 2, 3]) {
        const s = { ...DEFAULT_SETTINGS, temperature, seed, steps: 2 };
        const frames = await collect(unmask(canvas([3, M, M, M]), crafted(likely), s, pieces));
        expect([...frames[frames.length - 1].ids].slice(1).every((v) => v === 6 || v === 7)).toBe(true);
      }
    }
    // Without the rule the same rows write them: the test above would notice the rule gone.
    const without = await run(canvas([3, M]), crafted(likely), greedy());
    expect(without[0].ids[1]).toBe(4);
  });

  it('never changes a given position and hands out copies of the ids', async () => {
    const c = canvas([5, M, 6, M, 7]);
    const before = [...c.ids];
    const frames = await run(
      c,
      crafted(() => row({ 3: 1 })),
      greedy({ steps: 2 }),
    );
    expect([...c.ids]).toEqual(before);
    expect([...frames[0].ids]).toEqual([5, 3, 6, M, 7]);
    expect([...frames[1].ids]).toEqual([5, 3, 6, 3, 7]);
  });

  it('runs no step and no forward pass when nothing is masked', async () => {
    const fn = crafted(() => row({ 3: 1 }));
    expect(await run(canvas([3, 4]), fn, greedy())).toEqual([]);
    expect(fn.calls).toBe(0);
  });

  it('passes the current canvas to every forward pass and asks for the still-masked slots only', async () => {
    const seen: number[][] = [];
    const asked: number[][] = [];
    const fn: LogitsFn = async (ids, positions) => {
      seen.push([...ids]);
      asked.push([...positions!]);
      return (await crafted(threeRows)(ids, positions)) as Float32Array;
    };
    await run(canvas([3, M, M, M]), fn, greedy({ steps: 3 }));
    expect(seen).toEqual([
      [3, M, M, M],
      [3, 4, M, M],
      [3, 4, 5, M],
    ]);
    expect(asked).toEqual([[1, 2, 3], [2, 3], [3]]);
  });

  it('asks for the re-masked slots during refinement', async () => {
    const asked: number[][] = [];
    const base = crafted(threeRows);
    const fn: LogitsFn = async (ids, positions) => {
      asked.push([...positions!]);
      expect(positions!.every((i) => ids[i] === M)).toBe(true);
      return base(ids, positions);
    };
    const frames = await run(canvas([3, M, M, M]), fn, greedy({ steps: 3, refineRounds: 1, refineFraction: 0.67 }));
    const remasked = frames[3].remasked;
    expect(remasked).toHaveLength(2);
    expect(asked[3]).toEqual(remasked);
  });
});

describe('unmask, strategies', () => {
  // Position 0: p = 0.5 then 4 × 0.125 (high confidence, high entropy, wide margin).
  // Position 1: p = 0.45 / 0.55 split differently so each strategy disagrees with another.
  const a = row({ 3: 0.5, 4: 0.125, 5: 0.125, 6: 0.125, 7: 0.125 });
  const b = row({ 4: 0.55, 5: 0.45 });
  const c = row({ 6: 0.48, 7: 0.47, 3: 0.05 });
  const firstResolved = async (strategy: SamplerSettings['strategy'], rows: number[][]) =>
    (
      await run(
        canvas(rows.map(() => M)),
        crafted((i) => rows[i]),
        greedy({ steps: rows.length, strategy }),
      )
    )[0].resolved[0];

  it('confidence picks the largest p[x]', async () => {
    expect(await firstResolved('confidence', [a, b])).toBe(1); // 0.55 > 0.5
    expect(await firstResolved('confidence', [a, c])).toBe(0); // 0.5 > 0.48
  });

  it('margin picks the largest p1 - p2', async () => {
    expect(await firstResolved('margin', [a, b])).toBe(0); // 0.375 > 0.1
    expect(await firstResolved('margin', [c, b])).toBe(1); // 0.1 > 0.01
  });

  it('entropy picks the lowest entropy', async () => {
    expect(await firstResolved('entropy', [a, c])).toBe(1); // H(c) ≈ 0.87 < H(a) ≈ 1.39
    expect(await firstResolved('entropy', [b, a])).toBe(0);
  });

  it('left-to-right takes one step per token in position order, whatever the confidence', async () => {
    const rows = [c, b, a, row({ 3: 1 })];
    const frames = await run(
      canvas([M, M, 5, M, M]),
      crafted((i) => rows[Math.min(i, 3)]),
      greedy({
        strategy: 'left-to-right',
        steps: 1,
      }),
    );
    expect(frames.map((f) => f.resolved)).toEqual([[0], [1], [3], [4]]);
    expect(frames[0].totalSteps).toBe(4);
  });

  it('random draws one number per masked position, in position order, and resolves the largest', async () => {
    // Seed 1 draws 0.588, 0.073, 0.590, 0.475 (see rng.test.ts): the third masked position wins.
    const frames = await run(
      canvas([M, 3, M, M, M]),
      crafted(() => row({ 4: 1 })),
      greedy({
        strategy: 'random',
        seed: 1,
        steps: 4,
      }),
    );
    expect(frames[0].resolved).toEqual([3]);
    const again = await run(
      canvas([M, 3, M, M, M]),
      crafted(() => row({ 4: 1 })),
      greedy({
        strategy: 'random',
        seed: 1,
        steps: 4,
      }),
    );
    expect(again.map((f) => f.resolved)).toEqual(frames.map((f) => f.resolved));
  });

  it('random draws its score after the sampling draw of the same position', async () => {
    // T > 0, seed 1: position 0 draws 0.588 (token) then 0.073 (score), position 1 draws 0.590
    // then 0.475, so position 1 goes first. Greedy, the scores would be 0.588 and 0.073.
    const s = { ...DEFAULT_SETTINGS, temperature: 1, strategy: 'random' as const, seed: 1, steps: 2 };
    const sampled = await run(
      canvas([M, M]),
      crafted(() => row({ 4: 1 })),
      s,
    );
    expect(sampled[0].resolved).toEqual([1]);
    const greedyRun = await run(
      canvas([M, M]),
      crafted(() => row({ 4: 1 })),
      { ...s, temperature: 0 },
    );
    expect(greedyRun[0].resolved).toEqual([0]);
  });

  it('blocks resolve left to right and score inside a block', async () => {
    // Masked ranks 0..3 at positions 0, 1, 3, 4 (position 2 is given): blocks {0, 1} and {3, 4}.
    // The second block is far more confident, yet the first block goes first.
    const rows = [
      row({ 4: 0.3, 5: 0.7 }),
      row({ 4: 0.6, 5: 0.4 }),
      row({ 3: 1 }),
      row({ 6: 0.99, 7: 0.01 }),
      row({ 7: 0.98, 3: 0.02 }),
    ];
    const frames = await run(
      canvas([M, M, 3, M, M]),
      crafted((i) => rows[i]),
      greedy({
        strategy: 'blocks',
        blockLength: 2,
        steps: 4,
      }),
    );
    expect(frames.map((f) => f.resolved)).toEqual([[0], [1], [3], [4]]);
    // n(k) larger than what is left of a block continues into the next block.
    const two = await run(
      canvas([M, M, 3, M, M]),
      crafted((i) => rows[i]),
      greedy({
        strategy: 'blocks',
        blockLength: 2,
        steps: 3,
        schedule: 'linear',
      }),
    );
    expect(stepCounts(4, 3, 'linear')).toEqual([1, 1, 2]);
    expect(two.map((f) => f.resolved)).toEqual([[0], [1], [3, 4]]);
    // blockLength 3: block 0 is ranks 0–2, i.e. positions 0, 1 and 3 (rank counts masked slots
    // only). Margins 0.4, 0.2, 0.98 put position 3 first; position 4 (block 1) comes last.
    const margin = await run(
      canvas([M, M, 3, M, M]),
      crafted((i) => rows[i]),
      greedy({
        strategy: 'blocks',
        blockStrategy: 'margin',
        blockLength: 3,
        steps: 4,
      }),
    );
    expect(margin.map((f) => f.resolved)).toEqual([[3], [0], [1], [4]]);
  });
});

describe('unmask, sampling', () => {
  const sampling = (s: Partial<SamplerSettings>): SamplerSettings => ({
    ...DEFAULT_SETTINGS,
    topP: 1,
    topK: 0,
    temperature: 1,
    steps: 1,
    ...s,
  });
  const draw = async (weights: Record<number, number>, s: Partial<SamplerSettings>) =>
    (
      await run(
        canvas([M]),
        crafted(() => row(weights)),
        sampling(s),
      )
    )[0].ids[0];

  it('walks ids by q descending then id ascending against u · (kept sum)', async () => {
    // Equal q: id 4 comes before id 7. First draws: seed 42 → 0.219, seed 1 → 0.588.
    expect(await draw({ 7: 0.5, 4: 0.5 }, { seed: 42 })).toBe(4);
    expect(await draw({ 7: 0.5, 4: 0.5 }, { seed: 1 })).toBe(7);
    // q = 0.7 (id 6), 0.3 (id 3): seed 1 draws 0.588 → 6; seed 2 draws 0.704 (just above 0.7) → 3.
    expect(await draw({ 3: 0.3, 6: 0.7 }, { seed: 1 })).toBe(6);
    expect(await draw({ 3: 0.3, 6: 0.7 }, { seed: 2 })).toBe(3);
  });

  it('takes the first id whose running sum exceeds the target, not one that only reaches it', async () => {
    // Four equal logits make q exactly 0.25 each. Seeds 2662176989 and 3256945116 draw exactly
    // 0.25 and 0.75 first (found by inverting the generator; checked in rng terms below).
    expect(createRng(2662176989)()).toBe(0.25);
    expect(createRng(3256945116)()).toBe(0.75);
    const even = { 3: 1, 4: 1, 5: 1, 6: 1 };
    expect(await draw(even, { seed: 2662176989 })).toBe(4);
    expect(await draw(even, { seed: 3256945116 })).toBe(6);
  });

  const frequencies = async (weights: Record<number, number>, s: Partial<SamplerSettings>, runs = 2000) => {
    const counts = new Array<number>(V).fill(0);
    for (let seed = 0; seed < runs; seed++) counts[await draw(weights, { ...s, seed })]++;
    return counts.map((n) => n / runs);
  };

  it('samples from the model distribution at temperature 1 and sharpens it below 1', async () => {
    const f1 = await frequencies({ 3: 0.25, 5: 0.75 }, {});
    expect(f1[5]).toBeGreaterThan(0.71);
    expect(f1[5]).toBeLessThan(0.79);
    // T = 0.5 squares the odds: 9 : 1.
    const f05 = await frequencies({ 3: 0.25, 5: 0.75 }, { temperature: 0.5 });
    expect(f05[5]).toBeGreaterThan(0.87);
    expect(f05[5]).toBeLessThan(0.93);
    expect(f1[0] + f1[1] + f1[2]).toBe(0);
  });

  it('top-k keeps the k most likely ids', async () => {
    const f = await frequencies({ 3: 0.3, 5: 0.4, 6: 0.3 }, { topK: 1 }, 200);
    expect(f[5]).toBe(1);
    const f2 = await frequencies({ 3: 0.3, 5: 0.4, 6: 0.3 }, { topK: 2 }, 400);
    // 3 and 6 tie at 0.3; the lower id is kept.
    expect(f2[6]).toBe(0);
    expect(f2[3]).toBeGreaterThan(0.3);
    expect(f2[5]).toBeGreaterThan(0.45);
  });

  it('top-p keeps the shortest prefix whose q reaches p', async () => {
    const f = await frequencies({ 3: 0.3, 5: 0.4, 6: 0.3 }, { topP: 0.35 }, 200);
    expect(f[5]).toBe(1);
    const f2 = await frequencies({ 3: 0.3, 5: 0.4, 6: 0.3 }, { topP: 0.5 }, 400);
    expect(f2[6]).toBe(0);
    expect(f2[3]).toBeGreaterThan(0.3);
    // A prefix that reaches p exactly is enough: q = 0.25 each, p = 0.5 keeps ids 3 and 4 only.
    const f4 = await frequencies({ 3: 1, 4: 1, 5: 1, 6: 1 }, { topP: 0.5 }, 400);
    expect(f4[5] + f4[6]).toBe(0);
    expect(f4[3]).toBeGreaterThan(0.4);
    expect(f4[4]).toBeGreaterThan(0.4);
    // top-p after top-k: the shorter prefix wins.
    const f3 = await frequencies({ 3: 0.3, 5: 0.4, 6: 0.3 }, { topP: 0.9, topK: 1 }, 100);
    expect(f3[5]).toBe(1);
  });

  it('gives the same frames for the same seed and different ones for another', async () => {
    const rows = (i: number) => row({ 3: 1 + i, 4: 2, 5: 3, 6: 1, 7: 1 });
    const s = { ...DEFAULT_SETTINGS, temperature: 1, steps: 4, seed: 9 };
    const key = (fs: { ids: Int32Array; resolved: number[] }[]) =>
      JSON.stringify(fs.map((f) => [[...f.ids], f.resolved]));
    const a = key(await run(canvas(new Array(8).fill(M)), crafted(rows), s));
    const b = key(await run(canvas(new Array(8).fill(M)), crafted(rows), s));
    const c = key(await run(canvas(new Array(8).fill(M)), crafted(rows), { ...s, seed: 10 }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('draws no random number at temperature 0', async () => {
    const rows = () => row({ 3: 0.5, 4: 0.3, 5: 0.2 });
    const key = async (seed: number) =>
      JSON.stringify(
        (await run(canvas(new Array(6).fill(M)), crafted(rows), greedy({ steps: 3, seed }))).map((f) => [...f.ids]),
      );
    expect(await key(1)).toBe(await key(2));
  });
});

describe('unmask, repetition penalty', () => {
  // Token 4 leads token 5 by 0.1 in logits; ln(1.2) ≈ 0.18 turns that around.
  const near = () => [-Infinity, -Infinity, -Infinity, -Infinity, 1.0, 0.9, -Infinity, -Infinity];
  const pick = async (ids: number[], s: Partial<SamplerSettings>, rowAt: (i: number) => number[] = near) => {
    const frames = await run(canvas(ids), crafted(rowAt), greedy({ steps: 1, ...s }));
    return frames[0].ids[ids.indexOf(M)];
  };

  it('lowers tokens seen within the window', async () => {
    expect(await pick([4, M], { repetitionPenalty: 1 })).toBe(4);
    expect(await pick([4, M], { repetitionPenalty: 1.2 })).toBe(5);
    expect(await pick([M, 3, 4], { repetitionPenalty: 1.2, repetitionWindow: 2 })).toBe(5);
  });

  it('looks exactly W positions either way', async () => {
    const at = (d: number) => [4, ...new Array(d - 1).fill(3), M];
    expect(await pick(at(3), { repetitionPenalty: 1.2, repetitionWindow: 3 })).toBe(5);
    expect(await pick(at(4), { repetitionPenalty: 1.2, repetitionWindow: 3 })).toBe(4);
    expect(await pick(at(1), { repetitionPenalty: 1.2, repetitionWindow: 0 })).toBe(4);
  });

  it('counts a token once however often it appears', async () => {
    // 4 leads 5 by 0.1 < ln 1.2 but 5 trails by less than 2 ln 1.2 in this row.
    const wide = () => [-Infinity, -Infinity, -Infinity, -Infinity, 1.0, 0.7, -Infinity, -Infinity];
    expect(await pick([4, 4, M], { repetitionPenalty: 1.2 }, wide)).toBe(4);
    expect(await pick([4, 5, M], { repetitionPenalty: 1.2 }, wide)).toBe(4);
  });

  it('sees tokens resolved in earlier steps, and reports p after the penalty', async () => {
    const rows = (i: number) => (i === 0 ? row({ 4: 1 }) : near());
    const plain = await run(canvas([M, M]), crafted(rows), greedy({ steps: 2 }));
    expect([...plain[1].ids]).toEqual([4, 4]);
    const penalized = await run(canvas([M, M]), crafted(rows), greedy({ steps: 2, repetitionPenalty: 1.2 }));
    expect([...penalized[1].ids]).toEqual([4, 5]);
    const expected = Math.exp(0.9) / (Math.exp(0.9) + Math.exp(1.0 - Math.log(1.2)));
    expect(penalized[1].confidences[0]).toBeCloseTo(expected, 6);
  });
});

describe('unmask, cancel and errors', () => {
  it('returns without another forward pass once aborted', async () => {
    const controller = new AbortController();
    const fn = crafted(() => row({ 3: 1 }));
    const frames = [];
    for await (const f of unmask(canvas([M, M, M, M]), fn, greedy({ steps: 4 }), SPECIAL, controller.signal)) {
      frames.push(f);
      controller.abort();
    }
    expect(frames).toHaveLength(1);
    expect(fn.calls).toBe(1);
  });

  it('yields nothing when aborted before it starts or during a forward pass', async () => {
    const before = new AbortController();
    before.abort();
    const fn = crafted(() => row({ 3: 1 }));
    expect(await run(canvas([M]), fn, greedy(), before.signal)).toEqual([]);
    expect(fn.calls).toBe(0);

    const during = new AbortController();
    const slow: LogitsFn = async (ids, positions) => {
      during.abort();
      return (await crafted(() => row({ 3: 1 }))(ids, positions)) as Float32Array;
    };
    expect(await run(canvas([M, M]), slow, greedy({ steps: 2 }), during.signal)).toEqual([]);
  });

  it('rejects logits of the wrong size, NaN logits, and a canvas that is neither given nor masked', async () => {
    await expect(run(canvas([M, M]), async () => new Float32Array(7), greedy())).rejects.toThrow(/length 7/);
    const nan = crafted(() => [0, 0, 0, Number.NaN, 1, 1, 1, 1]);
    await expect(run(canvas([M]), nan, greedy())).rejects.toThrow(/NaN logit/);
    const inf = crafted(() => [0, 0, 0, Number.POSITIVE_INFINITY, 1, 1, 1, 1]);
    await expect(run(canvas([M]), inf, greedy())).rejects.toThrow(/Infinity logit/);
    // A special id's logit is banned anyway, so its value cannot matter.
    const oddSpecial = crafted(() => [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      0,
      -Infinity,
      1,
      -Infinity,
      -Infinity,
      -Infinity,
    ]);
    expect((await run(canvas([M]), oddSpecial, greedy()))[0].ids[0]).toBe(4);
    await expect(
      run(
        canvas([3, 4], [1, 0]),
        crafted(() => row({ 3: 1 })),
        greedy(),
      ),
    ).rejects.toThrow(/position 1/);
  });
});

describe('unmask, invariants over random logits', () => {
  it('holds for every strategy and schedule', async () => {
    const strategies = ['confidence', 'margin', 'entropy', 'random', 'blocks', 'left-to-right'] as const;
    for (const strategy of strategies) {
      for (const schedule of ['linear', 'cosine'] as const) {
        for (const temperature of [0, 0.9]) {
          const noise = createRng(strategy.length * 31 + (schedule === 'cosine' ? 7 : 0));
          const fn = crafted(() => Array.from({ length: V }, () => noise() * 6 - 3));
          const ids = [3, M, M, M, M, 4, M, M, M, M, M, M, 5];
          const masked = ids.flatMap((v, i) => (v === M ? [i] : []));
          const s = {
            ...DEFAULT_SETTINGS,
            strategy,
            schedule,
            temperature,
            steps: 4,
            blockLength: 3,
            repetitionPenalty: 1.1,
          };
          const frames = await run(canvas(ids), fn, s);
          const where = `${strategy}/${schedule}/T${temperature}`;
          const steps = strategy === 'left-to-right' ? masked.length : 4;
          expect(frames.length, where).toBe(steps);
          expect(
            frames.map((f) => f.resolved.length),
            where,
          ).toEqual(stepCounts(masked.length, steps, schedule));
          expect(
            frames.flatMap((f) => f.resolved).sort((x, y) => x - y),
            where,
          ).toEqual(masked);
          for (const f of frames) {
            expect(f.resolved, where).toEqual([...f.resolved].sort((x, y) => x - y));
            expect(
              f.confidences.every((p) => p > 0 && p <= 1),
              where,
            ).toBe(true);
            expect(f.forwardMs).toBeGreaterThanOrEqual(0);
            for (const i of f.resolved) expect(f.ids[i], where).toBeGreaterThan(SPECIAL.eos);
            for (let i = 0; i < ids.length; i++) if (ids[i] !== M) expect(f.ids[i]).toBe(ids[i]);
          }
          expect([...frames[frames.length - 1].ids].includes(M), where).toBe(false);
        }
      }
    }
  });
});

describe('unmask, adaptive schedule', () => {
  // Rows whose top probability is known: position i's best token has probability sure[i].
  const sureRows = (sure: number[]) => crafted((i) => row({ 3: sure[i], 4: (1 - sure[i]) / 2, 5: (1 - sure[i]) / 2 }));
  const adaptive = (over: Partial<SamplerSettings> = {}): SamplerSettings => ({
    ...greedy(),
    schedule: 'adaptive',
    threshold: 0.9,
    steps: 6,
    refineRounds: 0,
    ...over,
  });

  it('commits every slot that clears the threshold in one step, and the best one when none does', async () => {
    const sure = [0.95, 0.5, 0.92, 0.6, 0.4, 0.99];
    const fn = sureRows(sure);
    const frames = await run(canvas([M, M, M, M, M, M]), fn, adaptive());
    // Step 1: the three sure slots; then one per step, most certain first (p1 - p2 under margin).
    expect(frames.map((f) => f.resolved)).toEqual([[0, 2, 5], [3], [1], [4]]);
    expect(fn.calls).toBe(4);
    // Announced: the most steps left at each point, exact at the end.
    expect(frames.map((f) => [f.step, f.totalSteps])).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it('keeps to the steps budget: it commits enough to finish within it', async () => {
    const frames = await run(
      canvas([M, M, M, M, M, M]),
      sureRows([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
      adaptive({ steps: 2 }),
    );
    // Nothing is sure: the even pace, 6 slots over 2 steps.
    expect(frames.map((f) => f.resolved.length)).toEqual([3, 3]);
    expect(frames.map((f) => f.totalSteps)).toEqual([2, 2]);
  });

  it('threshold 0 commits everything in one pass; left-to-right ignores the threshold', async () => {
    const sure = [0.95, 0.5, 0.92, 0.6];
    expect((await run(canvas([M, M, M, M]), sureRows(sure), adaptive({ threshold: 0 }))).length).toBe(1);
    const ltr = await run(canvas([M, M, M, M]), sureRows(sure), adaptive({ strategy: 'left-to-right' }));
    expect(ltr.map((f) => f.resolved)).toEqual([[0], [1], [2], [3]]);
  });

  it('under blocks, only the current block commits early', async () => {
    const sure = [0.5, 0.95, 0.97, 0.99];
    const frames = await run(canvas([M, M, M, M]), sureRows(sure), adaptive({ strategy: 'blocks', blockLength: 2 }));
    // Slot 1 is sure and in block 0; slots 2-3 are sure but wait for block 1.
    expect(frames.map((f) => f.resolved)).toEqual([[1], [0], [2, 3]]);
  });

  it('refinement rounds commit by the threshold too, and a round that ends early takes no extra pass', async () => {
    const sure = [0.95, 0.5, 0.92, 0.6, 0.4, 0.99];
    const fn = sureRows(sure);
    const frames = await run(canvas([M, M, M, M, M, M]), fn, adaptive({ refineRounds: 1, refineFraction: 0.5 }));
    const refine = frames.filter((f) => f.phase === 'refine');
    // K = 3 least trusted (0.4, 0.5, 0.6: slots 4, 1, 3) over up to S_r = 3 steps: none clears 0.9.
    expect(refine[0].remasked).toEqual([1, 3, 4]);
    expect(refine.map((f) => f.resolved)).toEqual([[3], [1], [4]]);
    expect(fn.calls).toBe(frames.length);
    expect(frames.map((f) => f.step)).toEqual(frames.map((_, k) => k + 1));
    expect(frames[frames.length - 1].totalSteps).toBe(frames.length);
  });
});
