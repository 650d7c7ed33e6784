// The store's inspect request: a fresh id, the reply (or refusal) handed to its caller alone, and the
// session (run, announcement) left exactly as it was.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Inspected, WorkerOut } from '../worker/protocol';
import { fakeClient } from './fakeClient';
import { engineConnection, resetApp, useApp } from './store';

const model = {
  name: 'test',
  vocabSize: 8,
  context: 16,
  params: 1,
  pieces: ['[PAD]', '[MASK]', '[EOS]', 'a', 'b', 'c', 'd', 'e'],
  maskId: 1,
  fromCache: false,
  threads: 1,
};

beforeEach(() => resetApp());

describe('store.inspect', () => {
  it('sends one inspect with its own id and hands only its answer to the caller', () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    const before = useApp.getState();
    const got: WorkerOut[] = [];
    const request = { ids: Int32Array.of(3, 1), fixed: Uint8Array.of(1, 0), slot: 1, settings: {}, rngDraws: 0 };
    useApp.getState().inspect(request, (m) => got.push(m));
    const sent = f.sent.at(-1)!;
    expect(sent).toMatchObject({ type: 'inspect', slot: 1, rngDraws: 0 });
    expect(sent.id).not.toBe(f.sent[0].id);
    const report = {
      masked: Int32Array.of(1),
      token: Int32Array.of(4),
      confidence: Float64Array.of(0.5),
      score: Float64Array.of(0.5),
      top: Float64Array.of(0.5),
      order: Int32Array.of(0),
      draftIds: Int32Array.of(-1, 4),
      draftProbs: Float32Array.of(0, 0.5),
    };
    const reply: Inspected = {
      type: 'inspected',
      id: sent.id,
      slot: 1,
      row: new Float32Array(8),
      report,
      special: { pad: 0, mask: 1, eos: 2 },
    };
    f.emit({ ...reply, id: sent.id + 100 }); // not ours
    f.emit(reply);
    f.emit(reply); // answered once only
    expect(got).toEqual([reply]);
    const after = useApp.getState();
    expect([after.run, after.announcement, after.engine]).toEqual([before.run, before.announcement, before.engine]);
  });

  it('hands a refusal to the caller and leaves the run and its error line alone', () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    const got: WorkerOut[] = [];
    const request = { ids: Int32Array.of(1), fixed: Uint8Array.of(0), slot: 0, settings: {}, rngDraws: 0 };
    useApp.getState().inspect(request, (m) => got.push(m));
    const id = f.sent.at(-1)!.id;
    f.emit({ type: 'error', id, code: 'busy', message: 'A run is going on.', action: '' });
    expect(got.map((m) => m.type)).toEqual(['error']);
    expect(useApp.getState().runError).toBeNull();
    expect(useApp.getState().engine.status).toBe('ready');
  });
});

describe("the views' passes across a reload", () => {
  it('a backend change refuses a pending denoise and inspect, with why, instead of leaving them owed', async () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    const pass = useApp.getState().denoise(Int32Array.of(1, 4), Int32Array.of(3, 4));
    const got: WorkerOut[] = [];
    useApp
      .getState()
      .inspect({ ids: Int32Array.of(3, 1), fixed: Uint8Array.of(1, 0), slot: 1, settings: {}, rngDraws: 0 }, (m) =>
        got.push(m),
      );
    expect(f.sent.map((m) => m.type)).toEqual(['load', 'denoise', 'inspect']);
    useApp.getState().setBackendChoice('auto');
    await expect(pass).rejects.toThrow(/reloaded .* before it answered\.$/);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ type: 'error', message: expect.stringMatching(/reloaded/) });
    expect(engineConnection().viewPasses.size).toBe(0);
  });

  it('an answered pass is no longer owed: a later reload leaves it alone', async () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    const pass = useApp.getState().denoise(Int32Array.of(1), Int32Array.of(3));
    const id = f.sent.at(-1)!.id;
    const out = {
      positions: Int32Array.of(0),
      nll: Float64Array.of(1),
      guess: Int32Array.of(3),
      guessProb: Float64Array.of(0.4),
    };
    f.emit({ type: 'denoised', id, ...out });
    await expect(pass).resolves.toMatchObject({ type: 'denoised', id });
    expect(engineConnection().viewPasses.size).toBe(0);
    useApp.getState().setBackendChoice('auto');
  });

  it('a pass given up before its answer asks the worker to skip it; an answered one asks nothing', async () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    const request = { ids: Int32Array.of(3, 1), fixed: Uint8Array.of(1, 0), slot: 1, settings: {}, rngDraws: 0 };
    const stop = useApp.getState().inspect(request, () => undefined);
    const id = f.sent.at(-1)!.id;
    stop();
    expect(f.sent.at(-1)).toMatchObject({ type: 'cancel', runId: id });
    expect(engineConnection().viewPasses.size).toBe(0);
    stop(); // twice: still one cancel
    expect(f.sent.filter((m) => m.type === 'cancel')).toHaveLength(1);

    // The noise panel's pass, given up through its signal: rejected at once, skipped by the worker.
    const gone = new AbortController();
    const pass = useApp.getState().denoise(Int32Array.of(1), Int32Array.of(3), gone.signal);
    const passId = f.sent.at(-1)!.id;
    gone.abort();
    await expect(pass).rejects.toMatchObject({ name: 'AbortError' });
    expect(f.sent.at(-1)).toMatchObject({ type: 'cancel', runId: passId });

    // Answered first: nothing to skip.
    const done = new AbortController();
    const answered = useApp.getState().denoise(Int32Array.of(1), Int32Array.of(3), done.signal);
    const answeredId = f.sent.at(-1)!.id;
    const out = {
      positions: Int32Array.of(0),
      nll: Float64Array.of(1),
      guess: Int32Array.of(3),
      guessProb: Float64Array.of(0.4),
    };
    f.emit({ type: 'denoised', id: answeredId, ...out });
    await expect(answered).resolves.toMatchObject({ id: answeredId });
    done.abort();
    expect(f.sent.filter((m) => m.type === 'cancel')).toHaveLength(2);
  });
});
