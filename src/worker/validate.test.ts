import { describe, expect, it } from 'vitest';
import { parseWorkerIn, parseWorkerOut } from './validate';

describe('requests to the worker', () => {
  it('accepts the request shapes', () => {
    expect(parseWorkerIn({ type: 'load', id: 1, backend: 'wasm' })).toEqual({
      ok: true,
      msg: { type: 'load', id: 1, backend: 'wasm' },
    });
    const gen = {
      type: 'generate',
      id: 2,
      request: {
        segments: [
          { kind: 'text', text: 'a' },
          { kind: 'blank', length: 3 },
        ],
        settings: { steps: 2 },
      },
    };
    expect(parseWorkerIn(gen)).toEqual({ ok: true, msg: gen });
    expect(parseWorkerIn({ type: 'cancel', id: 3, runId: 2 })).toEqual({
      ok: true,
      msg: { type: 'cancel', id: 3, runId: 2 },
    });
    expect(parseWorkerIn({ type: 'pace', id: -1, mode: 'manual' })).toEqual({
      ok: true,
      msg: { type: 'pace', id: -1, mode: 'manual' },
    });
    expect(parseWorkerIn({ type: 'step', id: -2, count: 3 })).toEqual({
      ok: true,
      msg: { type: 'step', id: -2, count: 3 },
    });
  });

  it('accepts an inspect request and refuses one whose slot or flags do not fit its canvas', () => {
    const inspect = {
      type: 'inspect',
      id: 7,
      ids: Int32Array.of(5, 1, 1),
      fixed: Uint8Array.of(1, 0, 0),
      slot: 2,
      settings: { temperature: 0 },
      rngDraws: 0,
    };
    expect(parseWorkerIn(inspect)).toEqual({ ok: true, msg: inspect });
    expect(parseWorkerIn({ ...inspect, slot: 3 })).toMatchObject({ ok: false, id: 7, problem: /slot inside/ });
    expect(parseWorkerIn({ ...inspect, fixed: Uint8Array.of(1) })).toMatchObject({ ok: false, id: 7 });
    expect(parseWorkerIn({ ...inspect, rngDraws: -1 })).toMatchObject({ ok: false, problem: /rngDraws/ });
    const report = {
      masked: Int32Array.of(1),
      token: Int32Array.of(4),
      confidence: Float64Array.of(0.5),
      score: Float64Array.of(0.5),
      top: Float64Array.of(0.5),
      order: Int32Array.of(0),
      draftIds: Int32Array.of(-1, -1, -1),
      draftProbs: new Float32Array(3),
    };
    const special = { pad: 0, mask: 1, eos: 2, never: [5, 6] };
    const reply = { type: 'inspected', id: 7, slot: 1, row: new Float32Array(8), report, special };
    expect(parseWorkerOut(reply)).toEqual(reply);
    expect(parseWorkerOut({ ...reply, report: { ...report, score: Float32Array.of(0.5) } })).toBeNull();
  });

  it('refuses a pace it does not know and a step count below one', () => {
    expect(parseWorkerIn({ type: 'pace', id: -1, mode: 'slow' })).toMatchObject({ ok: false, problem: /"slow"/ });
    for (const count of [0, -1, 1.5, '2', undefined])
      expect(parseWorkerIn({ type: 'step', id: -2, count })).toMatchObject({ ok: false, id: -2, problem: /count/ });
  });

  it('refuses malformed ones with a reason, naming the id when there is one', () => {
    expect(parseWorkerIn(null)).toMatchObject({ ok: false, id: 0 });
    expect(parseWorkerIn({ type: 'load', backend: 'wasm' })).toMatchObject({ ok: false, problem: /no id/ });
    expect(parseWorkerIn({ type: 'load', id: 4, backend: 'cuda' })).toMatchObject({
      ok: false,
      id: 4,
      problem: /backend "cuda"/,
    });
    expect(
      parseWorkerIn({ type: 'generate', id: 5, request: { segments: [{ kind: 'blank', length: 'x' }] } }),
    ).toMatchObject({ ok: false, id: 5 });
    expect(parseWorkerIn({ type: 'cancel', id: 6 })).toMatchObject({ ok: false, id: 6 });
    expect(parseWorkerIn({ type: 'load', id: 8, backend: 'wasm', model: 3 })).toMatchObject({
      ok: false,
      id: 8,
      problem: /model to load/,
    });
    expect(parseWorkerIn({ type: 'load', id: 9, backend: 'wasm', model: 'unmask-base' })).toEqual({
      ok: true,
      msg: { type: 'load', id: 9, backend: 'wasm', model: 'unmask-base' },
    });
    expect(parseWorkerIn({ type: 'load', id: 10, backend: 'wasm', threads: 1 })).toEqual({
      ok: true,
      msg: { type: 'load', id: 10, backend: 'wasm', threads: 1 },
    });
    for (const threads of [0, 1.5, '1'])
      expect(parseWorkerIn({ type: 'load', id: 11, backend: 'wasm', threads })).toMatchObject({
        ok: false,
        id: 11,
        problem: /thread limit|number/,
      });
    expect(parseWorkerIn({ type: 'explode', id: 7 })).toMatchObject({
      ok: false,
      id: 7,
      problem: /Unknown message type "explode"/,
    });
  });

  it('accepts a re-imagine request (ids and fixed flags of one length) and refuses a mismatch', () => {
    const ids = Int32Array.from([5, 6, 7]);
    const fixed = Uint8Array.from([1, 0, 1]);
    const r = parseWorkerIn({ type: 'generate', id: 9, request: { ids, fixed, settings: { steps: 1 } } });
    expect(r).toEqual({ ok: true, msg: { type: 'generate', id: 9, request: { ids, fixed, settings: { steps: 1 } } } });
    expect(parseWorkerIn({ type: 'generate', id: 10, request: { ids, fixed: Uint8Array.from([1]) } })).toMatchObject({
      ok: false,
      id: 10,
      problem: /same length/,
    });
    expect(parseWorkerIn({ type: 'generate', id: 11, request: { ids: [5, 6], fixed: [1, 0] } })).toMatchObject({
      ok: false,
      id: 11,
    });
  });

  it('gives missing settings an empty object (the engine fills the defaults)', () => {
    const r = parseWorkerIn({ type: 'generate', id: 8, request: { segments: [] } });
    expect(r.ok && r.msg.type === 'generate' && r.msg.request.settings).toEqual({});
  });
});

