// What a written token leaned on: for each token the model could see when it wrote the slot, one
// forward pass with that token hidden too, and how much less likely the written token became.
//
// Hiding is the question a masked diffusion model was trained on (every pass of training hid tokens
// at random), so "what if it had not seen this word" has an answer in its own terms, unlike occlusion
// in an image model, where a grey patch is something it never saw. The probabilities are the model's
// own, over its whole vocabulary (as the noise panel's, engine/objective.ts), before any sampling
// setting: what the model thought, not what the draw made of it.
//   base     bits = -log2 p(token | the step's canvas)
//   lean(j)  bits = -log2 p(token | the canvas with j hidden) - base; above 0: the choice leaned on j
//                   (hidden, the token got less likely); below 0: j argued against it.
import { cancellable, cancelled, type Denoised, type DenoiseFn } from './objective';

export interface Lean {
  pos: number;
  bits: number;
}

export interface Leaning {
  slot: number;
  token: number;
  /** -log2 p(token) on the step's canvas as it was. */
  baseBits: number;
  /** One per hidden token, by position. */
  leans: Lean[];
  /** Tokens the model could see that were left out (beyond `limit`, the farthest first). */
  skipped: number;
}

export interface LeaningOptions {
  maskId: number;
  /** At most this many tokens are hidden, the nearest to the slot (one forward pass each). */
  limit: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const WHAT = 'Finding what it leaned on';

/** The visible tokens to hide, nearest the slot first (ties: the earlier), at most `limit`; and how
 * many visible tokens that leaves out. */
export function tokensToHide(
  ids: ArrayLike<number>,
  slot: number,
  maskId: number,
  limit: number,
): { positions: number[]; skipped: number } {
  const visible: number[] = [];
  for (let i = 0; i < ids.length; i++) if (i !== slot && ids[i] !== maskId) visible.push(i);
  visible.sort((a, b) => Math.abs(a - slot) - Math.abs(b - slot) || a - b);
  const positions = visible.slice(0, Math.max(0, limit)).sort((a, b) => a - b);
  return { positions, skipped: visible.length - positions.length };
}

/** One slot of one pass: -log2 p(token) there, and the model's own top choice and its p. */
export interface SlotScore {
  bits: number;
  guess: number;
  guessProb: number;
}

/** Scores `token` at `slot` (masked in `canvas`) with one forward pass. Every masked slot is scored;
 * only the slot's row is read, so the others' targets do not matter (the token itself: an id the
 * model can be scored on). */
export async function scoreSlot(
  denoise: DenoiseFn,
  canvas: Int32Array,
  slot: number,
  token: number,
  maskId: number,
  signal: AbortSignal | undefined,
  what: string,
): Promise<SlotScore> {
  const targets = canvas.map((id) => (id === maskId ? token : id));
  return slotScoreOf(await cancellable(denoise(canvas, targets, signal), signal, what), slot);
}

/** One slot's row of a pass that scored it. */
export function slotScoreOf(d: Denoised, slot: number): SlotScore {
  const j = Array.prototype.indexOf.call(d.positions, slot);
  if (j < 0) throw new Error(`The pass did not score slot ${slot}`);
  return { bits: d.nll[j] / Math.LN2, guess: d.guess[j], guessProb: d.guessProb[j] };
}

const bitsAt = async (denoise: DenoiseFn, canvas: Int32Array, slot: number, token: number, o: LeaningOptions) =>
  (await scoreSlot(denoise, canvas, slot, token, o.maskId, o.signal, WHAT)).bits;

/** The lean on each of the nearest `limit` visible tokens: 1 + that many forward passes. `ids` is the
 * canvas the step's pass saw (the slot masked), `token` what the step wrote there. */
export async function measureLeaning(
  denoise: DenoiseFn,
  ids: Int32Array,
  slot: number,
  token: number,
  o: LeaningOptions,
): Promise<Leaning> {
  if (ids[slot] !== o.maskId) throw new Error(`Slot ${slot} is not masked on that canvas`);
  const { positions, skipped } = tokensToHide(ids, slot, o.maskId, o.limit);
  const total = positions.length + 1;
  const baseBits = await bitsAt(denoise, ids, slot, token, o);
  o.onProgress?.(1, total);
  const leans: Lean[] = [];
  for (const pos of positions) {
    if (o.signal?.aborted) throw cancelled(WHAT);
    const hidden = ids.slice();
    hidden[pos] = o.maskId;
    leans.push({ pos, bits: (await bitsAt(denoise, hidden, slot, token, o)) - baseBits });
    o.onProgress?.(leans.length + 1, total);
  }
  return { slot, token, baseBits, leans, skipped };
}

/** The `n` tokens it leaned on most (largest bits first; only those above `floor` bits). */
export function strongestLeans(leaning: Leaning, n: number, floor = 0.1): Lean[] {
  return leaning.leans
    .filter((l) => l.bits > floor)
    .sort((a, b) => b.bits - a.bits || a.pos - b.pos)
    .slice(0, n);
}

/** p from bits: 2^-bits. */
export const probOfBits = (bits: number) => Math.pow(2, -bits);
