// Undo reaches the first text of a passage however many re-imagines there were: the latest edits are kept
// whole (with their frames), older ones compacted to their final canvas.
import { beforeEach, describe, expect, it } from 'vitest';
import { canvasAt } from './run';
import { FULL_HISTORY } from './edit';
import { fakeClient } from './fakeClient';
import { installMemoryStorage } from './memoryStorage';
import { resetApp, useApp } from './store';

const model = {
  name: 'test',
  vocabSize: 40,
  context: 16,
  params: 1,
  pieces: Array.from({ length: 40 }, (_, i) => (i === 1 ? '[MASK]' : `t${i}`)),
  maskId: 1,
  fromCache: false,
  threads: 1,
};
const stats = { steps: 1, forwardPasses: 1, totalMs: 1, msPerStep: 1, tokensPerSecond: 1, generatedTokens: 2 };

/** Sends the store's next generate through a one-step run that writes `ids`. */
function answer(f: ReturnType<typeof fakeClient>, ids: number[]) {
  const g = f.sent.filter((m) => m.type === 'generate').at(-1)!;
  const start = g.request.settings && 'fixed' in g.request ? g.request.fixed : Uint8Array.from([1, 0, 0]);
  f.emit({ type: 'started', id: g.id, ids: Int32Array.from([ids[0], 1, 1]), fixed: start, totalSteps: 1 });
  f.emit({
    type: 'frame',
    id: g.id,
    frame: {
      step: 1,
      totalSteps: 1,
      ids: Int32Array.from(ids),
      resolved: [1, 2],
      confidences: [0.5, 0.5],
      forwardMs: 1,
    },
  });
  f.emit({ type: 'done', id: g.id, text: ids.join(' '), ids: Int32Array.from(ids), stats });
}

beforeEach(() => {
  installMemoryStorage();
  resetApp();
  useApp.getState().setForm({ mode: 'prompt', prompt: 'hi', length: 2 });
  useApp.getState().setSettings({ steps: 1, temperature: 0 });
});

describe('undo', () => {
  it(`goes back to the first text after ${FULL_HISTORY + 2} re-imagines`, () => {
    const f = fakeClient();
    useApp.getState().connect(() => f.client, 'wasm');
    f.emit({ type: 'ready', id: f.sent[0].id, backend: 'wasm', reason: 'test', model });
    useApp.getState().generate();
    answer(f, [5, 10, 11]);
    const edits = FULL_HISTORY + 2;
    for (let k = 1; k <= edits; k++) {
      useApp.getState().reimagine([1]);
      answer(f, [5, 10 + k, 11]);
    }
    expect(useApp.getState().run?.ids[1]).toBe(10 + edits);
    expect(useApp.getState().history).toHaveLength(edits);
    for (let k = edits - 1; k >= 0; k--) {
      useApp.getState().undo();
      const run = useApp.getState().run!;
      expect(Array.from(run.ids)).toEqual([5, 10 + k, 11]);
      // Whole or compacted, the restored run shows its own text at its last step.
      expect(Array.from(canvasAt(run, run.frames.length).ids)).toEqual([5, 10 + k, 11]);
    }
    expect(useApp.getState().history).toHaveLength(0);
    useApp.getState().undo(); // nothing more to undo: no change
    expect(Array.from(useApp.getState().run!.ids)).toEqual([5, 10, 11]);
  });
});
