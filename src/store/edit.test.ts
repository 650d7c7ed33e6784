import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame } from '../engine';
import { reimagineRequest } from './edit';
import { applyFrame, canvasAt, liveStats, slotState, startRun } from './run';

const M = 1;
const frame = (step: number, ids: number[], resolved: number[], extra: Partial<Frame> = {}): Frame => ({
  step,
  totalSteps: 3,
  ids: Int32Array.from(ids),
  resolved,
  confidences: resolved.map(() => 0.5),
  forwardMs: 1,
  ...extra,
});

describe('refinement in the run view', () => {
  // Canvas: [given 7, mask, mask]; step 2 re-masks slot 1, step 3 resolves it again as 44.
  const run = () => {
    let r = startRun(
      1,
      Int32Array.from([7, M, M]),
      Uint8Array.from([1, 0, 0]),
      3,
      { ...DEFAULT_SETTINGS, refineRounds: 1 },
      null,
      0,
    );
    r = applyFrame(r, frame(1, [7, 33, 40], [1, 2]), 10);
    r = applyFrame(
      r,
      frame(2, [7, M, 40], [], {
        phase: 'refine',
        round: 1,
        remasked: [1],
        draftIds: Int32Array.from([-1, 50, -1]),
        draftProbs: Float32Array.from([0, 0.3, 0]),
      }),
      20,
    );
    r = applyFrame(r, frame(3, [7, 44, 40], [1], { phase: 'refine', round: 1, remasked: [] }), 30);
    return r;
  };

  it('reads each slot from its step: resolved, masked again, resolved again', () => {
    const r = run();
    expect([1, 2, 3].map((k) => slotState(r, 1, k))).toEqual(['resolved', 'masked', 'resolved']);
    const at2 = canvasAt(r, 2);
    expect(at2.remasked.has(1)).toBe(true);
    expect(at2.draftIds?.[1]).toBe(50);
    expect(at2.resolvedAt[1]).toBe(1);
    expect(canvasAt(r, 3).resolvedAt[1]).toBe(3);
    expect(at2.phase).toBe('refine');
  });

  it('counts a re-resolved slot once', () => {
    expect(liveStats(run())).toMatchObject({ step: 3, resolved: 2, generated: 2, round: 1, rounds: 1 });
  });
});

describe('re-imagine', () => {
  const done = () => {
    let r = startRun(
      1,
      Int32Array.from([7, 8, M, M, M]),
      Uint8Array.from([1, 1, 0, 0, 0]),
      1,
      DEFAULT_SETTINGS,
      null,
      0,
    );
    r = applyFrame(r, { ...frame(1, [7, 8, 30, 31, 32], [2, 3, 4]), confidences: [0.1, 0.2, 0.3] }, 1);
    return { ...r, status: 'done' as const };
  };

  it('masks only the chosen generated slots, keeps the rest fixed, and never a given one', () => {
    const req = reimagineRequest(done(), [0, 3], { ...DEFAULT_SETTINGS, steps: 32 }, 9)!;
    expect(Array.from(req.fixed)).toEqual([1, 1, 1, 0, 1]);
    expect(Array.from(req.ids)).toEqual([7, 8, 30, M, 32]);
    expect(req.settings).toMatchObject({ steps: 1, seed: 9 });
    expect(reimagineRequest(done(), [1], DEFAULT_SETTINGS, 1)).toBeNull();
  });

  it('shows kept tokens as resolved with their old confidence, given text as given', () => {
    const before = done();
    const req = reimagineRequest(before, [3], DEFAULT_SETTINGS, 1)!;
    const r = startRun(2, req.ids, req.fixed, 1, req.settings, null, 0, req.origin);
    expect([0, 1, 2, 3, 4].map((i) => slotState(r, i, 0))).toEqual([
      'given',
      'given',
      'resolved',
      'masked',
      'resolved',
    ]);
    expect(r.confidence[2]).toBeCloseTo(0.1);
    expect(liveStats(r).generated).toBe(1);
  });
});
