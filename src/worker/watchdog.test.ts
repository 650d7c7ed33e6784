// The watchdog: silence while a request is owed, and crashes, end in one call of onDead; silence with
// nothing owed, or replies that keep coming, do not.
import { describe, expect, it } from 'vitest';
import { fakeClient } from '../store/fakeClient';
import { manualTimers } from '../runtime/testTimers';
import { LOAD_SILENCE_FACTOR, watchEngine } from './watchdog';

function watched(limit = 1000) {
  const f = fakeClient();
  const t = manualTimers();
  const deaths: string[] = [];
  const client = watchEngine(f.client, (c) => deaths.push(c), limit, t.timers);
  return { f, t, deaths, client };
}

describe('engine watchdog', () => {
  it("waits for an inspect's answer like any other, and stops once it has come", () => {
    const { client, f, t, deaths } = watched();
    const ids = Int32Array.of(1);
    client.send({ type: 'inspect', id: 3, ids, fixed: Uint8Array.of(0), slot: 0, settings: {}, rngDraws: 0 });
    expect(t.armed()).toBe(1);
    f.emit({ type: 'error', id: 3, code: 'busy', message: 'A run is going on.', action: '' });
    expect(t.armed()).toBe(0);
    client.send({ type: 'inspect', id: 4, ids, fixed: Uint8Array.of(0), slot: 0, settings: {}, rngDraws: 0 });
    t.advance(1000);
    expect(deaths).toHaveLength(1);
  });

  it('says nothing while nothing is owed, however long', () => {
    const { t, deaths } = watched();
    t.advance(60_000);
    expect(deaths).toEqual([]);
    expect(t.armed()).toBe(0);
  });

  it('declares the engine dead after a load stays silent for its longer limit', () => {
    const { client, t, deaths } = watched();
    client.send({ type: 'load', id: 1, backend: 'wasm' });
    t.advance(1000 * LOAD_SILENCE_FACTOR - 1);
    expect(deaths).toEqual([]);
    t.advance(1);
    expect(deaths).toEqual([`it sent nothing for ${LOAD_SILENCE_FACTOR} s while working`]);
    t.advance(10_000);
    expect(deaths.length).toBe(1);
  });

  it("waits for a denoise's answer too, and stops once it has come", () => {
    const { client, f, t, deaths } = watched();
    const ids = Int32Array.of(1, 2);
    client.send({ type: 'denoise', id: 5, ids, targets: ids });
    f.emit({
      type: 'denoised',
      id: 5,
      positions: Int32Array.of(),
      nll: Float64Array.of(),
      guess: Int32Array.of(),
      guessProb: Float64Array.of(),
    });
    t.advance(5000);
    expect(deaths).toEqual([]);
    client.send({ type: 'denoise', id: 6, ids, targets: ids });
    t.advance(1000);
    expect(deaths).toEqual(['it sent nothing for 1 s while working']);
  });

  it('a hidden page keeps waiting, and the clock decides again once it shows', () => {
    const { client, t, deaths } = watched();
    client.send({ type: 'generate', id: 1, request: {} as never });
    t.hide(true);
    for (let i = 0; i < 5; i++) t.advance(1000); // on time: only the page being hidden saves it
    expect(deaths).toEqual([]);
    expect(t.armed()).toBe(1);
    t.hide(false);
    t.advance(1000);
    expect(deaths).toHaveLength(1);
  });

  it('a clock that fires late (the tab was frozen) starts again instead of declaring a death', () => {
    const { client, f, t, deaths } = watched();
    client.send({ type: 'generate', id: 1, request: {} as never });
    t.sleep(10_000); // frozen: the due timer fires only on the next advance
    t.advance(0);
    expect(deaths).toEqual([]);
    f.emit({ type: 'frame', id: 1 } as never); // the worker goes on after the freeze
    t.advance(999);
    expect(deaths).toEqual([]);
    t.advance(1);
    expect(deaths).toHaveLength(1);
  });

  it('every message restarts the clock; the answer stops it', () => {
    const { client, f, t, deaths } = watched();
    client.send({ type: 'load', id: 1, backend: 'wasm' });
    for (let i = 0; i < 5; i++) {
      t.advance(900);
      f.emit({ type: 'progress', id: 1, phase: 'download', loaded: i, total: 10 });
    }
    expect(deaths).toEqual([]);
    f.emit({ type: 'ready', id: 1, backend: 'wasm', reason: 'test', model: {} as never });
    t.advance(5000);
    expect(deaths).toEqual([]);
    expect(t.armed()).toBe(0);
  });

  it('a load sent while a shorter limit runs gets its own, longer limit from when it was sent', () => {
    const { client, t, deaths } = watched();
    client.send({ type: 'generate', id: 1, request: {} as never });
    t.advance(900);
    client.send({ type: 'load', id: 2, backend: 'wasm' });
    t.advance(1000 * LOAD_SILENCE_FACTOR - 1);
    expect(deaths).toEqual([]);
    t.advance(1);
    expect(deaths).toEqual([`it sent nothing for ${LOAD_SILENCE_FACTOR} s while working`]);
  });

  it('a run owes frames until done, cancelled or an error names it', () => {
    const { client, f, t, deaths } = watched();
    client.send({ type: 'generate', id: 7, request: {} as never });
    client.send({ type: 'cancel', id: 8, runId: 7 });
    f.emit({ type: 'cancelled', id: 7 });
    t.advance(5000);
    expect(deaths).toEqual([]);
    client.send({ type: 'generate', id: 9, request: {} as never });
    f.emit({ type: 'error', id: 123, code: 'busy', message: 'other request', action: '' });
    t.advance(1000);
    expect(deaths.length).toBe(1);
  });

  it('a crash the client sees is a death at once, and is reported once', () => {
    const { client, f, t, deaths } = watched();
    client.send({ type: 'generate', id: 1, request: {} as never });
    f.crash('it stopped with an error (boom)');
    t.advance(5000);
    expect(deaths).toEqual(['it stopped with an error (boom)']);
  });

  it('a terminated client is not watched any more', () => {
    const { client, f, t, deaths } = watched();
    client.send({ type: 'load', id: 1, backend: 'wasm' });
    client.terminate();
    expect(f.isTerminated()).toBe(true);
    f.crash('late');
    t.advance(5000);
    expect(deaths).toEqual([]);
  });
});
