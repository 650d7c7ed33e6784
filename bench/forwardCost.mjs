// The forward pass of ONNX files side by side, as the browser's WASM backend runs it (onnxruntime-web in
// Node, 1 thread, 128 tokens, every row): for comparing model shapes (say a 6-layer model against the
// same grown to 8) on one machine in one run. The files are timed in alternating rounds, so a load that
// comes and goes touches each alike; the ratio to the first file is the figure to read.
//   node bench/forwardCost.mjs models/unmask-small/model.onnx /tmp/grown8/model_q8.onnx
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';

const files = process.argv.slice(2);
if (files.length === 0) throw new Error('usage: node bench/forwardCost.mjs A.onnx [B.onnx ...]');
const TOKENS = 128;
const WARMUP = 20;
const ROUNDS = 10;
const PER_ROUND = 10;
ort.env.wasm.numThreads = 1;

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const sessions = [];
for (const f of files) {
  const session = await ort.InferenceSession.create(new Uint8Array(readFileSync(f)), { executionProviders: ['wasm'] });
  const ids = new ort.Tensor(
    'int64',
    BigInt64Array.from({ length: TOKENS }, (_, i) => BigInt(3 + (i % 50))),
    [1, TOKENS],
  );
  const feeds = { input_ids: ids };
  if (session.inputNames.includes('positions'))
    feeds.positions = new ort.Tensor(
      'int64',
      BigInt64Array.from({ length: TOKENS }, (_, i) => BigInt(i)),
      [1, TOKENS],
    );
  const run = () => session.run(feeds);
  for (let k = 0; k < WARMUP; k++) await run();
  sessions.push({ file: f, run, ms: [] });
}
for (let r = 0; r < ROUNDS; r++) {
  for (const s of sessions) {
    for (let k = 0; k < PER_ROUND; k++) {
      const t0 = performance.now();
      await s.run();
      s.ms.push(performance.now() - t0);
    }
  }
}
const base = median(sessions[0].ms);
for (const s of sessions) {
  const m = median(s.ms);
  console.log(`${s.file}: median forward ${m.toFixed(1)} ms (${(m / base).toFixed(2)}x the first)`);
}
