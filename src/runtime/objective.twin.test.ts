// The noise panel's TypeScript/Python twin: the same draws and the same loss on the shipped graph,
// onnxruntime-web here against onnxruntime CPU in the pipeline (models/pipeline/objective.py),
// within 1e-3 (same quantized weights, different kernels).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  lossAt,
  lossCurve,
  noiseMask,
  noisyCanvas,
  scoreRows,
  type DenoiseFn,
  type Passage,
} from '../engine/objective';
import { nodeWasmSession } from './nodeOrt';
import { MODEL_DIR, readConfig, readFixture } from './testModel';

interface Cases {
  cases: {
    passage: number;
    t: number;
    seed: number;
    draw: number;
    masked: number[];
    bits_per_masked_token: number;
    integrand_nats: number;
  }[];
  curve: {
    passages: number[];
    points: number;
    draws: number;
    seed: number;
    curve: { t: number; integrand_nats: number }[];
    bits_per_byte: number;
  };
}

const TOLERANCE = 1e-3;
const config = readConfig();
const { cases, curve } = readFixture<Cases>('objective_cases.json');
const passages = (JSON.parse(readFileSync(`${MODEL_DIR}/passages.json`, 'utf8')) as { passages: Passage[] }).passages;
const maskId = config.special_ids.mask;

const denoise: DenoiseFn = async (noisy, targets) => {
  const positions = Int32Array.from([...noisy.keys()].filter((i) => noisy[i] === maskId));
  const session = await nodeWasmSession();
  return scoreRows(await session.logits(noisy, positions), config.vocab_size, positions, targets);
};

describe('the noise panel agrees with the pipeline on the shipped model', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i: same masked slots, same loss', async (_, c) => {
    const ids = passages[c.passage].ids;
    const mask = noiseMask(ids.length, c.t, c.seed, c.draw);
    const { ids: noisy, positions } = noisyCanvas(ids, mask, maskId);
    expect(Array.from(positions)).toEqual(c.masked);
    const got = lossAt((await denoise(noisy, Int32Array.from(ids))).nll, c.t, ids.length);
    expect(Math.abs(got.bitsPerMaskedToken! - c.bits_per_masked_token)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(got.integrandNats - c.integrand_nats)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('integrates the same curve to the same bound', async () => {
    const chosen = curve.passages.map((j) => passages[j]);
    const got = await lossCurve(denoise, chosen, {
      points: curve.points,
      draws: curve.draws,
      seed: curve.seed,
      maskId,
    });
    got.curve.forEach((p, k) => {
      expect(p.t).toBe(curve.curve[k].t);
      expect(Math.abs(p.integrandNats - curve.curve[k].integrand_nats)).toBeLessThanOrEqual(TOLERANCE);
    });
    expect(Math.abs(got.bitsPerByte - curve.bits_per_byte)).toBeLessThanOrEqual(TOLERANCE);
  });
});
