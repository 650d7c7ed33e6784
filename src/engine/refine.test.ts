// Drafts and refinement rounds (SAMPLING.md 2e', "Refinement", "Frames").
import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { plannedSteps } from './schedule';
import { DEFAULT_SETTINGS } from './settings';
import { canvas, collect, crafted, M, row, SPECIAL, V } from './testkit';
import type { Canvas, LogitsFn, SamplerSettings } from './types';
import { unmask } from './unmask';

const greedy = (s: Partial<SamplerSettings> = {}): SamplerSettings => ({ ...DEFAULT_SETTINGS, temperature: 0, ...s });
const run = (c: Canvas, fn: LogitsFn, s: SamplerSettings) => collect(unmask(c, fn, s, SPECIAL));
const noise = (seed: number) => {
  const rng = createRng(seed);
  return crafted(() => Array.from({ length: V }, () => rng() * 6 - 3));
};
// Given tokens spread through the canvas, so a rule that re-masked them would be seen.
const IDS = [3, M, M, 4, M, M, M, 5, M, M, M, M, 6, M];
const GIVEN = IDS.flatMap((v, i) => (v === M ? [] : [i]));

describe('refinement', () => {
  it('re-masks the least trusted token, and its new confidence becomes its trust', async () => {
    // Position 1 is fairly sure (0.6) whatever the context. Position 2 is a coin toss (0.5) while 1 is
    // masked and sure of 7 (0.99) once 1 is resolved.
    const fn = crafted((i, ids) =>
      i === 1
        ? row({ 4: 0.6, 5: 0.4 })
        : i === 2
          ? ids[1] === M
            ? row({ 6: 0.5, 7: 0.5 })
            : row({ 7: 0.99, 6: 0.01 })
          : row({ 3: 1 }),
    );
    const frames = await run(canvas([3, M, M]), fn, greedy({ steps: 1, refineRounds: 2, refineFraction: 0.5 }));
    expect(frames.map((f) => [f.phase, f.round, f.remasked])).toEqual([
      ['unmask', 0, []],
      ['refine', 1, [2]],
      ['refine', 2, [1]],
    ]);
    expect(frames.map((f) => [...f.ids])).toEqual([
      [3, 4, 6],
      [3, 4, 7],
      [3, 4, 7],
    ]);
    expect(frames[1].confidences[0]).toBeCloseTo(0.99, 6);
    expect(fn.calls).toBe(3);
  });

  it('never re-masks a given token, re-resolves exactly what it re-masked, and counts every pass', async () => {
    for (const strategy of ['confidence', 'margin', 'entropy', 'random', 'blocks', 'left-to-right'] as const) {
      for (const temperature of [0, 0.9]) {
        const where = `${strategy}/T${temperature}`;
        const fn = noise(strategy.length * 13 + temperature * 10);
        const s = {
          ...DEFAULT_SETTINGS,
          strategy,
          temperature,
          steps: 4,
          blockLength: 3,
          refineRounds: 3,
          refineFraction: 0.3,
        };
        const frames = await run(canvas(IDS), fn, s);
        const generated = IDS.length - GIVEN.length;
        expect(frames.length, where).toBe(plannedSteps(generated, s));
        expect(fn.calls, where).toBe(frames.length);
        expect(
          frames.map((f) => f.step),
          where,
        ).toEqual(frames.map((_, k) => k + 1));
        expect(
          frames.every((f) => f.totalSteps === frames.length),
          where,
        ).toBe(true);
        for (const round of [1, 2, 3]) {
          const inRound = frames.filter((f) => f.round === round);
          expect(
            inRound.every((f) => f.phase === 'refine'),
            where,
          ).toBe(true);
          const remasked = inRound[0].remasked;
          expect(remasked.length, where).toBe(Math.round(0.3 * generated));
          expect(
            remasked.some((i) => GIVEN.includes(i)),
            where,
          ).toBe(false);
          expect(
            inRound.slice(1).every((f) => f.remasked.length === 0),
            where,
          ).toBe(true);
          expect(
            inRound.flatMap((f) => f.resolved).sort((a, b) => a - b),
            where,
          ).toEqual(remasked);
        }
        for (const f of frames) for (const i of GIVEN) expect(f.ids[i], where).toBe(IDS[i]);
        expect([...frames[frames.length - 1].ids].includes(M), where).toBe(false);
      }
    }
  });

  it('with 0 rounds gives exactly the unmasking frames of a run with refinement', async () => {
    const s = { ...DEFAULT_SETTINGS, temperature: 0.9, steps: 5, seed: 4 };
    const a = await run(canvas(IDS), noise(5), { ...s, refineRounds: 0 });
    const b = await run(canvas(IDS), noise(5), { ...s, refineRounds: 2 });
    const key = (fs: typeof a) => fs.map((f) => ({ ...f, forwardMs: 0, totalSteps: 0 }));
    expect(a).toHaveLength(5);
    expect(b.length).toBeGreaterThan(5);
    expect(key(a)).toEqual(key(b.slice(0, 5)));
    expect(a.every((f) => f.phase === 'unmask' && f.round === 0 && f.totalSteps === 5)).toBe(true);
  });

  it('is deterministic: same seed same frames, another seed other frames, and no random numbers at T 0', async () => {
    const s = { ...DEFAULT_SETTINGS, temperature: 1, steps: 4, seed: 9, refineRounds: 4, refineFraction: 0.4 };
    const key = async (x: SamplerSettings) =>
      JSON.stringify(
        (await run(canvas(IDS), noise(11), x)).map((f) => [
          [...f.ids],
          f.resolved,
          f.remasked,
          [...f.draftIds],
          [...f.draftProbs],
        ]),
      );
    expect(await key(s)).toBe(await key(s));
    expect(await key({ ...s, seed: 10 })).not.toBe(await key(s));
    expect(await key({ ...s, temperature: 0, seed: 1 })).toBe(await key({ ...s, temperature: 0, seed: 2 }));
  });
});

