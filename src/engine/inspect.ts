// Looking inside one slot at one step (the inspector): the canvas a step's forward pass saw, the
// step's own sampling run again on that pass's rows (step.ts, the code the loop runs), and for one
// slot the model's distribution p (2a–2c) beside the distribution the draw walks, q (2d). Pure: the
// worker recomputes the pass and calls inspectPass; the page calls slotDistribution on the row,
// with the run's settings and with a what-if temperature or top-p.
import { repeatedNgramBans } from './repeats';
import { createRng } from './rng';
import { analyse, cutKept, prepareLogits, probability, RowScratch } from './sampling';
import { normalizeSettings } from './settings';
import { commitInOrder, drawDeferred, scoreRows } from './step';
import { resolutionOrder, scoringStrategy, stepOrder } from './strategy';
import type { Frame, Logits, SamplerSettings, SpecialIds } from './types';

/** The forward pass of step `step` (1-based) of a run, rebuilt from its frames. */
export interface PassInput {
  /** The canvas the pass saw: the previous frame's ids (the initial canvas for step 1) with this
   * step's re-masked slots set to [MASK]. */
  ids: Int32Array;
  /** The slots still masked on that canvas, ascending (the rows the pass computed). */
  masked: Int32Array;
  /** Random numbers the run drew before this step (SAMPLING.md: one u per masked row at T > 0,
   * one more per row for the random strategy). */
  rngDraws: number;
  /** The slots the step resolved (the schedule's n(k) of them), ascending. */
  resolved: number[];
}

/** Random numbers one masked row of a pass draws under settings `s`. */
function drawsPerRow(s: SamplerSettings): number {
  return (s.temperature > 0 ? 1 : 0) + (scoringStrategy(s.strategy, s.blockStrategy) === 'random' ? 1 : 0);
}

function maskedOf(ids: Int32Array, fixed: Uint8Array, mask: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) if (!fixed[i] && ids[i] === mask) out.push(i);
  return Int32Array.from(out);
}

/** Step `step`'s pass of a run that started from `initialIds` and produced `frames`. */
export function passOf(
  initialIds: Int32Array,
  fixed: Uint8Array,
  frames: readonly Frame[],
  step: number,
  settings: Partial<SamplerSettings>,
  mask: number,
): PassInput {
  if (!(step >= 1 && step <= frames.length)) throw new Error(`step ${step} is not one of the ${frames.length} shown`);
  const per = drawsPerRow(normalizeSettings(settings).settings);
  let canvas = initialIds;
  let rngDraws = 0;
  for (let k = 1; ; k++) {
    const frame = frames[k - 1];
    const ids = Int32Array.from(canvas);
    for (const i of frame.remasked ?? []) ids[i] = mask;
    const masked = maskedOf(ids, fixed, mask);
    if (k === step) return { ids, masked, rngDraws, resolved: frame.resolved };
    rngDraws += per * masked.length;
    canvas = frame.ids;
  }
}

/** What the step made of every masked row of one pass (row j belongs to masked[j]). */
export interface PassReport {
  masked: Int32Array;
  /** The candidate x each row drew, and p[x]: what the pass drew; step 4 may draw a committed slot
   * again (`stepWrites`), and the frame holds what it wrote. */
  token: Int32Array;
  confidence: Float64Array;
  /** The strategy's score (higher resolves first). */
  score: Float64Array;
  /** Each row's top probability max p: what the adaptive schedule's threshold reads. */
  top: Float64Array;
  /** Row indexes j in the order the step resolves them: the first n(k) are what it committed. */
  order: Int32Array;
  draftIds: Int32Array;
  draftProbs: Float32Array;
}

/**
 * The step's sampling on the rows `out` of a pass over `ids` (rows at `masked`, ascending), with
 * the random numbers the run had drawn by then: the same candidates, scores and order as the run,
 * and the draw made for every row (the loop draws only for the rows it resolves; a draw takes no
 * random number of its own, so this changes nothing).
 */
export function inspectPass(...pass: PassArgs): PassReport {
  return rerun(...pass).report;
}

/** inspectPass's arguments: out, ids, fixed, masked, settings, special, rngDraws. */
type PassArgs = Parameters<typeof rerun>;

/**
 * What step 4 wrote at the slots `resolved` (the frame's), in their order: with 2b' on a draw that
 * would repeat what the step wrote before it is drawn again (SAMPLING.md 4), so a written token can
 * differ from the pass's draw in `inspectPass`. `pass`: inspectPass's arguments.
 */
