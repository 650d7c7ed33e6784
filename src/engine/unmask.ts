// The unmasking loop (SAMPLING.md): one forward pass per step, one frame per step.
import { createRng } from './rng';
import { argmax, drawToken, prepareLogits, RowScratch, softmaxInto } from './sampling';
import { plannedSteps, stepCounts } from './schedule';
import { normalizeSettings } from './settings';
import { choosePositions, distributionScore, scoringStrategy } from './strategy';
import type { Canvas, Frame, LogitsFn, SamplerSettings, SpecialIds } from './types';

/**
 * Resolves the masked positions of `canvas` step by step and yields a frame after each step.
 * The canvas is not modified. `signal` is checked before every forward pass (and once more when a
 * pass returns, so no frame follows a cancel); on abort the generator simply returns.
 * Throws when the canvas is inconsistent or the logits have the wrong size or hold NaN.
 */
export async function* unmask(
  canvas: Canvas,
  logits: LogitsFn,
  settings: SamplerSettings,
  special: SpecialIds,
  signal?: AbortSignal,
): AsyncGenerator<Frame> {
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
  const steps = plannedSteps(m, s);
  if (steps === 0) return;
  const counts = stepCounts(m, steps, s.schedule);
  const strategy = scoringStrategy(s.strategy, s.blockStrategy);
  const block = s.strategy === 'blocks' ? (i: number) => Math.floor(rank[i] / s.blockLength) : () => 0;
  const rng = createRng(s.seed);
  let scratch: RowScratch | undefined;

  for (let k = 0; k < steps; k++) {
    if (signal?.aborted) return;
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
    // Ascending positions: the order in which random numbers are drawn is part of the rules.
    for (const i of masked) {
      prepareLogits(out.subarray(i * vocab, (i + 1) * vocab), ids, i, special, s.repetitionPenalty, s.repetitionWindow, scratch);
      softmaxInto(scratch.l, scratch.p);
      let x: number;
      if (s.temperature === 0) {
        x = argmax(scratch.l);
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

    const resolved = choosePositions(masked, (i) => score.get(i)!, block, counts[k]);
    for (const i of resolved) ids[i] = token.get(i)!;
    yield {
      step: k + 1,
      totalSteps: steps,
      ids: ids.slice(),
      resolved,
      confidences: resolved.map((i) => confidence.get(i)!),
      forwardMs,
    };
  }
}
