import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { analyse, drawToken, prepareLogits, probability, RowScratch, summaryRow } from './sampling';
import { distributionScore } from './strategy';

const SPECIAL = { pad: 0, mask: 1, eos: 2 };

/** drawToken by sorting every id with q = e / z > 0: the reference the bucketed draw must agree with. */
function drawTokenFullSort(scratch: RowScratch, topK: number, topP: number, u: number): number {
  const { e, z } = scratch;
  const ids: number[] = [];
  for (let v = 0; v < scratch.vocab; v++) if (e[v] / z > 0) ids.push(v);
  ids.sort((a, b) => e[b] - e[a] || a - b);
  let n = topK > 0 ? Math.min(ids.length, topK) : ids.length;
  if (topP < 1) {
    let acc = 0;
    for (let j = 0; j < n; j++) {
      acc += e[ids[j]] / z;
      if (acc >= topP) {
        n = j + 1;
        break;
      }
    }
  }
  let total = 0;
  for (let j = 0; j < n; j++) total += e[ids[j]] / z;
  let acc = 0;
  for (let j = 0; j < n; j++) {
    acc += e[ids[j]] / z;
    if (acc > u * total) return ids[j];
  }
  return ids[n - 1];
}

/** scratch as prepareLogits leaves it for the logits `l` (no specials, no penalty). */
function prepared(l: ArrayLike<number>): RowScratch {
  const scratch = new RowScratch(l.length);
  prepareLogits(Float64Array.from(l), new Int32Array(1), 0, { pad: -1, mask: -1, eos: -1 }, 1, 0, scratch);
  return scratch;
}

/** True when ids a and b of the full draw order are separated only by running sums within
 * rounding (1e-12 of the total) of the walk's target u · total. */
function roundingApart(scratch: RowScratch, a: number, b: number, u: number): boolean {
  const { e, z } = scratch;
  const ids = [...e.keys()].filter((v) => e[v] > 0).sort((x, y) => e[y] - e[x] || x - y);
  const ia = ids.indexOf(a);
  const ib = ids.indexOf(b);
  let total = 0;
  for (const v of ids) total += e[v] / z;
  let acc = 0;
  for (let j = 0; j < Math.max(ia, ib); j++) {
    acc += e[ids[j]] / z;
    if (j >= Math.min(ia, ib) && Math.abs(acc - u * total) > 1e-12 * total) return false;
  }
  return true;
}

