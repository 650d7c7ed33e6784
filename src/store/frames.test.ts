// A page that falls behind renders only the latest frame: frames that arrive between two paints are
// applied in one store update, and the run still keeps every one of them for the timeline.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeClient, TEST_MODEL as model } from './fakeClient';
import { installMemoryStorage } from './memoryStorage';
import { resetApp, useApp } from './store';

const frame = (id: number, step: number, ids: number[], resolved: number[]) =>
  ({
    type: 'frame',
    id,
    frame: {
      step,
      totalSteps: 3,
      ids: Int32Array.from(ids),
      resolved,
      confidences: resolved.map(() => 0.5),
      forwardMs: 1,
    },
  }) as const;

let paints: FrameRequestCallback[] = [];
beforeEach(() => {
  installMemoryStorage();
  resetApp();
  paints = [];
  vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => paints.push(cb));
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 3 });
  useApp.getState().setSettings({ steps: 3, temperature: 0, refineRounds: 0 });
});
afterEach(() => vi.unstubAllGlobals());

describe('frames between paints', () => {
  it('are applied together at the next paint, every one kept; a reply after them applies them first', () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    useApp.getState().generate();
    const id = f.sent.at(-1)!.id;
    f.emit({
      type: 'started',
      id,
      ids: Int32Array.from([3, 1, 1, 1]),
      fixed: Uint8Array.from([1, 0, 0, 0]),
      totalSteps: 3,
    });
    let updates = 0;
    const stop = useApp.subscribe(() => updates++);
    f.emit(frame(id, 1, [3, 4, 1, 1], [1]));
    f.emit(frame(id, 2, [3, 4, 5, 1], [2]));
    expect(useApp.getState().run?.frames).toHaveLength(0); // not painted yet
    expect(paints).toHaveLength(1); // one paint asked for, however many frames came
    paints[0](0);
    expect(updates).toBe(1);
    expect(useApp.getState().run?.frames.map((x) => x.step)).toEqual([1, 2]);
    f.emit(frame(id, 3, [3, 4, 5, 3], [3]));
    f.emit({
      type: 'done',
      id,
      text: 'hi abc',
      ids: Int32Array.from([3, 4, 5, 3]),
      stats: { steps: 3, forwardPasses: 3, totalMs: 3, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 3 },
    });
    const run = useApp.getState().run!;
    expect(run.frames.map((x) => x.step)).toEqual([1, 2, 3]);
    expect(run.status).toBe('done');
    stop();
  });
});
