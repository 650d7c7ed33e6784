// What the engine adds to each step, apart from the forward pass: the shipped model's logits are
// recorded once (onnxruntime-web WASM in Node), then the same run is replayed from the recording
// so that only sampling, strategy scoring and frame building are timed. Node's V8 is Chromium's,
// so the per-step milliseconds carry over; the forward pass is timed in bench/run.mjs.
// Run: node bench/engineStep.mjs
import { buildCanvas, DEFAULT_SETTINGS, unmask, type LogitsFn, type SamplerSettings } from '../src/engine';
import { samplerIds } from '../src/runtime/config';
import { nodeWasmSession } from '../src/runtime/nodeOrt';
import { loadTokenizer } from '../src/runtime/tokenizer';
import { MODEL_DIR, readConfig } from '../src/runtime/testModel';
import { readFileSync } from 'node:fs';

export async function engineStep(reps = 5) {
  const config = readConfig();
  const tok = loadTokenizer(readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8'), config.vocab_size);
  const L = Math.min(128, config.context) - 4;
  const prompt = tok.encode('Once upon a time');
  const canvas = buildCanvas(
    [
      { kind: 'text', text: 'Once upon a time' },
      { kind: 'blank', length: L - prompt.length + 4 },
    ],
    tok.encode,
    config.special_ids.mask,
    config.context,
  );
  const session = await nodeWasmSession();
  const results = [];
  for (const [label, over] of [
    ['app defaults (margin, T 0.7, top-p 0.95, no repeated 3-grams, 32 steps, 2 refinement rounds)', {}],
    ["the defaults without the no-repeated-n-grams rule (2b' and step 4)", { noRepeatNgram: 0 }],
    ['confidence, T 1, top-p 1', { strategy: 'confidence', temperature: 1, topP: 1, refineRounds: 0 }],
    ['entropy, T 0.8', { strategy: 'entropy', refineRounds: 0 }],
    ['greedy margin', { temperature: 0, refineRounds: 0 }],
  ] as [string, Partial<SamplerSettings>][]) {
    const s = { ...DEFAULT_SETTINGS, ...over };
    const recorded: Float32Array[] = [];
    const forwardMs: number[] = [];
    const live: LogitsFn = async (ids, positions) => {
      const out = await session.logits(ids, positions);
      recorded.push(out);
      return out;
    };
    for await (const f of unmask(canvas, live, s, samplerIds(config))) forwardMs.push(f.forwardMs);
    let best = Infinity;
    let rows = 0;
    for (let r = 0; r < reps; r++) {
      let k = 0;
      rows = 0;
      const replay: LogitsFn = async (_ids, positions) => {
        rows += positions!.length;
        return recorded[k++];
      };
      const t0 = performance.now();
      for await (const f of unmask(canvas, replay, s, samplerIds(config))) void f;
      best = Math.min(best, performance.now() - t0);
    }
    const steps = forwardMs.length;
    const fwd = forwardMs.reduce((a, b) => a + b, 0);
    results.push({
      label,
      steps,
      rows,
      engineMsPerStep: best / steps,
      forwardMsPerStep: fwd / steps,
      engineShare: best / (best + fwd),
    });
  }
  return results;
}
