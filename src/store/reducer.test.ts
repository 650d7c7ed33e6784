// The store's reducer on its own: pure, so every case is a state in and a state out.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import type { WorkerOut } from '../worker/protocol';
import { currentRunNotices, IDLE_ENGINE, INITIAL_SESSION, reduce, type SessionState } from './reducer';
import { startRun } from './run';

const model = { name: 't', vocabSize: 6, context: 16, params: 1, pieces: [], maskId: 1, fromCache: true, threads: 2 };

function state(patch: Partial<SessionState> = {}): SessionState {
  return { ...INITIAL_SESSION, engine: { ...IDLE_ENGINE, status: 'loading', loadId: 1 }, ...patch };
}
const ready = (patch: Partial<SessionState> = {}) =>
  state({ engine: { ...IDLE_ENGINE, status: 'ready', loadId: 1, model }, ...patch });
const running = (runId: number) =>
  ready({ run: startRun(runId, Int32Array.from([3, 1]), Uint8Array.from([1, 0]), 1, DEFAULT_SETTINGS, null, 0) });

describe('reduce', () => {
  it('ignores every reply that names a request it is not waiting for, returning the same state', () => {
    const s = running(5);
    const others: WorkerOut[] = [
      { type: 'progress', id: 9, phase: 'download', loaded: 1, total: 2 },
      { type: 'ready', id: 9, backend: 'wasm', reason: 'r', model },
      {
        type: 'frame',
        id: 9,
        frame: { step: 1, totalSteps: 1, ids: Int32Array.from([3, 4]), resolved: [1], confidences: [1], forwardMs: 1 },
      },
      {
        type: 'done',
        id: 9,
        text: 'x',
        ids: Int32Array.from([3, 4]),
        stats: { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 1 },
      },
      { type: 'cancelled', id: 9 },
      { type: 'notice', id: 9, message: 'old' },
      { type: 'error', id: 9, code: 'internal', message: 'old engine', action: 'a' },
    ];
    for (const m of others) expect(reduce(s, m, 0)).toEqual({ state: s, then: null });
  });

  it("a run's notices stay with that run: the next run's request hides them; the engine's stay", () => {
    const warn: WorkerOut = { type: 'notice', id: 5, message: 'temperature 100 is above 2' };
    let s = reduce(running(5), warn, 0).state;
    expect(currentRunNotices(s)).toEqual(['temperature 100 is above 2']);
    expect(s.engine.notices).toEqual([]);
    s = reduce(s, warn, 0).state; // said again: once
    expect(currentRunNotices(s)).toEqual(['temperature 100 is above 2']);
    // The next run is sent without the problem: nothing of the last one's is shown.
    s = { ...s, pending: { runId: 6, settings: DEFAULT_SETTINGS, label: null } };
    expect(currentRunNotices(s)).toEqual([]);
    s = reduce(s, { type: 'notice', id: 6, message: 'top-p 5 is above 1' }, 0).state;
    expect(currentRunNotices(s)).toEqual(['top-p 5 is above 1']);
    // The load's notice, and a switch to WASM that names the running run, are the engine's.
    s = reduce(s, { type: 'notice', id: 1, message: 'not saved for offline use' }, 0).state;
    const failover: WorkerOut = { type: 'notice', id: 6, message: 'GPU lost', backend: 'wasm', reason: 'lost' };
    s = reduce(s, failover, 0).state;
    expect(s.engine).toMatchObject({ notices: ['not saved for offline use', 'GPU lost'], backend: 'wasm' });
    expect(currentRunNotices(s)).toEqual(['top-p 5 is above 1']);
  });

  it('progress counts only while the engine loads: a late one for a load that ended leaves the engine as it is', () => {
    const p: WorkerOut = { type: 'progress', id: 1, phase: 'session', loaded: 0, total: 1, backend: 'wasm' };
    expect(reduce(state(), p, 0).state.engine).toMatchObject({ status: 'loading', progress: { phase: 'session' } });
    for (const s of [ready(), running(5)]) expect(reduce(s, p, 0)).toEqual({ state: s, then: null });
  });

  it('ready for the current load makes the engine ready and asks for the linked run', () => {
    const out = reduce(state({ autoRun: true }), { type: 'ready', id: 1, backend: 'wasm', reason: 'why', model }, 0);
    expect(out.state.engine).toMatchObject({ status: 'ready', backend: 'wasm', reason: 'why', model });
    expect(out.state.autoRun).toBe(false);
    expect(out.then).toEqual({ kind: 'generate' });
    expect(reduce(state(), { type: 'ready', id: 1, backend: 'wasm', reason: 'why', model }, 0).then).toBeNull();
  });

  it("a run that ends while a share link's model loads keeps the link's run for that model's ready", () => {
    const done: WorkerOut = {
      type: 'done',
      id: 5,
      text: 'x',
      ids: Int32Array.from([3, 4]),
      stats: { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 1 },
    };
    const loading = { ...running(5), autoRun: true, engine: { ...IDLE_ENGINE, status: 'loading' as const, loadId: 6 } };
    const out = reduce(loading, done, 0);
    expect(out.then).toBeNull();
    expect(out.state.autoRun).toBe(true);
    const after = reduce(out.state, { type: 'ready', id: 6, backend: 'wasm', reason: 'r', model }, 0);
    expect(after.then).toEqual({ kind: 'generate' });
    // With the engine ready, the link's run starts at once, and only once.
    const now = reduce({ ...running(5), autoRun: true }, done, 0);
    expect(now.then).toEqual({ kind: 'generate' });
    expect(now.state.autoRun).toBe(false);
  });

  it('a refusal (busy) of the pending request is a run error and leaves the engine ready', () => {
    const s = ready({ pending: { runId: 4, settings: DEFAULT_SETTINGS, label: null } });
    const { state: next } = reduce(
      s,
      { type: 'error', id: 4, code: 'busy', message: 'Still loading.', action: 'Wait' },
      0,
    );
    expect(next.pending).toBeNull();
    expect(next.runError).toBe('Still loading. Wait.');
    expect(next.engine.status).toBe('ready');
  });

  it("a refusal of the request a share link waited for starts the link's run, once; another refusal leaves it waiting", () => {
    const pending = { runId: 4, settings: DEFAULT_SETTINGS, label: null };
    const busy = (id: number): WorkerOut => ({ type: 'error', id, code: 'busy', message: 'Busy.', action: '' });
    const out = reduce(ready({ pending, autoRun: true }), busy(4), 0);
    expect(out.then).toEqual({ kind: 'generate' });
    expect(out.state.autoRun).toBe(false);
    expect(out.state.runError).toBe('Busy.');
    // The refused request was not the one going on: the run still runs, and the link waits for its end.
    const run = { ...running(5), pending, autoRun: true };
    const waits = reduce(run, busy(4), 0);
    expect(waits.then).toBeNull();
    expect(waits.state.autoRun).toBe(true);
    expect(waits.state.run?.status).toBe('running');
  });

  it('a failed load is an engine error carrying the cause, the action and the detail', () => {
    const m: WorkerOut = {
      type: 'error',
      id: 1,
      code: 'download-failed',
      message: 'net',
      action: 'Check',
      detail: 'Failed to fetch',
    };
    const { state: next } = reduce(state(), m, 0);
    expect(next.engine.status).toBe('error');
    expect(next.engine.error).toEqual({
      code: 'download-failed',
      message: 'net',
      action: 'Check',
      detail: 'Failed to fetch',
    });
  });

  it('done of the first half of a comparison asks for the left-to-right half', () => {
    const s = {
      ...running(5),
      compare: {
        phase: 'diffusion' as const,
        segments: [],
        settings: DEFAULT_SETTINGS,
        diffusion: null,
        leftToRight: null,
      },
    };
    const stats = { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 1 };
    const out = reduce(s, { type: 'done', id: 5, text: 'x', ids: Int32Array.from([3, 4]), stats }, 0);
    expect(out.state.compare?.phase).toBe('left-to-right');
    expect(out.then).toMatchObject({
      kind: 'send',
      run: { label: 'left-to-right', settings: { strategy: 'left-to-right' } },
    });
  });

  it('does not change the state it is given', () => {
    const s = running(5);
    const copy = structuredClone(s);
    reduce(s, { type: 'cancelled', id: 5 }, 0);
    expect(s).toEqual(copy);
  });
});
