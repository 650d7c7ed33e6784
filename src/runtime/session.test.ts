// Runtime parity: onnxruntime-web (WASM) on the shipped model must reproduce the logits that
// onnxruntime CPU gave the pipeline (golden_logits.json): the golden top-5 logits within a small
// tolerance (same quantized weights, different kernels, and both CPU-specific), and the same top-1
// wherever the golden margin between the first two exceeds twice that tolerance (closer than that,
// either side's rounding may flip the order); at least 80 % of the positions must be that clear.
import { describe, expect, it } from 'vitest';
import { nodeWasmSession } from './nodeOrt';
import { wasmThreads } from './session';
import { readConfig, readFixture } from './testModel';

interface GoldenLogits {
  variant: string;
  cases: { ids: number[]; top_ids: number[][]; top_logits: number[][] }[];
}

const TOLERANCE = 1e-2;
const MIN_CLEAR_SHARE = 0.8;
const config = readConfig();
const golden = readFixture<GoldenLogits>('golden_logits.json');

describe('ORT-web WASM reproduces the golden logits', () => {
  it('is the variant config.json ships', () => {
    expect(golden.variant).toBe(config.variant);
    expect(golden.cases.length).toBeGreaterThan(0);
  });

  it.each(golden.cases.map((c, i) => [i, c] as const))(
    'case %i: top-5 logits within tolerance, same top-1 where it is clear',
    async (_, c) => {
      const session = await nodeWasmSession();
      const logits = await session.logits(Int32Array.from(c.ids));
      const V = config.vocab_size;
      expect(logits.length).toBe(c.ids.length * V);
      let maxDiff = 0;
      let clear = 0;
      for (let pos = 0; pos < c.ids.length; pos++) {
        const row = logits.subarray(pos * V, (pos + 1) * V);
        let best = 0;
        for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
        if (c.top_logits[pos][0] - c.top_logits[pos][1] > 2 * TOLERANCE) {
          clear++;
          expect({ pos, top1: best }).toEqual({ pos, top1: c.top_ids[pos][0] });
        }
        c.top_ids[pos].forEach((id, k) => {
          maxDiff = Math.max(maxDiff, Math.abs(row[id] - c.top_logits[pos][k]));
        });
      }
      console.log(
        `golden logits, ${c.ids.length} positions: max |diff| of the top-5 logits = ${maxDiff.toExponential(3)}`,
      );
      expect(maxDiff).toBeLessThanOrEqual(TOLERANCE);
      expect(clear / c.ids.length, 'share of positions with a clear top-1').toBeGreaterThanOrEqual(MIN_CLEAR_SHARE);
    },
  );

  it('gives [N, V] logits for a one-token canvas and a full-context canvas', async () => {
    const session = await nodeWasmSession();
    for (const n of [1, config.context]) {
      const out = await session.logits(new Int32Array(n).fill(config.special_ids.mask));
      expect(out.length).toBe(n * config.vocab_size);
    }
  });
});

describe('the positions input', () => {
  it('gives the rows asked for, in the order asked, as the same rows of a pass over every slot', async () => {
    const session = await nodeWasmSession();
    const V = config.vocab_size;
    const ids = Int32Array.from(golden.cases[0].ids);
    const full = await session.logits(ids);
    const positions = Int32Array.from([9, 2, 5].filter((p) => p < ids.length));
    const rows = await session.logits(ids, positions);
    expect(rows.length).toBe(positions.length * V);
    let maxDiff = 0;
    positions.forEach((p, j) => {
      for (let v = 0; v < V; v++) maxDiff = Math.max(maxDiff, Math.abs(rows[j * V + v] - full[p * V + v]));
    });
    // The same weights on the same hidden states; only the kernels' blocking may round differently.
    expect(maxDiff).toBeLessThan(1e-4);
  });
});

describe('wasmThreads', () => {
  it('uses one thread without cross-origin isolation, both cores on two, leaves one free above', () => {
    expect(wasmThreads(false, 16)).toBe(1);
    expect(wasmThreads(true, 1)).toBe(1);
    expect(wasmThreads(true, 2)).toBe(2);
    expect(wasmThreads(true, 4)).toBe(3);
    expect(wasmThreads(true, 32)).toBe(4);
    expect(wasmThreads(true, undefined)).toBe(2);
  });
});
