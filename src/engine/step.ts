// One step's sampling over the rows of one forward pass (SAMPLING.md, "One step", 2a–2f): every
// masked row's candidate, confidence, draft and score. The unmasking loop (unmask.ts) runs it for
// every step; the inspector (inspect.ts) runs it again on a recomputed pass, so the two cannot
// disagree on what a step drew or how it ranked its slots.
import { repeatedNgramBans } from './repeats';
import { analyse, drawToken, drawWeights, prepareLogits, probability, RowScratch, summaryRow } from './sampling';
import { distributionScore, scoringStrategy } from './strategy';
import type { Logits, RowSummary, SamplerSettings, SpecialIds } from './types';

/** What a step knows of each masked row j (position masked[j]) after scoring. */
export interface ScoredRows {
  vocab: number;
  /** The candidate x (0 until drawn for rows whose draw waits, see `u`). */
  token: Int32Array;
  /** p[x] (0 until drawn for rows whose draw waits). */
  confidence: Float64Array;
  score: Float64Array;
  /** p[d] = max p of each row, in float64: what the adaptive schedule's threshold reads. */
  top: Float64Array;
  /** Each row's u at T > 0 (null at T 0): a deferred draw, or a draw made again at step 4, reads it. */
  u: Float64Array | null;
  /** For strategies that do not score by x at T > 0: p's normaliser of each row, so that x is drawn
   * (drawDeferred) only for the rows the step resolves. Null otherwise. */
  zp: Float64Array | null;
  /** Each row's ids banned by 2b' on the canvas the pass saw: drawDeferred reads them again. */
  bans: number[][];
}

/** The graph's row summary when it may stand in for the pass over a row (see SAMPLING.md): no
 * repetition penalty, no entropy, not confidence at T > 0, and of the length asked for. */
function usableSummary(out: Logits, m: number, s: SamplerSettings): RowSummary | undefined {
  const strategy = scoringStrategy(s.strategy, s.blockStrategy);
  return s.repetitionPenalty === 1 &&
    strategy !== 'entropy' &&
    !(s.temperature > 0 && strategy === 'confidence') &&
    out.summary?.topProb.length === m &&
    out.summary.top2Ids.length === 2 * m
    ? out.summary
    : undefined;
}

/**
 * 2a–2f for every masked row of `out` (row j belongs to masked[j], ascending), drawing random numbers
 * from `rng` in the rulebook's order. `ids` is the canvas the pass saw (the repetition penalty reads
 * it). Fills `draftIds` / `draftProbs` at the masked positions. `settings` must be normalized.
 */
export function scoreRows(
  out: Logits,
  ids: Int32Array,
  masked: Int32Array,
  s: SamplerSettings,
  special: SpecialIds,
  rng: () => number,
  scratchFor: (vocab: number) => RowScratch,
  draftIds: Int32Array,
  draftProbs: Float32Array,
): ScoredRows {
  const m = masked.length;
  if (out.length === 0 || out.length % m !== 0) {
    throw new Error(`logits of length ${out.length} do not fit the ${m} masked positions asked for`);
  }
  const vocab = out.length / m;
  const scratch = scratchFor(vocab);
  const strategy = scoringStrategy(s.strategy, s.blockStrategy);
  const summary = usableSummary(out, m, s);
  const token = new Int32Array(m);
  const confidence = new Float64Array(m);
  const score = new Float64Array(m);
  const top = new Float64Array(m);
  const rowBans: number[][] = new Array<number[]>(m);
  // Only the confidence strategy scores by the drawn token. For the others, each row's u is drawn
  // in its turn (the order of random numbers is part of the rules) but the draw itself, a second
  // pass over the vocabulary, is made only for the rows this step resolves.
  const drawLater = s.temperature > 0 && strategy !== 'confidence';
  const u = s.temperature > 0 ? new Float64Array(m) : null;
  const zp = drawLater ? new Float64Array(m) : null;
  // Ascending positions: the order in which random numbers are drawn is part of the rules.
  for (let j = 0; j < m; j++) {
    const i = masked[j];
    // A row with banned ids (2b') is not the row the graph summarised.
    const bans = (rowBans[j] = repeatedNgramBans(ids, i, s.noRepeatNgram, special));
    const summarized = summary !== undefined && bans.length === 0 && summaryRow(summary, j, special, scratch);
    if (!summarized) {
      prepareLogits(rowOf(out, vocab, j), ids, i, special, s.repetitionPenalty, s.repetitionWindow, scratch, bans);
      analyse(scratch, drawLater ? 0 : s.temperature, strategy === 'entropy');
    }
    draftIds[i] = scratch.best;
    draftProbs[i] = 1 / scratch.zp; // p[best] = exp(0) / zp
    top[j] = 1 / scratch.zp;
    if (u) u[j] = rng();
    if (zp) {
      zp[j] = scratch.zp;
    } else if (summarized) {
      // Only reached at temperature 0 (see usableSummary): x is the argmax, p[x] = 1 / zp.
      token[j] = scratch.best;
      confidence[j] = 1 / scratch.zp;
    } else {
      token[j] = u ? drawToken(scratch, s.topK, s.topP, u[j]) : scratch.best;
      confidence[j] = probability(scratch, token[j]);
    }
    if (strategy === 'random') score[j] = rng();
    else if (strategy === 'left-to-right') score[j] = -i;
    else score[j] = distributionScore(strategy, scratch, confidence[j]);
  }
  return { vocab, token, confidence, score, top, u, zp, bans: rowBans };
}

