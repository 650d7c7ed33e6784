import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkerIn } from '../worker/protocol';
import { readyClient, type fakeClient } from './fakeClient';
import { resetApp, useApp } from './store';

const stats = { steps: 2, forwardPasses: 2, totalMs: 10, msPerStep: 5, tokensPerSecond: 200, generatedTokens: 2 };

const ready = readyClient;

function lastGenerate(sent: WorkerIn[]) {
  const g = sent.filter((m) => m.type === 'generate').at(-1);
  if (!g || g.type !== 'generate' || !('segments' in g.request)) throw new Error('no generate sent');
  return { runId: g.id!, ...g.request };
}

function finish(f: ReturnType<typeof fakeClient>, runId: number, passes: number) {
  f.emit({
    type: 'started',
    id: runId,
    ids: Int32Array.from([3, 1, 1]),
    fixed: Uint8Array.from([1, 0, 0]),
    totalSteps: passes,
  });
  f.emit({
    type: 'done',
    id: runId,
    text: `t${passes}`,
    ids: Int32Array.from([3, 4, 5]),
    stats: { ...stats, forwardPasses: passes },
  });
}

beforeEach(() => {
  resetApp();
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 2 });
  useApp.getState().setSettings({ steps: 2, temperature: 0, seed: 42 });
});

describe('the cost of steps through the store', () => {
  it('sends its seven runs one after another with the form seed, and records each', () => {
    const f = ready();
    useApp.getState().startSweep();
    const sent: number[] = [];
    for (let k = 0; k < 7; k++) {
      const g = lastGenerate(f.sent);
      expect(g.settings.seed).toBe(42);
      const steps = g.settings.steps ?? 0;
      sent.push(steps);
      finish(f, g.runId, Math.min(steps, 2));
    }
    expect(sent).toEqual([4, 8, 16, 32, 64, 2, 2]);
    expect(f.sent.filter((m) => m.type === 'generate')).toHaveLength(7);
    const s = useApp.getState();
    expect(s.sweep?.phase).toBe('done');
    expect(s.sweep?.rows.map((r) => r.result?.forwardPasses)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(s.announcement).toMatch(/^Cost of steps done/);
  });

  it('Stop cancels the run under way and ends the sweep there', () => {
    const f = ready();
    useApp.getState().startSweep();
    finish(f, lastGenerate(f.sent).runId, 2);
    const second = lastGenerate(f.sent);
    f.emit({
      type: 'started',
      id: second.runId,
      ids: Int32Array.from([3, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0]),
      totalSteps: 2,
    });
    useApp.getState().stop();
    expect(f.sent.at(-1)).toMatchObject({ type: 'cancel', runId: second.runId });
    expect(useApp.getState().sweep?.phase).toBe('stopped');
    f.emit({ type: 'cancelled', id: second.runId });
    expect(f.sent.filter((m) => m.type === 'generate')).toHaveLength(2);
    expect(useApp.getState().sweep?.current).toBe(1);
  });

  it('a form that cannot run starts no sweep and says why (returned for the panel, shown as the run error)', () => {
    const f = ready();
    useApp.getState().setForm({ mode: 'fill', template: 'No blank here at all' });
    const why = useApp.getState().startSweep();
    expect(why).toMatch(/blank/i);
    expect(useApp.getState()).toMatchObject({ sweep: null, runError: why, announcement: why });
    expect(f.sent.filter((m) => m.type === 'generate')).toHaveLength(0);
    useApp.getState().setForm({ mode: 'prompt' });
    expect(useApp.getState().startSweep()).toBeNull();
  });

  it("a row the engine refuses ends the sweep with the engine's reason, which a Cancel does not give", () => {
    const f = ready();
    useApp.getState().startSweep();
    finish(f, lastGenerate(f.sent).runId, 2);
    const second = lastGenerate(f.sent);
    f.emit({ type: 'error', id: second.runId, code: 'bad-request', message: 'Too long.', action: 'Shorten it' });
    expect(useApp.getState().sweep).toMatchObject({ phase: 'stopped', current: 1, why: 'Too long. Shorten it.' });
  });
});
