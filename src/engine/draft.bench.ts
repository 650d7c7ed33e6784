// What a step costs the engine apart from the forward pass, at the shipped model's size: 128 masked
// positions x 4096 ids. Run: npx vitest bench --run src/engine/draft.bench.ts
// (bench/engineStep.mjs replays a whole run of the real model.) The draft's argmax comes out of the
// max loop, so drafts add two typed arrays of N per frame and their structured clone.
import { bench, describe } from 'vitest';
import { createRng } from './rng';
import { analyse, drawToken, prepareLogits, RowScratch } from './sampling';
import { DEFAULT_SETTINGS } from './settings';
import type { Canvas } from './types';
import { unmask } from './unmask';

const N = 128;
const V = 4096;
const SPECIAL = { pad: 0, mask: 1, eos: 2 };
const rng = createRng(7);
const logits = Float32Array.from({ length: N * V }, () => rng() * 12 - 6);
const canvas: Canvas = { ids: new Int32Array(N).fill(SPECIAL.mask), fixed: new Uint8Array(N) };
const row = logits.subarray(0, V);
const scratch = new RowScratch(V);
const ids = new Int32Array(N).fill(SPECIAL.mask);

describe('one step, 128 masked x 4096 (the whole engine step, drafts included)', () => {
  bench(
    'unmask: first step, margin, T 0.8',
    async () => {
      const gen = unmask(
        canvas,
        async (_ids, positions) => logits.subarray(0, (positions?.length ?? N) * V),
        { ...DEFAULT_SETTINGS, steps: 32 },
        SPECIAL,
      );
      await gen.next();
      await gen.return(undefined);
    },
    { time: 5000 },
  );
});

describe('one row of 4096 (what each masked slot costs a step)', () => {
  bench('greedy: prepare + normaliser (the draft)', () => {
    prepareLogits(row, ids, 0, SPECIAL, 1, 16, scratch);
    analyse(scratch, 0, false);
  });
  bench('T 0.8, top-p 0.95: prepare + normaliser + weights + draw', () => {
    prepareLogits(row, ids, 0, SPECIAL, 1, 16, scratch);
    analyse(scratch, 0.8, false);
    drawToken(scratch, 0, 0.95, 0.7);
  });
  // The shipped model leaves out 129 byte pieces as well (SAMPLING.md 2a).
  const pieces = { ...SPECIAL, never: Array.from({ length: 129 }, (_, k) => 97 + k) };
  bench('T 0.8, top-p 0.95, 129 byte pieces left out', () => {
    prepareLogits(row, ids, 0, pieces, 1, 16, scratch);
    analyse(scratch, 0.8, false);
    drawToken(scratch, 0, 0.95, 0.7);
  });
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
  const frame = {
    step: 1,
    totalSteps: 32,
    ids: new Int32Array(N),
    resolved: [0, 1, 2, 3],
    confidences: [0.1, 0.2, 0.3, 0.4],
    forwardMs: 60,
  };
  const withDraft = {
    ...frame,
    phase: 'unmask',
    round: 0,
    remasked: [],
    draftIds: new Int32Array(N),
    draftProbs: new Float32Array(N),
  };
  bench('structured clone of a frame without drafts', () => {
    structuredClone(frame);
  });
  bench('structured clone of a frame with drafts', () => {
    structuredClone(withDraft);
  });
});
