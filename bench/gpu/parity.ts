// Does the GPU compute what the CPU computes? One forward pass of each model through the app's
// session code (src/runtime/session.ts) on WebGPU and on WASM, same ids: the largest logit
// difference and how many rows agree on the top token. A fast GPU figure with wrong logits (an
// f16 path, a driver bug) would be worthless, so the bench reports this beside the speeds.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelEntry } from '../../src/runtime/models';
import { openSession, type Ort } from '../../src/runtime/session';

export interface Parity {
  rows: number;
  top1Agree: number;
  maxAbsDiff: number;
  maxAbsLogit: number;
}

export async function parity(ort: Ort, entry: ModelEntry): Promise<Parity> {
  const { config } = entry;
  const V = config.vocab_size;
  const n = Math.min(128, config.context);
  // A fixed canvas: the first half ordinary tokens, the rest [MASK]; every slot is read out.
  const ids = Int32Array.from({ length: n }, (_, i) =>
    i < n / 2 ? 3 + ((i * 37) % (V - 3)) : config.special_ids.mask,
  );
  const positions = Int32Array.from({ length: n }, (_, i) => i);
  const bytes = new Uint8Array(readFileSync(fileURLToPath(entry.files.model.url)));
  const out: Float32Array[] = [];
  for (const backend of ['webgpu', 'wasm'] as const) {
    const s = await openSession(ort, bytes, backend, V);
    try {
      out.push(Float32Array.from(await s.logits(ids, positions)));
    } finally {
      await s.release();
    }
  }
  const [gpu, cpu] = out;
  let maxAbsDiff = 0;
  let maxAbsLogit = 0;
  let top1Agree = 0;
  for (let r = 0; r < n; r++) {
    let bg = 0;
    let bc = 0;
    for (let v = 0; v < V; v++) {
      const k = r * V + v;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(gpu[k] - cpu[k]));
      maxAbsLogit = Math.max(maxAbsLogit, Math.abs(cpu[k]));
      if (gpu[k] > gpu[r * V + bg]) bg = v;
      if (cpu[k] > cpu[r * V + bc]) bc = v;
    }
    if (bg === bc) top1Agree++;
  }
  return { rows: n, top1Agree, maxAbsDiff, maxAbsLogit };
}