export function stepWrites(resolved: readonly number[], ...pass: PassArgs): { token: number[]; confidence: number[] } {
  const [out, ids, , masked, , special] = pass;
  const { s, rows, report, scratch } = rerun(...pass);
  const order = stepOrder(report.order, masked, resolved);
  rows.token = rows.token.slice();
  rows.confidence = rows.confidence.slice();
  commitInOrder(out, rows, masked, order, ids, ids.slice(), s, special, scratch(rows.vocab));
  const row = (i: number) => masked.indexOf(i);
  return { token: resolved.map((i) => rows.token[row(i)]), confidence: resolved.map((i) => rows.confidence[row(i)]) };
}

function rerun(
  out: Logits,
  ids: Int32Array,
  fixed: Uint8Array,
  masked: Int32Array,
  settings: Partial<SamplerSettings>,
  special: SpecialIds,
  rngDraws: number,
) {
  const s = normalizeSettings(settings).settings;
  const rng = createRng(s.seed);
  for (let k = 0; k < rngDraws; k++) rng();
  let scratch: RowScratch | undefined;
  const scratchFor = (vocab: number) => {
    if (!scratch || scratch.vocab !== vocab) scratch = new RowScratch(vocab);
    return scratch;
  };
  const draftIds = new Int32Array(ids.length).fill(-1);
  const draftProbs = new Float32Array(ids.length);
  const rows = scoreRows(out, ids, masked, s, special, rng, scratchFor, draftIds, draftProbs);
  for (let j = 0; j < masked.length; j++)
    drawDeferred(out, rows, j, masked[j], ids, s, special, scratchFor(rows.vocab));
  // Blocks by each slot's rank among the slots masked at the start (the positions not fixed).
  const block = new Int32Array(masked.length);
  if (s.strategy === 'blocks') {
    const rank = new Int32Array(ids.length);
    for (let i = 0, r = 0; i < ids.length; i++) if (!fixed[i]) rank[i] = r++;
    masked.forEach((i, j) => (block[j] = Math.floor(rank[i] / s.blockLength)));
  }
  const report: PassReport = {
    masked,
    token: rows.token,
    confidence: rows.confidence,
    score: rows.score,
    top: rows.top,
    order: Int32Array.from(resolutionOrder(rows.score, block)),
    draftIds,
    draftProbs,
  };
  return { s, rows, report, scratch: scratchFor };
}

export interface Candidate {
  id: number;
  /** The model's probability (2c: specials excluded, repetition penalty applied, temperature 1). */
  p: number;
  /** The probability the draw gives it (2d after top-k and top-p; one-hot on the argmax at T 0). */
  q: number;
}

export interface SlotDistribution {
  /** The most likely tokens by p (the draw's order too), and `drawn` when it is not among them. */
  candidates: Candidate[];
  /** Everything else together. */
  rest: { count: number; p: number; q: number };
  /** The argmax of p (the draft), and how many ids the draw could pick. */
  argmax: number;
  kept: number;
  /** The ids SAMPLING.md 2b' took away here (they would repeat an n-gram the canvas holds), or step
   * 4's when given: empty when the rule is off, finds nothing, or gives way. */
  banned: number[];
}

/** Candidates a distribution lists at least (the drawn token comes on top when it is not among them). */
export const TOP_CANDIDATES = 10;

/**
 * p and q of slot `slot` from its row of logits on the canvas `ids` the pass saw, under `settings`
 * (temperature, top-k, top-p, repetition penalty). `drawn`: a token to list whatever its rank.
 * `stepBans`: for a slot step 4 drew again, the ids it took away (`writtenAt`), in place of 2b''s.
 */