/** The waiting draw of row j (position i) of scoreRows, when `rows.u` is set: x and p[x]. */
export function drawDeferred(
  out: Logits,
  rows: ScoredRows,
  j: number,
  i: number,
  ids: Int32Array,
  s: SamplerSettings,
  special: SpecialIds,
  scratch: RowScratch,
): void {
  if (!rows.u || !rows.zp) return;
  prepareLogits(
    rowOf(out, rows.vocab, j),
    ids,
    i,
    special,
    s.repetitionPenalty,
    s.repetitionWindow,
    scratch,
    rows.bans[j],
  );
  drawWeights(scratch, s.temperature);
  rows.token[j] = drawToken(scratch, s.topK, s.topP, rows.u[j]);
  scratch.zp = rows.zp[j];
  rows.confidence[j] = probability(scratch, rows.token[j]);
}

/**
 * Step 4: writes the chosen rows (indexes j into `masked`, in the order of step 3) into `ids`, one at
 * a time. With 2b' on, each sees what this step wrote before it: a token that would now repeat an
 * n-gram of the canvas, or double the token a slot of this step wrote beside it, is taken away and
 * the row drawn again with its own u (`token` and `confidence` change). `passIds` is the canvas the
 * pass saw, which the repetition penalty reads, as it did for the first draw.
 */
export function commitInOrder(
  out: Logits,
  rows: ScoredRows,
  masked: Int32Array,
  order: readonly number[],
  passIds: Int32Array,
  ids: Int32Array,
  s: SamplerSettings,
  special: SpecialIds,
  scratch: RowScratch,
): void {
  const written = new Set<number>();
  for (const j of order) {
    const i = masked[j];
    if (s.noRepeatNgram > 0) {
      const banned = new Set(repeatedNgramBans(ids, i, s.noRepeatNgram, special));
      for (const k of [i - 1, i + 1]) if (written.has(k)) banned.add(ids[k]);
      if (banned.has(rows.token[j]))
        redraw(
          out,
          rows,
          j,
          i,
          [...banned].sort((a, b) => a - b),
          passIds,
          s,
          special,
          scratch,
        );
    }
    ids[i] = rows.token[j];
    written.add(i);
  }
}

/** Row j drawn again without `banned` (the same u; at T 0 the argmax); kept as it was if nothing is left. */
function redraw(
  out: Logits,
  rows: ScoredRows,
  j: number,
  i: number,
  banned: number[],
  passIds: Int32Array,
  s: SamplerSettings,
  special: SpecialIds,
  scratch: RowScratch,
): void {
  prepareLogits(
    rowOf(out, rows.vocab, j),
    passIds,
    i,
    special,
    s.repetitionPenalty,
    s.repetitionWindow,
    scratch,
    banned,
  );
  if (scratch.l[rows.token[j]] !== -Infinity) return; // every id was banned: the rule gave way
  analyse(scratch, s.temperature, false);
  rows.token[j] = rows.u ? drawToken(scratch, s.topK, s.topP, rows.u[j]) : scratch.best;
  rows.confidence[j] = probability(scratch, rows.token[j]);
}

const rowOf = (out: Float32Array, vocab: number, j: number) => out.subarray(j * vocab, (j + 1) * vocab);
