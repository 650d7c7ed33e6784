// The unmasking loop (SAMPLING.md): one forward pass per step, one frame per step; unmasking
// first, then the refinement rounds.
import { createRng } from './rng';
import { analyse, drawToken, drawWeights, prepareLogits, probability, RowScratch, summaryRow } from './sampling';
import { isAdaptive, stepPlan } from './schedule';
import { normalizeSettings } from './settings';
import { chooseAdaptive, choosePositions, distributionScore, scoringStrategy } from './strategy';
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
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (canvas.fixed[i]) continue;
    if (ids[i] !== special.mask) throw new Error(`position ${i} is neither given nor masked`);
    rank[i] = total++;
  }
  const plan = stepPlan(total, s);
  if (plan.length === 0) return;
  const strategy = scoringStrategy(s.strategy, s.blockStrategy);
  const blockOf = (masked: Int32Array) =>
    s.strategy === 'blocks' ? masked.map((i) => Math.floor(rank[i] / s.blockLength)) : new Int32Array(masked.length);
  const rng = createRng(s.seed);
  // The confidence each generated token had when it was last resolved: what refinement re-masks by.
  const trust = new Float64Array(n);
  let scratch: RowScratch | undefined;
  // The adaptive schedule decides each step's count, so a phase can end before its last planned step.
  const adaptive = isAdaptive(s);
  let step = 0;

  for (let k = 0; k < plan.length; k++) {
    const { round, count, remask, left } = plan[k];
    if (signal?.aborted) return;
    const remasked = remask > 0 ? leastTrusted(canvas.fixed, trust, remask) : [];
    for (const i of remasked) ids[i] = special.mask;
    // The step reads logits at the still-masked slots only: the forward pass computes just those rows.
    let m = 0;
    for (let i = 0; i < n; i++) if (!canvas.fixed[i] && ids[i] === special.mask) m++;
    if (m === 0) continue; // only after an adaptive phase ended early: no pass, no frame
    const masked = new Int32Array(m);
    for (let i = 0, j = 0; i < n; i++) if (!canvas.fixed[i] && ids[i] === special.mask) masked[j++] = i;
    const t0 = performance.now();
    // Copies: the logits function may hold on to its inputs after we move on.
    const out = await logits(ids.slice(), masked.slice());
    const forwardMs = performance.now() - t0;
    if (signal?.aborted) return;
    // The graph's row summary stands in for the pass of exponentials over every row (2a–2c) when
    // the row is scored as the model gave it: no repetition penalty, no entropy (which needs every
    // p), and no per-row draw (confidence at T > 0 scores by the drawn token).
    // A summary of another length than the rows asked for is ignored, not trusted.
    const summary =
      s.repetitionPenalty === 1 &&
      strategy !== 'entropy' &&
      !(s.temperature > 0 && strategy === 'confidence') &&
      out.summary?.topProb.length === m &&
      out.summary.top2Ids.length === 2 * m
        ? out.summary
        : undefined;
    if (out.length === 0 || out.length % m !== 0) {
      throw new Error(`logits of length ${out.length} do not fit the ${m} masked positions asked for`);
    }
    const vocab = out.length / m;
    if (!scratch || scratch.vocab !== vocab) scratch = new RowScratch(vocab);

    const token = new Int32Array(m);
    const confidence = new Float64Array(m);
    const score = new Float64Array(m);
    // Only the confidence strategy scores by the drawn token. For the others, each row's u is drawn
    // in its turn (the order of random numbers is part of the rules) but the draw itself, a second
    // pass over the vocabulary, is made only for the rows this step resolves.
    const drawLater = s.temperature > 0 && strategy !== 'confidence';
    const u = drawLater ? new Float64Array(m) : null;
    const zp = drawLater ? new Float64Array(m) : null;
    const draftIds = new Int32Array(n).fill(-1);
    const draftProbs = new Float32Array(n);
    const top = adaptive ? new Float64Array(m) : null;
    const row = (j: number) => out.subarray(j * vocab, (j + 1) * vocab);
    // Ascending positions: the order in which random numbers are drawn is part of the rules.
    for (let j = 0; j < m; j++) {
      const i = masked[j];
      const summarized = summary !== undefined && summaryRow(summary, j, special, scratch);
      if (!summarized) {
        prepareLogits(row(j), ids, i, special, s.repetitionPenalty, s.repetitionWindow, scratch);
        analyse(scratch, drawLater ? 0 : s.temperature, strategy === 'entropy');
      }
      draftIds[i] = scratch.best;
      draftProbs[i] = 1 / scratch.zp; // p[best] = exp(0) / zp
      if (top) top[j] = 1 / scratch.zp;
      if (u && zp) {
        u[j] = rng();
        zp[j] = scratch.zp;
      } else if (summarized) {
        // Only reached at temperature 0 (see `summary`): x is the argmax, p[x] = 1 / zp.
        token[j] = scratch.best;
        confidence[j] = 1 / scratch.zp;
      } else {
        token[j] = s.temperature > 0 ? drawToken(scratch, s.topK, s.topP, rng()) : scratch.best;
        confidence[j] = probability(scratch, token[j]);
      }
      if (strategy === 'random') score[j] = rng();
      else if (strategy === 'left-to-right') score[j] = -i;
      else score[j] = distributionScore(strategy, scratch, confidence[j]);
    }

    // Adaptive: the sure slots, and at least the even pace that finishes the phase within its steps.
    const resolved = top
      ? chooseAdaptive(masked, score, blockOf(masked), top, s.threshold, Math.max(1, Math.floor(m / left)))
      : choosePositions(masked, score, blockOf(masked), count);
    const confidences: number[] = [];
    for (const i of resolved) {
      const j = slot(masked, i);
      if (u && zp) {
        prepareLogits(row(j), ids, i, special, s.repetitionPenalty, s.repetitionWindow, scratch);
        drawWeights(scratch, s.temperature);
        token[j] = drawToken(scratch, s.topK, s.topP, u[j]);
        scratch.zp = zp[j];
        confidence[j] = probability(scratch, token[j]);
      }
      confidences.push(confidence[j]);
    }
    // Set after every draw: the penalty of a later draw reads the canvas this step started from.
    for (let r = 0; r < resolved.length; r++) {
      const i = resolved[r];
      const j = slot(masked, i);
      ids[i] = token[j];
      trust[i] = confidence[j];
      draftIds[i] = -1;
      draftProbs[i] = 0;
    }
    step++;
    // Adaptive: the most steps the run can still take (the rest of this phase, then the later ones).
    const rest = m - resolved.length;
    const totalSteps = adaptive ? step + Math.min(rest, left - 1) + (plan.length - k - left) : plan.length;
    yield {
      step,
      totalSteps,
      ids: ids.slice(),
      resolved,
      confidences,
      forwardMs,
      phase: round === 0 ? 'unmask' : 'refine',
      round,
      remasked,
      draftIds,
      draftProbs,
    };
  }
}

/** Index of position i in the ascending `masked`. */
function slot(masked: Int32Array, i: number): number {
  let lo = 0;
  let hi = masked.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (masked[mid] < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The k generated positions with the lowest trust (ties: lower position first), ascending. */
function leastTrusted(fixed: Uint8Array, trust: Float64Array, k: number): number[] {
  const generated: number[] = [];
  for (let i = 0; i < fixed.length; i++) if (!fixed[i]) generated.push(i);
  generated.sort((a, b) => trust[a] - trust[b] || a - b);
  return generated.slice(0, k).sort((a, b) => a - b);
}
