// What drafts add to building the canvas text of one frame (the React commit is measured in
// e2e/canvas.spec.ts): 128 slots, a prompt of 8 tokens, 120 generated of which half still masked.
// Run: npx vitest bench --run src/ui/passage.bench.ts
import { readFileSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { loadTokenizer } from '../runtime/tokenizer';
import { MODEL_DIR, readConfig } from '../runtime/testModel';
import { applyFrame, canvasAt, startRun } from '../store/run';
import { buildPassage } from './passage';

const config = readConfig();
const tok = loadTokenizer(readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8'), config.vocab_size);
const bytes = tok.bytes();
const pieces = tok.pieces();
const MASK = config.special_ids.mask;
const text = tok
  .encode(
    ' Once upon a time there was a little fox who lived in the wood near the river, and every morning he went out to look for food. '.repeat(
      4,
    ),
  )
  .slice(0, 120);
const n = 128;
const given = tok.encode('Once upon a time').slice(0, 8);
const ids = Int32Array.from({ length: n }, (_, i) => (i < 8 ? given[i % given.length] : MASK));
const fixed = Uint8Array.from({ length: n }, (_, i) => (i < 8 ? 1 : 0));
const now = Int32Array.from(ids, (id, i) => (i >= 8 && i % 2 === 0 ? text[i - 8] : id));
const draftIds = Int32Array.from(now, (id, i) => (id === MASK ? text[i - 8] : -1));
const draftProbs = Float32Array.from(draftIds, (d) => (d >= 0 ? 0.4 : 0));
const resolved = [...now.keys()].filter((i) => i >= 8 && now[i] !== MASK);
const frame = { step: 1, totalSteps: 2, ids: now, resolved, confidences: resolved.map(() => 0.5), forwardMs: 1 };
const run = applyFrame(
  startRun(1, ids, fixed, 2, DEFAULT_SETTINGS, null, 0, { givenText: ['Once upon a time'], kept: null }),
  { ...frame, draftIds, draftProbs },
  1,
);
const runBare = applyFrame(
  startRun(1, ids, fixed, 2, DEFAULT_SETTINGS, null, 0, { givenText: ['Once upon a time'], kept: null }),
  frame,
  1,
);

describe('build the canvas text of one frame (128 slots, 60 masked)', () => {
  bench('with drafts', () => {
    buildPassage(run, canvasAt(run, 1), bytes, pieces);
  });
  bench('without drafts', () => {
    buildPassage(runBare, canvasAt(runBare, 1), bytes, pieces);
  });
});
