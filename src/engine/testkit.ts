// Crafted logits for the engine's tests (not shipped: nothing outside *.test.ts imports it).
import { scoreRows, type DenoiseFn } from './objective';
import type { Canvas, LogitsFn, SpecialIds } from './types';

export const SPECIAL: SpecialIds = { pad: 0, mask: 1, eos: 2 };
export const M = SPECIAL.mask;
export const V = 8; // ids 0–2 special, 3–7 ordinary tokens

/** A row of logits that gives token v probability proportional to weights[v] (others 0), with the
 * special ids made the most attractive so that a sampler that forgets to ban them is caught. */
export function row(weights: Record<number, number>): number[] {
  const r = new Array<number>(V).fill(-Infinity);
  for (const [v, w] of Object.entries(weights)) r[Number(v)] = Math.log(w);
  r[SPECIAL.pad] = 50;
  r[SPECIAL.mask] = 60;
  r[SPECIAL.eos] = 70;
  return r;
}

/** Logits whose row for position i comes from rowAt(i, ids) on every forward pass, at the
 * positions asked for (every slot without them); counts the passes. */
export function crafted(rowAt: (i: number, ids: Int32Array) => number[]): LogitsFn & { calls: number } {
  const fn = async (ids: Int32Array, positions?: Int32Array) => {
    fn.calls++;
    const at = positions ?? Int32Array.from(ids.keys());
    const out = new Float32Array(at.length * V);
    at.forEach((i, j) => out.set(rowAt(i, ids), j * V));
    return out;
  };
  fn.calls = 0;
  return fn;
}

/** A denoise pass (objective.ts's DenoiseFn) whose row for each masked position i is rowAt(i, noisy),
 * scored as the worker scores it; keeps every canvas it was sent. */
export function craftedDenoise(rowAt: (i: number, ids: Int32Array) => number[]): DenoiseFn & { canvases: number[][] } {
  const fn = async (noisy: Int32Array, targets: Int32Array) => {
    fn.canvases.push(Array.from(noisy));
    const positions = Int32Array.from([...noisy.keys()].filter((i) => noisy[i] === M));
    const rows = new Float32Array(positions.length * V);
    positions.forEach((i, j) => rows.set(rowAt(i, noisy), j * V));
    return scoreRows(rows, V, positions, targets);
  };
  fn.canvases = [] as number[][];
  return fn;
}

export function canvas(ids: number[], fixed?: number[]): Canvas {
  return {
    ids: Int32Array.from(ids),
    fixed: Uint8Array.from(fixed ?? ids.map((v) => (v === M ? 0 : 1))),
  };
}

export async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