describe('drawToken', () => {
  it('walks q descending, id ascending on ties', () => {
    // q = [0, 0.25, 0.25, 0.5].
    const scratch = prepared([-Infinity, Math.log(0.25), Math.log(0.25), Math.log(0.5)]);
    analyse(scratch, 1, false);
    expect(scratch.count).toBe(3);
    // Order: id 3 (0.5), id 1, id 2; the walk stops where the running sum first exceeds u.
    expect(drawToken(scratch, 0, 1, 0.49)).toBe(3);
    expect(drawToken(scratch, 0, 1, 0.5)).toBe(1);
    expect(drawToken(scratch, 0, 1, 0.74)).toBe(1);
    expect(drawToken(scratch, 0, 1, 0.75)).toBe(2);
    expect(drawToken(scratch, 0, 1, 0.999)).toBe(2);
    // top-k 2 keeps ids 3 and 1: u · 0.75 decides.
    expect(drawToken(scratch, 2, 1, 0.6)).toBe(3);
    expect(drawToken(scratch, 2, 1, 0.9)).toBe(1);
    // top-p 0.5 keeps id 3 alone.
    expect(drawToken(scratch, 0, 0.5, 0.999)).toBe(3);
  });

  it('agrees with a full sort on every kind of distribution', () => {
    const V = 4096;
    const rng = createRng(2024);
    const l = new Float64Array(V);
    let checked = 0;
    let apart = 0;
    for (const spread of [0.5, 3, 10, 40]) {
      for (const ties of [false, true]) {
        for (let trial = 0; trial < 6; trial++) {
          for (let v = 0; v < V; v++) {
            const x = (rng() - 0.5) * spread;
            // Rounded logits make many exactly equal q values.
            l[v] = ties ? Math.round(x) : x;
          }
          l[0] = l[1] = l[2] = -Infinity;
          const scratch = prepared(l);
          for (const t of [0.3, 1, 2]) {
            analyse(scratch, t, false);
            for (const [topK, topP] of [
              [0, 1],
              [0, 0.95],
              [0, 0.5],
              [0, 0],
              [1, 1],
              [40, 1],
              [40, 0.9],
              [5000, 0.99],
            ]) {
              for (const u of [0, rng(), rng(), rng(), 1 - 2 ** -32]) {
                const fast = drawToken(scratch, topK, topP, u);
                const full = drawTokenFullSort(scratch, topK, topP, u);
                if (fast !== full && !roundingApart(scratch, fast, full, u)) {
                  throw new Error(
                    `spread ${spread} ties ${ties} T ${t} k ${topK} p ${topP} u ${u}: ${fast} vs ${full}`,
                  );
                }
                if (fast !== full) apart++;
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(4 * 2 * 6 * 3 * 8 * 5);
    // The bucketed draw adds the same weights in another order: only a draw whose u lands within
    // rounding of a running sum (u = 1 - 2^-32 deep in a tail of 1e-17 weights) may differ.
    expect(apart).toBeLessThan(checked / 100);
  });
});

describe('one row', () => {
  it('gives 0 weight to -∞ and survives a tiny temperature', () => {
    const scratch = prepared([-Infinity, 1000, 999, 0]);
    analyse(scratch, 1e-300, true);
    expect([...scratch.e]).toEqual([0, 1, 0, 0]);
    expect(drawToken(scratch, 0, 1, 0.999)).toBe(1);
    expect(probability(scratch, 1) / probability(scratch, 2)).toBeCloseTo(Math.E, 10);
    expect(probability(scratch, 0)).toBe(0);
  });

  it('has the draft, p, q, margin and entropy of a direct softmax, specials banned, penalty applied', () => {
    const rng = createRng(5);
    const V = 300;
    for (let trial = 0; trial < 20; trial++) {
      const row = Float32Array.from({ length: V }, () => (rng() - 0.5) * 16);
      row[SPECIAL.eos] = 99; // must never win
      const ids = Int32Array.from([7, 1, 9, 9]);
      const scratch = new RowScratch(V);
      const penalty = trial % 2 ? 1.5 : 1;
      prepareLogits(row, ids, 1, SPECIAL, penalty, 2, scratch);
      for (const temperature of [0, 0.8, 1, 0.73]) {
        analyse(scratch, temperature, true);
        const l = Array.from(row, Number);
        l[0] = l[1] = l[2] = -Infinity;
        if (penalty !== 1) for (const v of [7, 9]) l[v] -= Math.log(penalty);
        const max = Math.max(...l);
        const z = l.reduce((a, x) => a + Math.exp(x - max), 0);
        const p = l.map((x) => Math.exp(x - max) / z);
        const best = p.indexOf(Math.max(...p));
        const sorted = [...p].sort((a, b) => b - a);
        expect(scratch.best).toBe(best);
        expect(1 / scratch.zp).toBeCloseTo(p[best], 14);
        expect(probability(scratch, 50)).toBeCloseTo(p[50], 14);
        expect(distributionScore('margin', scratch, 0)).toBeCloseTo(sorted[0] - sorted[1], 14);
        if (temperature > 0) {
          // q = softmax(l / T), whether from its own exponential (0.73) or as a power of p's (0.8 = 4/5).
          const zq = l.reduce((a, x) => a + Math.exp((x - max) / temperature), 0);
          for (const v of [best, 50, 51])
            expect(scratch.e[v] / scratch.z).toBeCloseTo(Math.exp((l[v] - max) / temperature) / zq, 14);
        }
        expect(distributionScore('entropy', scratch, 0)).toBeCloseTo(
          p.reduce((a, q) => a + (q > 0 ? q * Math.log(q) : 0), 0),
          12,
        );
      }
    }
  });

  it('rejects NaN and +∞ outside the special ids, and a row with nothing finite', () => {
    const scratch = new RowScratch(5);
    const ids = new Int32Array(1);
    expect(() => prepareLogits(Float32Array.from([0, 0, 0, Number.NaN, 1]), ids, 0, SPECIAL, 1, 0, scratch)).toThrow(
      /NaN logit at position 0/,
    );
    expect(() => prepareLogits(Float32Array.from([0, 0, 0, 1, Infinity]), ids, 0, SPECIAL, 1, 0, scratch)).toThrow(
      /Infinity/,
    );
    expect(() =>
      prepareLogits(Float32Array.from([Number.NaN, 0, 0, 1, 2]), ids, 0, SPECIAL, 1, 0, scratch),
    ).not.toThrow();
    expect(() =>
      prepareLogits(Float32Array.from([0, 0, 0, -Infinity, -Infinity]), ids, 0, SPECIAL, 1, 0, scratch),
    ).toThrow(/no usable token/);
  });
});

describe('summaryRow (the graph row summary in place of a pass over the row)', () => {
  const sp = { pad: 0, mask: 1, eos: 2 };
  const summary = (top: number[], ids: number[], p: number) => ({
    top2Logits: Float32Array.from(top),
    top2Ids: Int32Array.from(ids),
    topProb: Float32Array.from([p]),
  });
  it('sets what prepareLogits and analyse(T 0) set for the same row', () => {
    const row = Float32Array.from([9, 9, 9, 1.5, 4, 2, 4]);
    const full = new RowScratch(7);
    prepareLogits(row, new Int32Array(7), 0, sp, 1, 0, full);
    analyse(full, 0, false);
    const fast = new RowScratch(7);
    expect(summaryRow(summary([4, 4], [4, 6], 1 / full.zp), 0, sp, fast)).toBe(true);
    expect([fast.max, fast.second, fast.best]).toEqual([full.max, full.second, full.best]);
    expect(fast.zp).toBeCloseTo(full.zp, 6);
  });
  it('refuses a broken row, so that the logits themselves are read', () => {
    const s = new RowScratch(8);
    expect(summaryRow(summary([3, 1], [5, 4], Number.NaN), 0, sp, s)).toBe(false);
    expect(summaryRow(summary([Infinity, 1], [5, 4], 0.5), 0, sp, s)).toBe(false);
    expect(summaryRow(summary([3, 1], [1, 4], 0.5), 0, sp, s)).toBe(false);
    expect(summaryRow(summary([3, 1], [9, 4], 0.5), 0, sp, s)).toBe(false);
    expect(summaryRow(summary([3, 1], [5, 4], 0), 0, sp, s)).toBe(false);
  });
  it('reads a special runner-up as no runner-up', () => {
    const s = new RowScratch(8);
    expect(summaryRow(summary([3, -1e9], [5, 0], 1), 0, sp, s)).toBe(true);
    expect(s.second).toBe(-Infinity);
  });
  it('treats byte pieces as the specials: never the best, and no runner-up', () => {
    const pieces = { ...sp, never: [5, 6] };
    const s = new RowScratch(8);
    expect(summaryRow(summary([3, 1], [5, 4], 0.5), 0, pieces, s)).toBe(false);
    expect(summaryRow(summary([3, -1e9], [4, 6], 1), 0, pieces, s)).toBe(true);
    expect(s.second).toBe(-Infinity);
  });
});

describe('byte pieces (SAMPLING.md 2a)', () => {
  it('get -∞ like the special ids, and the best of the rest is the draft', () => {
    const scratch = new RowScratch(7);
    const row = Float32Array.from([0, 0, 0, 1, 9, 8, 2]);
    prepareLogits(row, new Int32Array(7), 0, { ...SPECIAL, never: [4, 5] }, 1, 0, scratch);
    expect([scratch.l[4], scratch.l[5]]).toEqual([-Infinity, -Infinity]);
    expect(scratch.best).toBe(6);
    analyse(scratch, 1, false);
    expect(probability(scratch, 4)).toBe(0);
    expect(probability(scratch, 6) + probability(scratch, 3)).toBeCloseTo(1, 12);
  });
});
