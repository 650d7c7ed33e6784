// Which candidates resolve first (SAMPLING.md, "One step", 2f and 3).
import type { InnerStrategy, Strategy } from './types';

/** Score of a distribution p for the strategies that read p only (higher resolves first). */
export function distributionScore(strategy: 'confidence' | 'margin' | 'entropy', p: Float64Array, x: number): number {
  if (strategy === 'confidence') return p[x];
  if (strategy === 'margin') {
    let p1 = -Infinity;
    let p2 = -Infinity;
    for (let v = 0; v < p.length; v++) {
      const y = p[v];
      if (y > p1) {
        p2 = p1;
        p1 = y;
      } else if (y > p2) {
        p2 = y;
      }
    }
    return p1 - p2;
  }
  // -H(p) = Σ p log p, with 0 log 0 = 0.
  let s = 0;
  for (let v = 0; v < p.length; v++) {
    const y = p[v];
    if (y > 0) s += y * Math.log(y);
  }
  return s;
}

/** The strategy that scores a position: blocks score with their inner strategy. */
export function scoringStrategy(strategy: Strategy, blockStrategy: InnerStrategy): Exclude<Strategy, 'blocks'> {
  return strategy === 'blocks' ? blockStrategy : strategy;
}

/**
 * The n positions to resolve: by block ascending, score descending, position ascending; returned
 * in ascending position order. `block` maps a position to its block (all 0 outside blocks).
 */
export function choosePositions(
  masked: readonly number[],
  score: (i: number) => number,
  block: (i: number) => number,
  n: number,
): number[] {
  const order = [...masked].sort((a, b) => {
    const ba = block(a);
    const bb = block(b);
    if (ba !== bb) return ba - bb;
    const sa = score(a);
    const sb = score(b);
    if (sa !== sb) return sa > sb ? -1 : 1;
    return a - b;
  });
  return order.slice(0, n).sort((a, b) => a - b);
}
