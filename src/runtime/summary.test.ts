// The graph's row summary (models/pipeline/rowsummary.py) against the engine's own pass over each
// row: on the shipped model, a run that scores from the summary must make the same choices, frame by
// frame, as one given the bare logits. Only the normaliser differs, by float32 rounding.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildCanvas,
  DEFAULT_SETTINGS,
  unmask,
  type Logits,
  type LogitsFn,
  type SamplerSettings,
  type StepFrame,
} from '../engine';
import { samplerIds } from './config';
import { nodeWasmSession } from './nodeOrt';
import { loadTokenizer } from './tokenizer';
import { MODEL_DIR, readConfig } from './testModel';

const config = readConfig();
const tok = loadTokenizer(readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8'), config.vocab_size);
const canvas = buildCanvas(
  [
    { kind: 'text', text: 'The old house stood at the end of the lane, and' },
    { kind: 'blank', length: 40 },
  ],
  tok.encode,
  config.special_ids.mask,
  config.context,
);

async function run(logits: LogitsFn, settings: SamplerSettings): Promise<StepFrame[]> {
  const frames: StepFrame[] = [];
  for await (const f of unmask(canvas, logits, settings, samplerIds(config))) frames.push(f);
  return frames;
}

describe('row summary from the graph', () => {
  it('comes with every pass of the shipped model and matches its logits', async () => {
    const session = await nodeWasmSession();
    const masked = Int32Array.from({ length: canvas.ids.length }, (_, i) => i).filter((i) => !canvas.fixed[i]);
    const out: Logits = await session.logits(canvas.ids, masked);
    const s = out.summary;
    expect(s, 'the shipped graph should return top2_logits, top2_ids and top_prob').toBeDefined();
    const V = config.vocab_size;
    // What the sampler may emit (2a): neither the specials (0-2) nor the byte pieces.
    const left = new Set(samplerIds(config).never);
    const kept = Array.from({ length: V - 3 }, (_, k) => k + 3).filter((v) => !left.has(v));
    for (let j = 0; j < masked.length; j++) {
      const row = out.subarray(j * V, (j + 1) * V);
      let best = kept[0];
      let z = 0;
      for (const v of kept) if (row[v] > row[best]) best = v;
      for (const v of kept) z += Math.exp(row[v] - row[best]);
      expect(s!.top2Ids[2 * j]).toBe(best);
      expect(s!.top2Logits[2 * j]).toBe(row[best]);
      expect(s!.top2Logits[2 * j + 1]).toBeLessThanOrEqual(row[best]);
      expect(Math.abs(s!.topProb[j] * z - 1)).toBeLessThan(1e-5);
    }
  });

  const cases: [string, Partial<SamplerSettings>][] = [
    // With no repeated 3-grams on, a row with banned ids takes the bare path (SAMPLING.md 2b').
    ['app defaults (margin, T 0.7, top-p 0.95, no repeated 3-grams, refinement)', {}],
    ['greedy margin', { temperature: 0, refineRounds: 0 }],
    ['greedy margin, repeats allowed', { temperature: 0, refineRounds: 0, noRepeatNgram: 0 }],
    ['random order, T 1', { strategy: 'random', temperature: 1, topP: 1, refineRounds: 0 }],
    [
      'blocks of confidence, greedy',
      { strategy: 'blocks', blockStrategy: 'confidence', temperature: 0, refineRounds: 0 },
    ],
  ];
  for (const [name, over] of cases) {
    it(`makes the same choices as the bare logits: ${name}`, async () => {
      const session = await nodeWasmSession();
      const settings = { ...DEFAULT_SETTINGS, steps: 12, seed: 7, ...over };
      let summarized = 0;
      const withSummary: LogitsFn = async (ids, positions) => {
        const out = await session.logits(ids, positions);
        if (out.summary) summarized++;
        return out;
      };
      // A copy of the logits alone: the engine's own pass over every row.
      const bare: LogitsFn = async (ids, positions) => new Float32Array(await session.logits(ids, positions));
      const [a, b] = [await run(withSummary, settings), await run(bare, settings)];
      expect(summarized).toBe(a.length);
      expect(a.length).toBe(b.length);
      for (let k = 0; k < a.length; k++) {
        expect(a[k].resolved, `step ${k + 1}`).toEqual(b[k].resolved);
        expect(Array.from(a[k].ids), `step ${k + 1}`).toEqual(Array.from(b[k].ids));
        expect(Array.from(a[k].draftIds)).toEqual(Array.from(b[k].draftIds));
        // Stored confidences and draft probabilities come from two float32 normalisers over 4,096
        // entries summed in different orders (ORT's Softmax, the engine's loop): they differ by up to
        // about 1e-5 relative (measured 1.02e-5 and 1.10e-5 on the 2026-12-01 model), so the bound
        // here is 5e-5. The choices above must still be identical.
        a[k].confidences.forEach((c, r) => expect(Math.abs(c / b[k].confidences[r] - 1)).toBeLessThan(5e-5));
        a[k].draftProbs.forEach((p, i) => expect(Math.abs(p - b[k].draftProbs[i])).toBeLessThanOrEqual(5e-5 * p));
      }
    });
  }
});
