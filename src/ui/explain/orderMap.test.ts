import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame } from '../../engine';
import { applyFrame, startRun } from '../../store/run';
import { leftToRightStep, orderMapOf } from './orderMap';

const M = 1;
const frame = (step: number, ids: number[], resolved: number[], conf: number[], extra: Partial<Frame> = {}): Frame => ({
  step,
  totalSteps: 3,
  ids: Int32Array.from(ids),
  resolved,
  confidences: conf,
  forwardMs: 1,
  ...extra,
});

describe('order map data', () => {
  // [given 7, mask, mask]: step 1 resolves both, step 2 re-masks slot 1, step 3 resolves it again.
  let run = startRun(1, Int32Array.from([7, M, M]), Uint8Array.from([1, 0, 0]), 3, DEFAULT_SETTINGS, null, 0);
  run = applyFrame(run, frame(1, [7, 33, 40], [1, 2], [0.2, 0.6]), 1);
  run = applyFrame(run, frame(2, [7, M, 40], [], [], { phase: 'refine', round: 1, remasked: [1] }), 2);
  run = applyFrame(run, frame(3, [7, 44, 40], [1], [0.9], { phase: 'refine', round: 1 }), 3);

  it('gives each generated slot its last step, its confidence and what refinement undid', () => {
    const map = orderMapOf(run);
    expect(map.given).toEqual([0]);
    expect(map.positions).toBe(3);
    expect(map.columns).toEqual([
      { position: 1, step: 3, confidence: 0.9, undone: [{ resolvedAt: 1, remaskedAt: 2 }] },
      { position: 2, step: 1, confidence: 0.6, undone: [] },
    ]);
  });

  it('counts the masked slots left after each step and the mean confidence each step committed', () => {
    const map = orderMapOf(run);
    expect(map.steps).toBe(3);
    expect(map.maskedLeft).toEqual([0, 1, 0]);
    expect(map.meanConfidence).toEqual([0.4, null, 0.9]);
  });

  it('matches the run view: every column step is the run resolvedAt', () => {
    const map = orderMapOf(run);
    for (const c of map.columns) expect(c.step).toBe(run.resolvedAt[c.position]);
  });
});

describe('the left-to-right diagonal', () => {
  it('writes the slots in reading order, in equal shares of the steps, the last at the last step', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((r) => leftToRightStep(r, 8, 4))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect([0, 1, 2].map((r) => leftToRightStep(r, 3, 3))).toEqual([1, 2, 3]);
    // More steps than slots: one slot a step, spread over the run.
    expect([0, 1].map((r) => leftToRightStep(r, 2, 6))).toEqual([1, 4]);
    expect(leftToRightStep(0, 0, 4)).toBe(0);
  });
});
