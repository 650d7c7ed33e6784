// A dead or silent engine worker: the store notices, keeps the form, ends the run as stopped with what it
// had, starts one new worker by itself, and after a second death offers Retry.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeClient, TEST_MODEL as model } from './fakeClient';
import { installMemoryStorage } from './memoryStorage';
import { engineConnection, isBusy, resetApp, useApp } from './store';
import { LOAD_SILENCE_FACTOR, SILENCE_LIMIT_MS } from '../worker/watchdog';

/** A factory that makes a new fake worker each time; `workers` lists them in order. */
function workers() {
  const made: ReturnType<typeof fakeClient>[] = [];
  const factory = () => {
    const f = fakeClient();
    made.push(f);
    return f.client;
  };
  const readyLast = () => {
    const f = made.at(-1)!;
    const load = f.sent.find((m) => m.type === 'load')!;
    f.emit({ type: 'ready', id: load.id, backend: 'wasm', reason: 'test', model });
    return f;
  };
  return { made, factory, readyLast };
}

function startRun(f: ReturnType<typeof fakeClient>) {
  useApp.getState().generate();
  const g = f.sent.filter((m) => m.type === 'generate').at(-1)!;
  f.emit({
    type: 'started',
    id: g.id,
    ids: Int32Array.from([3, 1, 1]),
    fixed: Uint8Array.from([1, 0, 0]),
    totalSteps: 2,
  });
  f.emit({
    type: 'frame',
    id: g.id,
    frame: { step: 1, totalSteps: 2, ids: Int32Array.from([3, 4, 1]), resolved: [1], confidences: [0.5], forwardMs: 1 },
  });
  return g.id;
}

beforeEach(() => {
  installMemoryStorage();
  resetApp();
  vi.useFakeTimers();
  useApp.getState().setForm({ mode: 'prompt', prompt: 'keep this text', length: 2 });
  useApp.getState().setSettings({ steps: 2, temperature: 0 });
});
afterEach(() => vi.useRealTimers());

