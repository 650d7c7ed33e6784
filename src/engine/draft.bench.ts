// What drafts add to a step (SAMPLING.md 2e'), at the shipped model's size: 128 masked positions x
// 4096 ids. Run: npx vitest bench --run src/engine/draft.bench.ts
// The draft's argmax comes out of the softmax's max loop, so the extra work per frame is two
// typed arrays of N, one write per masked slot, and their structured clone to the main thread.
import { bench, describe } from 'vitest';
import { createRng } from './rng';
import { RowScratch, softmaxInto } from './sampling';
import { DEFAULT_SETTINGS } from './settings';
import type { Canvas } from './types';
import { unmask } from './unmask';

const N = 128;
const V = 4096;
const SPECIAL = { pad: 0, mask: 1, eos: 2 };
const rng = createRng(7);
const logits = Float32Array.from({ length: N * V }, () => rng() * 12 - 6);
const canvas: Canvas = { ids: new Int32Array(N).fill(SPECIAL.mask), fixed: new Uint8Array(N) };
const row = new Float64Array(V).map((_, v) => logits[v]);
const scratch = new RowScratch(V);

/** The softmax as it was before drafts: the same loops without tracking the argmax. */
function softmaxPlain(l: Float64Array, out: Float64Array): void {
  let max = -Infinity;
  for (let v = 0; v < l.length; v++) if (l[v] > max) max = l[v];
  let sum = 0;
  for (let v = 0; v < l.length; v++) {
    const e = Math.exp(l[v] - max);
    out[v] = e;
    sum += e;
  }
  for (let v = 0; v < l.length; v++) out[v] /= sum;
}

describe('one step, 128 masked x 4096 (the whole engine step, drafts included)', () => {
  bench('unmask: first step, margin, T 0.8', async () => {
    const gen = unmask(canvas, async () => logits, { ...DEFAULT_SETTINGS, steps: 32 }, SPECIAL);
    await gen.next();
    await gen.return(undefined);
  }, { time: 5000 });
});

describe('softmax of one row of 4096', () => {
  bench('without argmax (before)', () => softmaxPlain(row, scratch.p), { time: 3000 });
  bench(
    'with argmax (drafts)',
    () => {
      softmaxInto(row, scratch.p);
    },
    { time: 3000 },
  );
});

describe('per frame: the draft arrays of 128 positions', () => {
  const masked = Array.from({ length: N }, (_, i) => i);
  bench('fill for 128 masked slots, clear the 4 resolved', () => {
    const ids = new Int32Array(N).fill(-1);
    const probs = new Float32Array(N);
    for (const i of masked) {
      ids[i] = (i * 31) % V;
      probs[i] = 0.5;
    }
    for (let i = 0; i < 4; i++) {
      ids[i] = -1;
      probs[i] = 0;
    }
  });
  const frame = { step: 1, totalSteps: 32, ids: new Int32Array(N), resolved: [0, 1, 2, 3], confidences: [0.1, 0.2, 0.3, 0.4], forwardMs: 60 };
  const withDraft = { ...frame, phase: 'unmask', round: 0, remasked: [], draftIds: new Int32Array(N), draftProbs: new Float32Array(N) };
  bench('structured clone of a frame without drafts', () => {
    structuredClone(frame);
  });
  bench('structured clone of a frame with drafts', () => {
    structuredClone(withDraft);
  });
});
