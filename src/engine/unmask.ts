// The unmasking loop (SAMPLING.md): one forward pass per step, one frame per step; unmasking
// first, then the refinement rounds.
import { createRng } from './rng';
import { RowScratch } from './sampling';
import { isAdaptive, stepPlan } from './schedule';
import { normalizeSettings } from './settings';
import { commitInOrder, drawDeferred, scoreRows } from './step';
import { chooseAdaptive, choosePositions, resolutionOrder, stepOrder } from './strategy';
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
    const draftIds = new Int32Array(n).fill(-1);
    const draftProbs = new Float32Array(n);
    const scratchFor = (vocab: number) => {
      if (!scratch || scratch.vocab !== vocab) scratch = new RowScratch(vocab);
      return scratch;
    };
    const rows = scoreRows(out, ids, masked, s, special, rng, scratchFor, draftIds, draftProbs);
    const { confidence } = rows;

    // Adaptive: the sure slots, and at least the even pace that finishes the phase within its steps.
    const block = blockOf(masked);
    const resolved = adaptive
      ? chooseAdaptive(masked, rows.score, block, rows.top, s.threshold, Math.max(1, Math.floor(m / left)))
      : choosePositions(masked, rows.score, block, count);
    for (const i of resolved) drawDeferred(out, rows, slot(masked, i), i, ids, s, special, scratchFor(rows.vocab));
    // Written after every draw, in the order of step 3: the penalty reads the canvas the pass saw, and
    // with 2b' on each slot sees what this step wrote before it (step 4). Without 2b' no slot sees
    // another, so any order writes the same canvas and nothing is redrawn: no sort, no copy.
    const rule = s.noRepeatNgram > 0;
    const order = rule
      ? stepOrder(resolutionOrder(rows.score, block), masked, resolved)
      : resolved.map((i) => slot(masked, i));
    commitInOrder(out, rows, masked, order, rule ? ids.slice() : ids, ids, s, special, scratchFor(rows.vocab));
    const confidences: number[] = [];
    for (const i of resolved) {
      const j = slot(masked, i);
      confidences.push(confidence[j]);
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
