import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame } from '../engine';
import { applyFrame, liveStats, slotState, startRun } from './run';

const M = 1;
function frame(step: number, ids: number[], resolved: number[], confidences: number[]): Frame {
  return { step, totalSteps: 2, ids: Int32Array.from(ids), resolved, confidences, forwardMs: 5 };
}

describe('run view', () => {
  // Canvas: [given 7, mask, mask]
  const start = () =>
    startRun(3, Int32Array.from([7, M, M]), Uint8Array.from([1, 0, 0]), 2, DEFAULT_SETTINGS, null, 1000);

  it('records the step and confidence of each slot and shows the canvas at any step', () => {
    let run = start();
    run = applyFrame(run, frame(1, [7, M, 40], [2], [0.9]), 1010);
    run = applyFrame(run, frame(2, [7, 33, 40], [1], [0.25]), 1020);
    expect(Array.from(run.resolvedAt)).toEqual([0, 2, 1]);
    expect(run.confidence[1]).toBeCloseTo(0.25);
    expect([0, 1, 2].map((i) => slotState(run, i, 0))).toEqual(['given', 'masked', 'masked']);
    expect([0, 1, 2].map((i) => slotState(run, i, 1))).toEqual(['given', 'masked', 'resolved']);
    expect([0, 1, 2].map((i) => slotState(run, i, 2))).toEqual(['given', 'resolved', 'resolved']);
  });

  it('leaves the previous view unchanged (React compares by reference)', () => {
    const a = start();
    const b = applyFrame(a, frame(1, [7, M, 40], [2], [0.9]), 1010);
    expect(a.frames).toHaveLength(0);
    expect(a.resolvedAt[2]).toBe(0);
    expect(b).not.toBe(a);
  });

  it('computes live numbers from frames until the worker sends its stats', () => {
    let run = start();
    run = applyFrame(run, frame(1, [7, M, 40], [2], [0.9]), 1050);
    const live = liveStats(run);
    expect(live).toMatchObject({ step: 1, totalSteps: 2, forwardPasses: 1, resolved: 1, generated: 2 });
    expect(live.msPerStep).toBeCloseTo(50);
    expect(live.tokensPerSecond).toBeCloseTo(20);
  });
});
