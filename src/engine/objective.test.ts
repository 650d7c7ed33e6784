// The noise panel's objective in Node, on fakes with a known answer (the twin on the shipped graph
// is src/runtime/objective.twin.test.ts).
import { describe, expect, it } from 'vitest';
import {
  boundOf,
  curvePoints,
  drawSeed,
  lossAt,
  lossCurve,
  noiseMask,
  noisyCanvas,
  scoreRows,
  type DenoiseFn,
  type Passage,
} from './objective';
import { createRng } from './rng';

const V = 16;
const MASK = 1;

describe('the seeded noise draw', () => {
  it('masks a slot iff the shared generator falls below t', () => {
    const rng = createRng(drawSeed(7, 2));
    const want = Array.from({ length: 50 }, () => (rng() < 0.3 ? 1 : 0));
    expect(Array.from(noiseMask(50, 0.3, 7, 2))).toEqual(want);
    expect(noiseMask(40, 0, 3).every((m) => m === 0)).toBe(true);
    expect(noiseMask(40, 1, 3).every((m) => m === 1)).toBe(true);
    const big = noiseMask(20000, 0.3, 1);
    expect(Math.abs(big.reduce((a, b) => a + b, 0) / 20000 - 0.3)).toBeLessThan(0.01);
  });

  it('is nested in t, and draws are different streams', () => {
    const lo = noiseMask(200, 0.2, 4);
    const hi = noiseMask(200, 0.6, 4);
    expect(lo.every((m, i) => m <= hi[i])).toBe(true);
    const seeds = new Set<number>();
    for (let s = 0; s < 20; s++) for (let d = 0; d < 20; d++) seeds.add(drawSeed(s, d));
    expect(seeds.size).toBe(400);
    const a = noiseMask(400, 0.5, 9, 0).join('');
    const b = noiseMask(400, 0.5, 9, 1).join('');
    expect(a.slice(1)).not.toBe(b.slice(0, -1));
  });

  it('puts [MASK] at exactly the masked slots', () => {
    const mask = Uint8Array.from([0, 1, 1, 0, 1]);
    const { ids, positions } = noisyCanvas([5, 6, 7, 8, 9], mask, MASK);
    expect(Array.from(ids)).toEqual([5, MASK, MASK, 8, MASK]);
    expect(Array.from(positions)).toEqual([1, 2, 4]);
  });
});

describe('the loss on one pass', () => {
  it('scores the true token over the whole vocabulary and names the best guess', () => {
    const rows = new Float32Array(2 * V);
    rows[3] = Math.log(3); // row 0: token 3 has weight 3, the rest 1
    rows[V + 9] = 2;
    const got = scoreRows(rows, V, Int32Array.from([0, 2]), [4, 0, 9]);
    expect(got.nll[0]).toBeCloseTo(Math.log(V + 2), 6); // the truth (4) has weight 1 of V + 2 (float32 logits)
    expect(got.guess[0]).toBe(3);
    expect(got.guessProb[0]).toBeCloseTo(3 / (V + 2), 6);
    expect(got.nll[1]).toBeCloseTo(Math.log(V - 1 + Math.E ** 2) - 2, 6);
    expect(got.guess[1]).toBe(9);
  });

  it('reports bits per masked token and the integrand at t', () => {
    const nll = Float64Array.from([Math.LN2, 3 * Math.LN2]);
    expect(lossAt(nll, 0.25, 8)).toEqual({ bitsPerMaskedToken: 2, integrandNats: (4 * Math.LN2) / 2 });
    expect(lossAt(new Float64Array(0), 0.1, 8)).toEqual({ bitsPerMaskedToken: null, integrandNats: 0 });
  });
});

describe('the bound', () => {
  const uniform: DenoiseFn = async (noisy, targets) => {
    const positions = Int32Array.from([...noisy.keys()].filter((i) => noisy[i] === MASK));
    return scoreRows(new Float32Array(positions.length * V), V, positions, targets);
  };
  const passages: Passage[] = Array.from({ length: 4 }, (_, j) => ({
    book: `b${j}`,
    text: 'é'.repeat(60), // 120 UTF-8 bytes
    ids: Array.from({ length: 100 }, (_, i) => 2 + ((i + j) % 14)),
  }));

  it('of a uniform model is ln V per token, in bits per byte by tokens over UTF-8 bytes', async () => {
    const got = await lossCurve(uniform, passages, { points: 8, draws: 4, seed: 0, maskId: MASK });
    expect(got.curve.map((c) => c.t)).toEqual(curvePoints(8));
    expect(Math.abs(got.natsPerToken / Math.log(V) - 1)).toBeLessThan(0.05);
    expect(got.bitsPerByte).toBeCloseTo((got.natsPerToken / Math.LN2) * (400 / 480), 12);
    expect(boundOf(got.curve, passages)).toEqual(got);
  });

  it('reports progress and stops when cancelled', async () => {
    const seen: number[] = [];
    const ctl = new AbortController();
    const run = lossCurve(uniform, passages, {
      points: 8,
      draws: 2,
      seed: 0,
      maskId: MASK,
      signal: ctl.signal,
      onProgress: (done, total) => {
        seen.push(done);
        expect(total).toBe(64);
        if (done === 10) ctl.abort();
      },
    });
    await expect(run).rejects.toThrow(/cancelled/);
    expect(Math.max(...seen)).toBe(10);
  });

  it('stops on cancel while a pass is owed and never answered (an engine that went away)', async () => {
    const ctl = new AbortController();
    let asked = 0;
    const never = () => {
      asked++;
      return new Promise<never>(() => undefined);
    };
    const run = lossCurve(never, passages, { points: 8, draws: 2, seed: 0, maskId: MASK, signal: ctl.signal });
    await Promise.resolve();
    expect(asked).toBe(1);
    ctl.abort();
    await expect(run).rejects.toThrow(/cancelled/);
  });
});
