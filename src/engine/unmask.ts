// The unmasking loop (SAMPLING.md): one forward pass per step, one frame per step; unmasking
// first, then the refinement rounds.
import { createRng } from './rng';
import { drawToken, prepareLogits, RowScratch, softmaxInto } from './sampling';
import { stepPlan } from './schedule';
import { normalizeSettings } from './settings';
import { choosePositions, distributionScore, scoringStrategy } from './strategy';
import type { Canvas, LogitsFn, SamplerSettings, SpecialIds, StepFrame } from './types';

/**
 * Resolves the masked positions of `canvas` step by step, then refines (re-masks the least
 * trusted generated tokens and resolves them again) for `settings.refineRounds` rounds, and yields
 * a frame after each step. The canvas is not modified. `signal` is checked before every forward
 * pass (and once more when a pass returns, so no frame follows a cancel); on abort the generator
 * simply returns. Throws when the canvas is inconsistent or the logits have the wrong size or hold NaN.
 */
export async function* unmask(
  canvas: Canvas,
  logits: LogitsFn,
  settings: SamplerSettings,
  special: SpecialIds,
  signal?: AbortSignal,
): AsyncGenerator<StepFrame> {
  // Valid settings pass through unchanged; this only guards against values the rules cannot run.
  const s = normalizeSettings(settings).settings;
  const n = canvas.ids.length;
  if (canvas.fixed.length !== n) {
    throw new Error(`canvas has ${n} ids but ${canvas.fixed.length} fixed flags`);
  }
  const ids = Int32Array.from(canvas.ids);
  const rank = new Int32Array(n).fill(-1);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (canvas.fixed[i]) continue;
    if (ids[i] !== special.mask) throw new Error(`position ${i} is neither given nor masked`);
    rank[i] = m++;
  }
  const plan = stepPlan(m, s);
  if (plan.length === 0) return;
  const strategy = scoringStrategy(s.strategy, s.blockStrategy);
  const block = s.strategy === 'blocks' ? (i: number) => Math.floor(rank[i] / s.blockLength) : () => 0;
  const rng = createRng(s.seed);
  // The confidence each generated token had when it was last resolved: what refinement re-masks by.
  const trust = new Float64Array(n);
  let scratch: RowScratch | undefined;

  for (let k = 0; k < plan.length; k++) {
    const { round, count, remask } = plan[k];
    if (signal?.aborted) return;
    const remasked = remask > 0 ? leastTrusted(canvas.fixed, trust, remask) : [];
    for (const i of remasked) ids[i] = special.mask;
    const t0 = performance.now();
    // A copy: the logits function may hold on to its input after we move on.
    const out = await logits(ids.slice());
    const forwardMs = performance.now() - t0;
    if (signal?.aborted) return;
    if (out.length === 0 || out.length % n !== 0) {
      throw new Error(`logits of length ${out.length} do not fit a canvas of ${n} tokens`);
    }
    const vocab = out.length / n;
    if (!scratch || scratch.vocab !== vocab) scratch = new RowScratch(vocab);

    const masked: number[] = [];
    for (let i = 0; i < n; i++) if (!canvas.fixed[i] && ids[i] === special.mask) masked.push(i);
    const token = new Map<number, number>();
    const confidence = new Map<number, number>();
    const score = new Map<number, number>();
    const draftIds = new Int32Array(n).fill(-1);
    const draftProbs = new Float32Array(n);
    // Ascending positions: the order in which random numbers are drawn is part of the rules.
    for (const i of masked) {
      prepareLogits(out.subarray(i * vocab, (i + 1) * vocab), ids, i, special, s.repetitionPenalty, s.repetitionWindow, scratch);
      const best = softmaxInto(scratch.l, scratch.p);
      draftIds[i] = best;
      draftProbs[i] = scratch.p[best];
      let x: number;
      if (s.temperature === 0) {
        x = best;
      } else {
        // At T = 1, q is p bit for bit: skip the second pass of exponentials.
        if (s.temperature === 1) scratch.q.set(scratch.p);
        else softmaxInto(scratch.l, scratch.q, s.temperature);
        x = drawToken(scratch, s.topK, s.topP, rng());
      }
      token.set(i, x);
      confidence.set(i, scratch.p[x]);
      if (strategy === 'random') score.set(i, rng());
      else if (strategy === 'left-to-right') score.set(i, -i);
      else score.set(i, distributionScore(strategy, scratch.p, x));
    }

    const resolved = choosePositions(masked, (i) => score.get(i)!, block, count);
    for (const i of resolved) {
      ids[i] = token.get(i)!;
      trust[i] = confidence.get(i)!;
      draftIds[i] = -1;
      draftProbs[i] = 0;
    }
    yield {
      step: k + 1,
      totalSteps: plan.length,
      ids: ids.slice(),
      resolved,
      confidences: resolved.map((i) => confidence.get(i)!),
      forwardMs,
      phase: round === 0 ? 'unmask' : 'refine',
      round,
      remasked,
      draftIds,
      draftProbs,
    };
  }
}

/** The k generated positions with the lowest trust (ties: lower position first), ascending. */
function leastTrusted(fixed: Uint8Array, trust: Float64Array, k: number): number[] {
  const generated: number[] = [];
  for (let i = 0; i < fixed.length; i++) if (!fixed[i]) generated.push(i);
  generated.sort((a, b) => trust[a] - trust[b] || a - b);
  return generated.slice(0, k).sort((a, b) => a - b);
}