export function slotDistribution(
  row: Float32Array,
  ids: Int32Array,
  slot: number,
  settings: Partial<SamplerSettings>,
  special: SpecialIds,
  drawn: number | null = null,
  top = TOP_CANDIDATES,
  stepBans?: readonly number[],
): SlotDistribution {
  const s = normalizeSettings(settings).settings;
  const vocab = row.length;
  const scratch = new RowScratch(vocab);
  // A slot step 4 drew again: the row it was drawn from then (`writtenAt`'s bans), not the pass's.
  const bans = stepBans ? [...stepBans] : repeatedNgramBans(ids, slot, s.noRepeatNgram, special);
  prepareLogits(row, ids, slot, special, s.repetitionPenalty, s.repetitionWindow, scratch, bans);
  // The engine's own exponentials: zp for p, and at T > 0 the draw's weights e (q ∝ e).
  analyse(scratch, s.temperature, false);
  const p = new Float64Array(vocab);
  for (let v = 0; v < vocab; v++) p[v] = probability(scratch, v);
  const q = new Float64Array(vocab);
  let kept = 1;
  if (s.temperature > 0) {
    cutKept(scratch, s.topK, s.topP);
    kept = scratch.kept;
    // The kept ids are the first `kept` in the draw's order: q descending, id ascending.
    const order = Array.from({ length: vocab }, (_, v) => v).filter((v) => scratch.e[v] > 0);
    order.sort((a, b) => scratch.e[b] - scratch.e[a] || a - b);
    for (let r = 0; r < kept; r++) q[order[r]] = scratch.e[order[r]] / scratch.keptMass;
  } else {
    q[scratch.best] = 1;
  }
  const byP = Array.from({ length: vocab }, (_, v) => v).filter((v) => scratch.l[v] > -Infinity);
  byP.sort((a, b) => scratch.l[b] - scratch.l[a] || a - b);
  const listed = byP.slice(0, top);
  if (drawn !== null && drawn >= 0 && drawn < vocab && !listed.includes(drawn)) listed.push(drawn);
  const candidates = listed.map((id) => ({ id, p: p[id], q: q[id] }));
  let restP = 0;
  let restQ = 0;
  for (let v = 0; v < vocab; v++) {
    if (listed.includes(v)) continue;
    restP += p[v];
    restQ += q[v];
  }
  return {
    candidates,
    rest: { count: byP.length - listed.length, p: restP, q: restQ },
    argmax: scratch.best,
    kept,
    // prepareLogits restores the row when the ban would leave nothing: then nothing was banned. A
    // byte piece the prompt holds was never on offer (2a), so it is not one the rule took away.
    banned: bans.every((v) => scratch.l[v] === -Infinity)
      ? bans.filter((v) => row[v] > -Infinity && !special.never?.includes(v))
      : [],
  };
}

/** What step 4 did at one slot, replayed from its frame (see `writtenAt`). */
export interface StepWrite {
  /** The ids taken away when the step wrote the slot: 2b' on the canvas as written before it, and the
   * tokens this step wrote beside it. Empty when the rule is off. */
  bans: number[];
  /** Why the pass's draw was drawn again: 'doubled' (this step had written it beside the slot),
   * 'repeat' (with the step's earlier writes it would repeat a run of n tokens); null when the step
   * wrote what the pass drew, or when neither explains it (a recomputed pass that rounds differently). */
  why: 'doubled' | 'repeat' | null;
}

/** The frame's resolved positions in the order the step wrote them (step 3's, from `inspectPass`). */
export function writeOrder(report: Pick<PassReport, 'masked' | 'order'>, resolved: readonly number[]): number[] {
  return stepOrder(report.order, report.masked, resolved).map((j) => report.masked[j]);
}

/**
 * Step 4 at `slot`, replayed from the frame alone (SAMPLING.md 4): the canvas the pass saw (`passIds`)
 * gains the frame's tokens in `order` (writeOrder) up to the slot. `drawnByPass`: the pass's draw
 * at the slot (inspectPass's `token`).
 */
export function writtenAt(
  passIds: Int32Array,
  frame: { ids: ArrayLike<number> },
  order: readonly number[],
  slot: number,
  drawnByPass: number,
  n: number,
  special: SpecialIds,
): StepWrite {
  if (n === 0) return { bans: [], why: null };
  const ids = Int32Array.from(passIds);
  const written = new Set<number>();
  for (const i of order) {
    if (i === slot) break;
    ids[i] = frame.ids[i];
    written.add(i);
  }
  const beside = [slot - 1, slot + 1].filter((k) => written.has(k)).map((k) => ids[k]);
  const repeats = repeatedNgramBans(ids, slot, n, special);
  const bans = [...new Set([...repeats, ...beside])].sort((a, b) => a - b);
  const why =
    frame.ids[slot] === drawnByPass
      ? null
      : beside.includes(drawnByPass)
        ? 'doubled'
        : repeats.includes(drawnByPass)
          ? 'repeat'
          : null;
  return { bans, why };
}
