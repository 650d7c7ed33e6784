import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { beginSweep, stopSweep, sweepRunDone, sweepRows } from './sweep';

const segments = [
  { kind: 'text' as const, text: 'Once' },
  { kind: 'blank' as const, length: 16 },
];
const result = (runId: number) => ({ runId, text: 'x', forwardPasses: runId, steps: runId, totalMs: 1 });

describe('the cost of steps', () => {
  it('runs 4 to 64 steps on a fixed schedule, adaptive with the masked count as budget, and left to right', () => {
    const rows = sweepRows(segments, {
      ...DEFAULT_SETTINGS,
      schedule: 'adaptive',
      threshold: 0.7,
      strategy: 'left-to-right',
    });
    expect(rows.map((r) => [r.kind, r.requested, r.settings.steps, r.settings.schedule, r.settings.strategy])).toEqual([
      ['steps', 4, 4, 'linear', DEFAULT_SETTINGS.strategy],
      ['steps', 8, 8, 'linear', DEFAULT_SETTINGS.strategy],
      ['steps', 16, 16, 'linear', DEFAULT_SETTINGS.strategy],
      ['steps', 32, 32, 'linear', DEFAULT_SETTINGS.strategy],
      ['steps', 64, 64, 'linear', DEFAULT_SETTINGS.strategy],
      ['adaptive', 16, 16, 'adaptive', DEFAULT_SETTINGS.strategy],
      ['left-to-right', 16, 16, 'adaptive', 'left-to-right'],
    ]);
    expect(rows[5].settings.threshold).toBe(0.7);
    const cosine = sweepRows(segments, { ...DEFAULT_SETTINGS, schedule: 'cosine', seed: 9, temperature: 0 });
    expect(cosine[0].settings).toEqual({ ...DEFAULT_SETTINGS, schedule: 'cosine', seed: 9, temperature: 0, steps: 4 });
  });

  it('sends one row after another, and a stop ends it where it was', () => {
    const begun = beginSweep(segments, DEFAULT_SETTINGS);
    expect(begun.run.settings.steps).toBe(4);
    let sweep = begun.sweep;
    for (let k = 1; k < 7; k++) {
      const next = sweepRunDone(sweep, result(k));
      expect(next.run?.settings).toBe(next.sweep?.rows[k].settings);
      expect(next.announcement).toBeNull();
      sweep = next.sweep!;
    }
    const last = sweepRunDone(sweep, result(7));
    expect(last.run).toBeNull();
    expect(last.sweep?.phase).toBe('done');
    expect(last.sweep?.rows.map((r) => r.result?.runId)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(last.announcement).toMatch(/^Cost of steps done: 7 runs/);
    expect(stopSweep(last.sweep)).toBe(last.sweep);

    const stopped = stopSweep(sweepRunDone(beginSweep(segments, DEFAULT_SETTINGS).sweep, result(1)).sweep);
    expect(stopped?.phase).toBe('stopped');
    expect(sweepRunDone(stopped, result(2))).toEqual({ sweep: stopped, run: null, announcement: null });
  });
});