describe('drafts', () => {
  it('give every still-masked slot the argmax of its row and that softmax probability, and nothing else', async () => {
    for (const temperature of [0, 0.8]) {
      const inputs: Int32Array[] = [];
      const outputs: Float32Array[] = [];
      const asked: Int32Array[] = [];
      const base = noise(21 + temperature);
      const recording: LogitsFn = async (ids, positions) => {
        inputs.push(ids.slice());
        asked.push(positions!);
        const out = await base(ids, positions);
        outputs.push(out);
        return out;
      };
      const frames = await run(canvas(IDS), recording, { ...DEFAULT_SETTINGS, temperature, steps: 5, refineRounds: 2 });
      frames.forEach((f, k) => {
        expect(f.draftIds.length).toBe(IDS.length);
        expect(f.draftProbs.length).toBe(IDS.length);
        for (let i = 0; i < IDS.length; i++) {
          if (f.ids[i] !== M) {
            expect(f.draftIds[i]).toBe(-1);
            expect(f.draftProbs[i]).toBe(0);
            continue;
          }
          // An independent oracle: softmax of the row with the special ids removed (penalty off).
          const j = asked[k].indexOf(i);
          const l = Array.from(outputs[k].subarray(j * V, (j + 1) * V), Number);
          for (const v of [SPECIAL.pad, SPECIAL.mask, SPECIAL.eos]) l[v] = -Infinity;
          const max = Math.max(...l);
          const z = l.reduce((a, x) => a + Math.exp(x - max), 0);
          expect(f.draftIds[i]).toBe(l.indexOf(max));
          expect(f.draftProbs[i]).toBeGreaterThan(0);
          expect(f.draftProbs[i]).toBeLessThanOrEqual(1);
          expect(f.draftProbs[i]).toBeCloseTo(1 / z, 6);
          expect(inputs[k][i]).toBe(M); // masked before the pass, so the row is a real prediction
        }
      });
    }
  });

  it('at temperature 0 is the token the slot later gets, when nothing changed around it', async () => {
    // Rows that ignore the context: the greedy choice never changes, so the draft is the final token.
    const fn = crafted((i) => row({ [3 + (i % 5)]: 0.7, [3 + ((i + 1) % 5)]: 0.3 }));
    const frames = await run(canvas(new Array(6).fill(M)), fn, greedy({ steps: 3 }));
    const final = frames[frames.length - 1].ids;
    for (const f of frames) for (let i = 0; i < 6; i++) if (f.draftIds[i] >= 0) expect(f.draftIds[i]).toBe(final[i]);
    expect(frames[0].draftProbs.filter((p) => p > 0).every((p) => Math.abs(p - 0.7) < 1e-6)).toBe(true);
  });
});
