import { describe, expect, it } from 'vitest';
import { createRng } from './rng';
import { drawToken, drawTokenFullSort, RowScratch, softmaxInto } from './sampling';

describe('drawToken', () => {
  it('walks q descending, id ascending on ties', () => {
    const scratch = new RowScratch(4);
    scratch.q.set([0, 0.25, 0.25, 0.5]);
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
    const scratch = new RowScratch(V);
    const l = new Float64Array(V);
    let checked = 0;
    for (const spread of [0.5, 3, 10, 40]) {
      for (const ties of [false, true]) {
        for (let trial = 0; trial < 6; trial++) {
          for (let v = 0; v < V; v++) {
            const x = (rng() - 0.5) * spread;
            // Rounded logits make many exactly equal q values.
            l[v] = ties ? Math.round(x) : x;
          }
          l[0] = l[1] = l[2] = -Infinity;
          for (const t of [0.3, 1, 2]) {
            softmaxInto(l, scratch.q, t);
            for (const [topK, topP] of [[0, 1], [0, 0.95], [0, 0.5], [0, 0], [1, 1], [40, 1], [40, 0.9], [5000, 0.99]]) {
              for (const u of [0, rng(), rng(), rng(), 1 - 2 ** -32]) {
                const fast = drawToken(scratch, topK, topP, u);
                const full = drawTokenFullSort(scratch, topK, topP, u);
                if (fast !== full) throw new Error(`spread ${spread} ties ${ties} T ${t} k ${topK} p ${topP} u ${u}: ${fast} vs ${full}`);
                checked++;
              }
            }
          }
        }
      }
    }
    expect(checked).toBe(4 * 2 * 6 * 3 * 8 * 5);
  });
});

describe('softmaxInto', () => {
  it('gives 0 to -∞, sums to 1, and survives a tiny temperature', () => {
    const l = Float64Array.from([-Infinity, 1000, 999, 0]);
    const p = new Float64Array(4);
    softmaxInto(l, p, 1e-300);
    expect([...p]).toEqual([0, 1, 0, 0]);
    softmaxInto(l, p, 1);
    expect(p[0]).toBe(0);
    expect(p[1] / p[2]).toBeCloseTo(Math.E, 10);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });
});
