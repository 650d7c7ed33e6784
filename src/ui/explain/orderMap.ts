// The order map's data, from a run as the store keeps it (no DOM): for every generated slot, the step it
// last resolved at and the steps at which refinement re-masked it; per step, how many slots were still
// masked after it and the mean confidence of what it committed. The map draws these; tests read them.
import type { RunView } from '../../store/run';

export interface OrderColumn {
  /** Index in the canvas (the token's data-index). */
  position: number;
  /** 1-based step at which the slot last resolved; 0 while it is still masked. */
  step: number;
  /** Its confidence when it last resolved. */
  confidence: number;
  /** Earlier resolutions that refinement undid: the step each was resolved at and the step it was re-masked. */
  undone: { resolvedAt: number; remaskedAt: number }[];
}

export interface OrderMap {
  columns: OrderColumn[];
  /** Positions of the given text (prompt or template) and of kept tokens: drawn as given. */
  given: number[];
  /** Canvas length: the map has one column per position, given ones included. */
  positions: number;
  steps: number;
  /** After each step (index k = step k + 1): masked slots left, and the mean confidence committed. */
  maskedLeft: number[];
  meanConfidence: (number | null)[];
}

export function orderMapOf(run: RunView): OrderMap {
  const n = run.ids.length;
  const open = [...Array(n).keys()].filter((i) => !run.fixed[i]);
  const lastStep = new Map<number, { step: number; confidence: number }>();
  const undone = new Map<number, { resolvedAt: number; remaskedAt: number }[]>();
  const maskedLeft: number[] = [];
  const meanConfidence: (number | null)[] = [];
  let masked = open.filter((i) => run.initialIds[i] === run.maskId).length;
  for (const f of run.frames) {
    for (const i of f.remasked ?? []) {
      const was = lastStep.get(i);
      if (was) undone.set(i, [...(undone.get(i) ?? []), { resolvedAt: was.step, remaskedAt: f.step }]);
      lastStep.delete(i);
      masked++;
    }
    f.resolved.forEach((i, j) => lastStep.set(i, { step: f.step, confidence: f.confidences[j] ?? 0 }));
    masked -= f.resolved.length;
    maskedLeft.push(masked);
    const c = f.confidences;
    meanConfidence.push(c.length > 0 ? c.reduce((a, b) => a + b, 0) / c.length : null);
  }
  return {
    columns: open.map((position) => ({
      position,
      step: lastStep.get(position)?.step ?? 0,
      confidence: lastStep.get(position)?.confidence ?? 0,
      undone: undone.get(position) ?? [],
    })),
    given: [...Array(n).keys()].filter((i) => run.fixed[i]),
    positions: n,
    steps: run.frames.length,
    maskedLeft,
    meanConfidence,
  };
}

/** The step at which a left-to-right decoder with the same number of steps would write the `rank`-th
 * generated slot (0-based, in reading order) of `count`: equal shares in reading order, so its cells
 * fall on the diagonal the map draws beside the run's own order. */
export function leftToRightStep(rank: number, count: number, steps: number): number {
  if (count <= 0 || steps <= 0) return 0;
  return Math.min(steps, Math.floor((rank * steps) / count) + 1);
}