describe('replies from the worker', () => {
  it('accepts well-formed replies and refuses the rest', () => {
    expect(parseWorkerOut({ type: 'cancelled', id: 1 })).toEqual({ type: 'cancelled', id: 1 });
    expect(parseWorkerOut({ type: 'cancelled' })).toBeNull(); // no id: cannot be matched to a request
    expect(parseWorkerOut({ type: 'progress', id: 1, phase: 'download', loaded: 1, total: 2 })).not.toBeNull();
    expect(parseWorkerOut({ type: 'progress', id: 1, phase: 'upload', loaded: 1, total: 2 })).toBeNull();
    expect(parseWorkerOut({ type: 'error', id: 1, code: 'internal', message: 'm', action: 'a' })).not.toBeNull();
    expect(parseWorkerOut({ type: 'error', id: 1, code: 'weird', message: 'm', action: 'a' })).toBeNull();
    expect(parseWorkerOut({ type: 'started', id: 1, ids: [1, 2], fixed: new Uint8Array(2), totalSteps: 2 })).toBeNull();
    expect(parseWorkerOut({ type: 'toString', id: 1 })).toBeNull();
    expect(parseWorkerOut('ready')).toBeNull();
  });

  // Every field is checked now, including those the hand-written checks used to skip.
  const frame = {
    step: 1,
    totalSteps: 2,
    ids: Int32Array.from([3, 1]),
    resolved: [0],
    confidences: [0.5],
    forwardMs: 1,
    phase: 'unmask',
    round: 0,
    remasked: [],
    draftIds: Int32Array.from([-1, 4]),
    draftProbs: Float32Array.from([0, 0.3]),
  };
  const model = {
    name: 'm',
    vocabSize: 8,
    context: 4,
    params: 1,
    pieces: ['a'],
    maskId: 1,
    fromCache: false,
    threads: 1,
  };

  it('checks every field of a frame', () => {
    expect(parseWorkerOut({ type: 'frame', id: 1, frame })).toEqual({ type: 'frame', id: 1, frame });
    for (const bad of [
      { draftIds: [-1, 4] },
      { draftProbs: new Float64Array(2) },
      { remasked: 'none' },
      { phase: 'polish' },
      { confidences: [NaN] },
    ]) {
      expect(parseWorkerOut({ type: 'frame', id: 1, frame: { ...frame, ...bad } }), JSON.stringify(bad)).toBeNull();
    }
  });

  it('checks every field of ready, including the vocabulary size, the mask id and the bytes', () => {
    const bytes = { data: new Uint8Array(1), offsets: new Uint32Array(2) };
    expect(
      parseWorkerOut({ type: 'ready', id: 1, backend: 'wasm', reason: 'r', model: { ...model, bytes } }),
    ).not.toBeNull();
    for (const bad of [{ vocabSize: undefined }, { maskId: '1' }, { bytes: { data: [1], offsets: [0, 1] } }]) {
      expect(
        parseWorkerOut({ type: 'ready', id: 1, backend: 'wasm', reason: 'r', model: { ...model, ...bad } }),
      ).toBeNull();
    }
  });

  it("checks the settings of a request by kind (ranges are the engine's to clamp)", () => {
    const req = (settings: unknown) => ({ type: 'generate', id: 3, request: { segments: [], settings } });
    expect(parseWorkerIn(req({ steps: 1e6, strategy: 'margin' })).ok).toBe(true);
    expect(parseWorkerIn(req({ strategy: 'zigzag' }))).toMatchObject({ ok: false, id: 3 });
    expect(parseWorkerIn(req({ temperature: '0.5' }))).toMatchObject({ ok: false, id: 3 });
  });
});