describe('an engine worker the browser will not start', () => {
  it('is an engine error with what to do, not a blank page; Retry starts one once the browser allows it', () => {
    const w = workers();
    let refuse = true;
    const factory = () => {
      if (refuse) throw new DOMException('Failed to construct Worker: access denied', 'SecurityError');
      return w.factory();
    };
    expect(() => useApp.getState().connect(factory, 'wasm')).not.toThrow();
    const s = useApp.getState();
    expect(s.engine.status).toBe('error');
    expect(s.engine.error?.message).toMatch(/would not start the page's engine \(a Web Worker\): Failed to construct/);
    expect(s.engine.error?.action).toMatch(/tab of its own.*Retry$/);
    expect(s.form.prompt).toBe('keep this text');
    refuse = false;
    useApp.getState().retry();
    expect(useApp.getState().engine.status).toBe('loading');
    w.readyLast();
    expect(useApp.getState().engine.status).toBe('ready');
    expect(useApp.getState().backendChoice).toBe('wasm');
  });
});

describe('a dead engine worker', () => {
  it('mid-run: the run ends stopped with its frames, the form is kept, and a new worker loads by itself', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    const first = w.readyLast();
    startRun(first);
    first.crash('it stopped with an error (out of memory)');
    const s = useApp.getState();
    expect(s.run?.status).toBe('cancelled');
    expect(s.run?.frames).toHaveLength(1);
    expect(s.form.prompt).toBe('keep this text');
    expect(s.engineNote).toMatch(
      /stopped responding \(it stopped with an error \(out of memory\)\), so it was restarted/,
    );
    expect(s.engineNote).toMatch(/The run stopped at step 1 of 2/);
    expect(first.isTerminated()).toBe(true);
    expect(w.made).toHaveLength(2);
    expect(s.engine.status).toBe('loading');
    expect(isBusy(s)).toBe(false);
    w.readyLast();
    expect(useApp.getState().engine.status).toBe('ready');
    // The restarted engine runs again; the note goes once a run starts.
    startRun(w.made[1]);
    expect(useApp.getState().engineNote).toBeNull();
  });

  it('silent while idle: the next Generate waits the silence limit, then the worker is replaced', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    w.readyLast();
    vi.advanceTimersByTime(10 * SILENCE_LIMIT_MS); // idle: nothing owed, nothing to notice
    expect(w.made).toHaveLength(1);
    useApp.getState().generate(); // the worker is gone: no reply will come
    expect(isBusy(useApp.getState())).toBe(true);
    vi.advanceTimersByTime(SILENCE_LIMIT_MS - 1);
    expect(w.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(w.made).toHaveLength(2);
    expect(isBusy(useApp.getState())).toBe(false);
    expect(useApp.getState().engineNote).toMatch(/sent nothing for 30 s/);
  });

  it('silent while loading: replaced once, and a second death is an error with Retry', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    const loadLimit = SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR; // a load may be silent longer than a run
    vi.advanceTimersByTime(loadLimit - 1);
    expect(w.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(w.made).toHaveLength(2);
    expect(engineConnection().restarts).toBe(1);
    vi.advanceTimersByTime(loadLimit);
    expect(w.made).toHaveLength(2); // not again by itself
    const s = useApp.getState();
    expect(s.engine.status).toBe('error');
    expect(s.engine.error?.message).toMatch(/stopped responding again/);
    expect(s.engine.error?.action).toMatch(/Retry/);
    useApp.getState().retry();
    expect(w.made).toHaveLength(3);
    expect(useApp.getState().engine.status).toBe('loading');
  });

  it('silent while opening the engine: restarted once on one thread, which later workers keep', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    const first = w.made[0];
    const load = first.sent.find((m) => m.type === 'load')!;
    expect(load).not.toHaveProperty('threads'); // the worker decides
    first.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1 });
    vi.advanceTimersByTime(SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR);
    expect(w.made).toHaveLength(2);
    expect(w.made[1].sent.find((m) => m.type === 'load')).toMatchObject({ threads: 1 });
    const s = useApp.getState();
    expect(s.engineNote).toMatch(/did not finish starting \(it sent nothing for 60 s while working\)/);
    expect(s.engineNote).toMatch(/restarted on one thread/);
    expect(s.form.prompt).toBe('keep this text');
    w.readyLast();
    expect(useApp.getState().engine.status).toBe('ready');
    useApp.getState().retry();
    expect(w.made[2].sent.find((m) => m.type === 'load')).toMatchObject({ threads: 1 });
  });

  it('silent while opening a WebGPU session: restarted on WASM and one thread, shown in the settings', () => {
    for (const choice of ['auto', 'webgpu'] as const) {
      resetApp();
      const w = workers();
      useApp.getState().connect(w.factory, choice);
      const first = w.made[0];
      const load = first.sent.find((m) => m.type === 'load')!;
      expect(load).toMatchObject({ backend: choice });
      first.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1 });
      first.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1, backend: 'webgpu' });
      vi.advanceTimersByTime(SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR);
      expect(w.made).toHaveLength(2);
      expect(w.made[1].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'wasm', threads: 1 });
      const s = useApp.getState();
      expect(s.backendChoice).toBe('wasm');
      expect(s.engineNote).toMatch(/did not finish starting .*, so it was restarted on WASM and one thread: /);
      expect(s.engineNote).toMatch(/needs neither the GPU nor extra threads/);
      // Choosing a backend again is the visitor's: a new start, which the page may restart once more.
      w.readyLast();
      useApp.getState().setBackendChoice(choice);
      const third = w.made.at(-1)!;
      const again = third.sent.find((m) => m.type === 'load')!;
      expect(again).toMatchObject({ backend: choice, threads: 1 });
      third.emit({ type: 'progress', id: again.id, phase: 'session', loaded: 0, total: 1, backend: 'webgpu' });
      vi.advanceTimersByTime(SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR);
      expect(w.made.at(-1)!.sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'wasm' });
      expect(useApp.getState().engine.status).toBe('loading');
      // Already on one thread: only the GPU is new to do without, and the note says just that.
      expect(useApp.getState().engineNote).toMatch(/restarted on WASM: slower, but it needs no GPU from the browser\./);
    }
  });

  it('silent while opening a WASM session with WebGPU allowed (no adapter): the choice stays, one thread', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'auto');
    const first = w.made[0];
    const load = first.sent.find((m) => m.type === 'load')!;
    first.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1, backend: 'wasm' });
    first.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1 }); // keeps the backend
    vi.advanceTimersByTime(SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR);
    expect(w.made[1].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'auto', threads: 1 });
    expect(useApp.getState().backendChoice).toBe('auto');
    expect(useApp.getState().engineNote).toMatch(/restarted on one thread: slower, but it needs no extra threads/);
  });

  it('silent while downloading: restarted on the same backend with the threads the worker chooses', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'auto');
    const first = w.made[0];
    const load = first.sent.find((m) => m.type === 'load')!;
    first.emit({ type: 'progress', id: load.id, phase: 'download', loaded: 1, total: 10 });
    vi.advanceTimersByTime(SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR);
    expect(w.made).toHaveLength(2);
    expect(w.made[1].sent.find((m) => m.type === 'load')).not.toHaveProperty('threads');
    expect(w.made[1].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'auto' });
    expect(useApp.getState().engineNote).toMatch(/stopped responding \(it sent nothing for 60 s while working\)/);
  });

  it('given up: the second worker is ended, so its late reply cannot revive it, and owed passes are refused', async () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    w.readyLast().crash('first');
    const second = w.readyLast();
    const owed = useApp.getState().denoise(Int32Array.from([1, 4]), Int32Array.from([3, 4]));
    const refusal = expect(owed).rejects.toThrow(/stopped responding before it answered/);
    second.crash('second');
    await refusal;
    expect(second.isTerminated()).toBe(true);
    expect(engineConnection().client).toBeNull();
    expect(useApp.getState().engine.status).toBe('error');
    // A reply from the ended worker (it was only slow) changes nothing: the page still offers Retry.
    second.emit({ type: 'ready', id: useApp.getState().engine.loadId, backend: 'wasm', reason: 'late', model });
    expect(useApp.getState().engine.status).toBe('error');
    // Views asked while there is no engine are refused at once, not left waiting.
    await expect(useApp.getState().denoise(Int32Array.from([1]), Int32Array.from([3]))).rejects.toThrow(/Retry/);
    const replies: string[] = [];
    useApp
      .getState()
      .inspect({ ids: Int32Array.of(1), fixed: Uint8Array.of(0), slot: 0, settings: {}, rngDraws: 0 } as never, (m) =>
        replies.push(m.type),
      );
    expect(replies).toEqual(['error']);
    useApp.getState().retry();
    expect(w.made).toHaveLength(3);
  });

  it('a run that completes on the new worker makes one more restart possible', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    w.readyLast().crash('first');
    const second = w.readyLast();
    const runId = startRun(second);
    second.emit({
      type: 'done',
      id: runId,
      text: 'x',
      ids: Int32Array.from([3, 4, 5]),
      stats: { steps: 2, forwardPasses: 2, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 2 },
    });
    second.crash('second');
    expect(w.made).toHaveLength(3);
    expect(useApp.getState().engine.status).toBe('loading');
  });

  it('dead twice while ready on WebGPU: the second restart goes on WASM instead of giving up, and once only', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'auto');
    const readyOnGpu = () => {
      const f = w.made.at(-1)!;
      const load = f.sent.find((m) => m.type === 'load')!;
      f.emit({ type: 'ready', id: load.id, backend: 'webgpu', reason: 'test', model });
      return f;
    };
    const first = readyOnGpu();
    startRun(first);
    first.crash('it sent nothing for 30 s while working');
    // The first death may be anything: the same choice again.
    expect(w.made[1].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'auto' });
    const second = readyOnGpu();
    startRun(second);
    second.crash('it sent nothing for 30 s while working');
    const s = useApp.getState();
    expect(w.made).toHaveLength(3);
    expect(w.made[2].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'wasm' });
    expect(s.engine.status).toBe('loading');
    expect(s.backendChoice).toBe('wasm');
    expect(s.run?.status).toBe('cancelled');
    expect(s.form.prompt).toBe('keep this text');
    expect(s.engineNote).toMatch(/stopped responding again on WebGPU \(it sent nothing for 30 s while working\)/);
    expect(s.engineNote).toMatch(
      /restarted on WASM: slower, but it needs no GPU from the browser\. The run stopped at step 1 of 2\./,
    );
    // On WASM the usual limit holds: another death before a run completes is given up, with Retry.
    const third = w.readyLast();
    startRun(third);
    third.crash('third');
    expect(w.made).toHaveLength(3);
    expect(useApp.getState().engine.status).toBe('error');
  });

  it('dead mid-run on WebGPU, then silent while opening WebGPU again: on WASM and one thread, not given up', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'auto');
    const first = w.made[0];
    first.emit({
      type: 'ready',
      id: first.sent.find((m) => m.type === 'load')!.id,
      backend: 'webgpu',
      reason: 't',
      model,
    });
    startRun(first);
    first.crash('it sent nothing for 30 s while working');
    const second = w.made[1];
    const load = second.sent.find((m) => m.type === 'load')!;
    second.emit({ type: 'progress', id: load.id, phase: 'session', loaded: 0, total: 1, backend: 'webgpu' });
    second.crash('it sent nothing for 60 s while working');
    expect(w.made).toHaveLength(3);
    expect(w.made[2].sent.find((m) => m.type === 'load')).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(useApp.getState().engineNote).toMatch(
      /again on WebGPU .*restarted on WASM and one thread: slower, but it needs neither the GPU nor extra threads from the browser\./,
    );
    expect(useApp.getState().backendChoice).toBe('wasm');
  });

  it('dead twice while ready on WASM: given up as before (the move is only off the GPU)', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'auto');
    startRun(w.readyLast());
    w.made[0].crash('first');
    startRun(w.readyLast());
    w.made[1].crash('second');
    expect(w.made).toHaveLength(2);
    expect(useApp.getState().engine.status).toBe('error');
    expect(useApp.getState().backendChoice).toBe('auto');
  });
});

describe('a cancelled download', () => {
  it('asks the worker to stop the load, then offers to download again in a new worker', () => {
    const w = workers();
    useApp.getState().connect(w.factory, 'wasm');
    const first = w.made[0];
    const load = first.sent.find((m) => m.type === 'load')!;
    first.emit({ type: 'progress', id: load.id, phase: 'download', loaded: 1, total: 10 });
    useApp.getState().cancelLoad();
    expect(first.sent.at(-1)).toMatchObject({ type: 'cancel', runId: load.id });
    first.emit({ type: 'cancelled', id: load.id });
    expect(useApp.getState().engine.status).toBe('cancelled');
    expect(useApp.getState().form.prompt).toBe('keep this text');
    vi.advanceTimersByTime(10 * SILENCE_LIMIT_MS); // nothing owed: no restart behind the user's back
    expect(w.made).toHaveLength(1);
    useApp.getState().retry();
    expect(w.made).toHaveLength(2);
    expect(useApp.getState().engine.status).toBe('loading');
  });
});
