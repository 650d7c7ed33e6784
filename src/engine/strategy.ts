// Which candidates resolve first (SAMPLING.md, "One step", 2f and 3).
import type { RowScratch } from './sampling';
import type { InnerStrategy, Strategy } from './types';

/** Score of a prepared row (prepareLogits, then normalise) for the strategies that read p only;
 * higher resolves first. Needs no pass over the vocabulary: margin reads the two largest logits,
 * entropy the sum normalise took along. */
export function distributionScore(
  strategy: 'confidence' | 'margin' | 'entropy',
  row: RowScratch,
  confidence: number,
): number {
  if (strategy === 'confidence') return confidence;
  // p1 - p2: p1 = exp(0) / zp, p2 = exp(second - max) / zp (exp is monotone: the largest values
  // of p belong to the largest logits, ties counted).
  if (strategy === 'margin') return 1 / row.zp - Math.exp(row.second - row.max) / row.zp;
  return row.negEntropy;
}

/** The strategy that scores a position: blocks score with their inner strategy. */
export function scoringStrategy(strategy: Strategy, blockStrategy: InnerStrategy): Exclude<Strategy, 'blocks'> {
  return strategy === 'blocks' ? blockStrategy : strategy;
}

/**
 * The order in which the masked slots of a step resolve: indexes j into `masked` (whose score[j]
 * and block[j] they are) by block ascending, score descending, position ascending (SAMPLING.md 3).
 */
export function resolutionOrder(score: Float64Array, block: Int32Array): number[] {
  const order = Array.from(score.keys());
  order.sort((a, b) => block[a] - block[b] || (score[a] !== score[b] ? (score[a] > score[b] ? -1 : 1) : a - b));
  return order;
}

/**
 * Step 4's write order: the rows j of `order` (resolutionOrder's) whose slots masked[j] the step
 * resolves. One place for it: the engine, the inspector's replay and its write order all read it.
 */
export function stepOrder(order: ArrayLike<number>, masked: ArrayLike<number>, resolved: readonly number[]): number[] {
  const chosen = new Set(resolved);
  return Array.from(order).filter((j) => chosen.has(masked[j]));
}

/**
 * The n positions to resolve among `masked` (ascending): the first n of resolutionOrder, returned
 * in ascending position order. `score[j]` and `block[j]` belong to masked[j] (block all 0 outside
 * the blocks strategy).
 */
export function choosePositions(masked: Int32Array, score: Float64Array, block: Int32Array, n: number): number[] {
  return resolutionOrder(score, block)
    .slice(0, n)
    .map((j) => masked[j])
    .sort((a, b) => a - b);
}

/**
 * The adaptive schedule's choice (SAMPLING.md, "Adaptive unmasking"): every masked slot of the
 * current block (the lowest block holding one; all slots are block 0 outside the blocks strategy)
 * whose top probability `top[j]` reaches `threshold`, then, if that is fewer than `minimum`, the best
 * of the rest in the usual order until there are `minimum`. Ascending positions.
 */
export function chooseAdaptive(
  masked: Int32Array,
  score: Float64Array,
  block: Int32Array,
  top: Float64Array,
  threshold: number,
  minimum: number,
): number[] {
  let current = Infinity;
  for (const b of block) current = Math.min(current, b);
  const sure: number[] = [];
  const restIdx: number[] = [];
  for (let j = 0; j < masked.length; j++) {
    if (block[j] === current && top[j] >= threshold) sure.push(j);
    else restIdx.push(j);
  }
  const need = Math.max(0, minimum - sure.length);
  const rest = Int32Array.from(restIdx);
  const more =
    need > 0
      ? choosePositions(
          rest.map((j) => masked[j]),
          Float64Array.from(restIdx, (j) => score[j]),
          Int32Array.from(restIdx, (j) => block[j]),
          need,
        )
      : [];
  return [...sure.map((j) => masked[j]), ...more].sort((a, b) => a - b);
}
