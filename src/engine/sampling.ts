// One masked position of one step (SAMPLING.md, "One step", 2a–2f): the row of logits becomes the
// facts the step needs (p's normaliser, the draft, the candidate token x) in as few passes over
// the vocabulary as the temperature allows: one exponential per id at T 0 and T 1, two otherwise.
// This runs for every masked slot of every step, so nothing here allocates or sorts the vocabulary.
import type { RowSummary, SpecialIds } from './types';

/** Buckets of the draw, by the top bits of e (1/16 octave each, the last takes the rest). */
const BUCKETS = 1024;
/** Exponent and 4 mantissa bits of 1.0, the largest e. */
const ONE_KEY = 0x3ff00000 >>> 16;

/** Reusable buffers for one vocabulary size, and the facts of the row last prepared. */
export class RowScratch {
  /** The row after 2a–2b, float64. */
  readonly l: Float64Array;
  /** exp((l - max) / T): q before normalising (0 for -∞ and for underflow). */
  readonly e: Float64Array;
  /** e's float64 words as integers (little-endian: the high word is at 2v + 1). */
  readonly eHigh: Uint32Array;
  /** Each id's bucket (BUCKETS for e = 0), and per bucket its summed e and its size. */
  readonly bucket: Uint16Array;
  readonly mass = new Float64Array(BUCKETS);
  readonly size = new Int32Array(BUCKETS);
  /** The ids of one bucket in draw order (sortBucket). */
  readonly order: Int32Array;
  /** stamp[v] === stampId marks token v as already penalized for the current row. */
  readonly stamp: Uint32Array;
  stampId = 0;
  // Set by prepareLogits:
  /** Largest l, its id (lowest on a tie: the draft), and the second largest l (counting ties). */
  max = 0;
  best = 0;
  second = 0;
  // Set by analyse:
  /** Σ exp(l - max): p = exp(l - max) / zp. */
  zp = 1;
  /** Σ p log p when asked for (the entropy score), else NaN. */
  negEntropy = Number.NaN;
  /** Σ e, and the number of ids with e > 0 (those that can be drawn). */
  z = 1;
  count = 0;
  /** The bucket whose ids `order` holds, -1 for none. */
  sorted = -1;
  sortedLength = 0;
  // Set by cutKept:
  /** How many ids the cut keeps, their summed e, and the last kept id when a cut fell (else -1). */
  kept = 0;
  keptMass = 1;
  lastKept = -1;

  constructor(readonly vocab: number) {
    this.l = new Float64Array(vocab);
    this.e = new Float64Array(vocab);
    this.eHigh = new Uint32Array(this.e.buffer);
    this.bucket = new Uint16Array(vocab);
    this.order = new Int32Array(vocab);
    this.stamp = new Uint32Array(vocab);
  }
}

const NONE: number[] = [];
export const isSpecial = (v: number, s: SpecialIds) => v === s.pad || v === s.mask || v === s.eos;
// A linear scan of ~129 ids, twice per summarised row: nothing beside the row's 4,096-long loops.
const isNever = (v: number, s: SpecialIds) => isSpecial(v, s) || (s.never?.includes(v) ?? false);

/**
 * 2a and 2b: `row` (the logits of position i) into scratch.l as float64, special ids and byte pieces
 * (`special.never`) at -∞, and
 * every token seen at a non-masked, non-special position within `window` of i lowered by ln(penalty),
 * once per distinct token, and (2b') the ids in `bans` at -∞ unless that leaves nothing finite; then
 * the largest and second largest l and the argmax (the draft).
 * Throws when the row holds NaN or +∞, or nothing finite.
 */
export function prepareLogits(
  row: Float32Array | Float64Array,
  ids: Int32Array,
  i: number,
  special: SpecialIds,
  penalty: number,
  window: number,
  scratch: RowScratch,
  bans: readonly number[] = NONE,
): void {
  const { l, vocab } = scratch;
  for (let v = 0; v < vocab; v++) l[v] = row[v];
  for (const v of [special.pad, special.mask, special.eos]) {
    if (v >= 0 && v < vocab) l[v] = -Infinity;
  }
  for (const v of special.never ?? NONE) {
    if (v >= 0 && v < vocab) l[v] = -Infinity;
  }
  if (penalty !== 1 && window > 0) {
    const lnR = Math.log(penalty);
    // A fresh id per row instead of clearing the array; it would take 2^32 rows to wrap.
    scratch.stampId = (scratch.stampId + 1) >>> 0 || 1;
    const from = Math.max(0, i - window);
    const to = Math.min(ids.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      const v = ids[j];
      if (j === i || isSpecial(v, special) || v < 0 || v >= vocab) continue;
      if (scratch.stamp[v] === scratch.stampId) continue;
      scratch.stamp[v] = scratch.stampId;
      l[v] -= lnR;
    }
  }
  const before = bans.map((v) => l[v]);
  for (const v of bans) l[v] = -Infinity;
  if (!findTop(scratch, i) && bans.length > 0) {
    // Every id the row could give is banned: the rule gives way rather than leave the slot empty.
    bans.forEach((v, k) => (l[v] = before[k]));
    findTop(scratch, i);
  }
  if (scratch.max === -Infinity) throw new Error(`The model gave no usable token at position ${i}.`);
}

/** The largest and second largest l and the argmax into scratch; false when nothing is finite. */
function findTop(scratch: RowScratch, i: number): boolean {
  const { l, vocab } = scratch;
  let max = -Infinity;
  let second = -Infinity;
  let best = 0;
  for (let v = 0; v < vocab; v++) {
    const x = l[v];
    // NaN or +∞ (e.g. an fp16 overflow on a GPU) has no softmax; -∞ is a plain "never".
    if (!(x < Infinity)) throw new Error(`The model returned a ${x} logit at position ${i}.`);
    if (x > max) {
      second = max;
      max = x;
      best = v;
    } else if (x > second) {
      second = x;
    }
  }
  scratch.max = max;
  scratch.best = best;
  scratch.second = second;
  return max > -Infinity;
}

/**
 * 2a–2c for row j from the graph's summary instead of the logits (no repetition penalty, which
 * changes the row): max, second, best and zp as prepareLogits + analyse(T 0) set them, the
 * normaliser to float32 rounding (1 / top_prob). scratch.l is not written. Returns false when the
 * summary of this row is unusable (NaN, +∞ or a special id: a broken pass), and the caller reads the
 * logits themselves, which say what is wrong. The graph excludes the ids of `special` (byte pieces
 * included: the pipeline's export and config.json take them from the same tokenizer), so its
 * normaliser is the sampler's.
 */
export function summaryRow(summary: RowSummary, j: number, special: SpecialIds, scratch: RowScratch): boolean {
  const max = summary.top2Logits[2 * j];
  const second = summary.top2Logits[2 * j + 1];
  const best = summary.top2Ids[2 * j];
  const p1 = summary.topProb[j];
  if (!(Number.isFinite(max) && second <= max && p1 > 0 && p1 <= 1)) return false;
  if (!(best >= 0 && best < scratch.vocab) || isNever(best, special)) return false;
  // An excluded id as runner-up means the row has a single ordinary id: the sampler's second is -∞.
  scratch.second = isNever(summary.top2Ids[2 * j + 1], special) ? -Infinity : second;
  scratch.max = max;
  scratch.best = best;
  scratch.zp = 1 / p1;
  scratch.negEntropy = Number.NaN;
  return true;
}

/**
 * 2c and, for T > 0, the draw's weights, without writing p: p's normaliser zp (p[v] =
 * exp(l[v] - max) / zp), Σ p log p when asked (as Σ e·d / zp - log zp, d = l - max), and
 * e = exp((l - max) / T) (shifted first, so a tiny T cannot overflow), their sum z (q = e / z) and
 * each id's bucket, so that the draw sorts only the buckets where its cuts fall.
 * At T = 1 (q = p) and at T = a/(a+1) with a = 1, 2, 4, 8, 16 (0.8 is 4/5) one
 * exponential serves both: w = exp(d / a), p ∝ w^a by squarings and e = w^a · w.
 */
export function analyse(scratch: RowScratch, temperature: number, entropy: boolean): void {
  const a = temperature === 1 ? 0 : powerOfTwoFor(temperature);
  if (a < 0) {
    normaliser(scratch, entropy);
    if (temperature > 0) drawWeights(scratch, temperature);
    return;
  }
  const { l, e, max, vocab } = scratch;
  const invA = a === 0 ? 1 : 1 / a;
  let zp = 0;
  let se = 0;
  let z = 0;
  for (let v = 0; v < vocab; v++) {
    const d = l[v] - max;
    const w = Math.exp(d * invA);
    let p = w;
    for (let k = a; k > 1; k >>= 1) p *= p;
    const x = a === 0 ? p : p * w;
    zp += p;
    if (entropy && p > 0) se += p * d;
    e[v] = x;
    z += x;
  }
  scratch.zp = zp;
  scratch.negEntropy = entropy ? se / zp - Math.log(zp) : Number.NaN;
  scratch.z = z;
  fillBuckets(scratch);
}

/** a in 1, 2, 4, 8, 16 with T = a/(a+1) to the last bits (1/T = 1 + 1/a), else -1. */
function powerOfTwoFor(temperature: number): number {
  for (let a = 1; a <= 16; a *= 2) {
    // Exact to 1e-15: e then differs from exp(d / T) by rounding only (|d|·e^(d/T) < 1).
    if (Math.abs(1 / temperature - (a + 1) / a) <= 1e-15 * (1 / temperature)) return a;
  }
  return -1;
}

/** zp (and Σ p log p) alone: temperature 0, or one without a shared exponential. */
function normaliser(scratch: RowScratch, entropy: boolean): void {
  const { l, max, vocab } = scratch;
  let z = 0;
  let se = 0;
  for (let v = 0; v < vocab; v++) {
    const d = l[v] - max;
    const x = Math.exp(d);
    z += x;
    if (entropy && x > 0) se += x * d;
  }
  scratch.zp = z;
  scratch.negEntropy = entropy ? se / z - Math.log(z) : Number.NaN;
}

/** p of token x (2e), from the normaliser: exp(l[x] - max) / zp. */
export const probability = (scratch: RowScratch, x: number): number =>
  Math.exp(scratch.l[x] - scratch.max) / scratch.zp;

/** The draw's weights alone, with an exponential of their own (see analyse): for a row whose
 * normaliser is known and whose token is drawn later. */
export function drawWeights(scratch: RowScratch, temperature: number): void {
  const { l, e, max, vocab } = scratch;
  let z = 0;
  for (let v = 0; v < vocab; v++) {
    const x = Math.exp((l[v] - max) / temperature);
    e[v] = x;
    z += x;
  }
  scratch.z = z;
  fillBuckets(scratch);
}

/** Each id's bucket by the top bits of e (exponent and 4 mantissa bits: 1/16 octave), the
 * buckets' summed e and sizes, and how many ids can be drawn. A pass of its own: inside the
 * exponential's loop the scattered sums cost twice as much. */
function fillBuckets(scratch: RowScratch): void {
  const { e, eHigh, bucket, mass, size, vocab } = scratch;
  mass.fill(0);
  size.fill(0);
  // e ≤ 1 with e = 1 at the argmax: bucket 0 starts at 1.
  const top = ONE_KEY;
  let count = 0;
  for (let v = 0; v < vocab; v++) {
    const x = e[v];
    if (x > 0) {
      const k = Math.min(BUCKETS - 1, top - (eHigh[2 * v + 1] >>> 16));
      bucket[v] = k;
      mass[k] += x;
      size[k]++;
      count++;
    } else {
      bucket[v] = BUCKETS;
    }
  }
  scratch.count = count;
  scratch.sorted = -1;
}

/** The ids of bucket b by e descending, id ascending (SAMPLING.md 2d's order) into scratch.order. */
function sortBucket(scratch: RowScratch, b: number): number {
  if (scratch.sorted === b) return scratch.sortedLength;
  const { e, bucket, order } = scratch;
  let n = 0;
  for (let v = 0; v < scratch.vocab; v++) if (bucket[v] === b) order[n++] = v;
  // Insertion sort: a bucket spans 1/16 octave and holds a few dozen ids; ties keep id order.
  for (let a = 1; a < n; a++) {
    const v = order[a];
    const x = e[v];
    let c = a - 1;
    while (c >= 0 && e[order[c]] < x) {
      order[c + 1] = order[c];
      c--;
    }
    order[c + 1] = v;
  }
  scratch.sorted = b;
  scratch.sortedLength = n;
  return n;
}

/**
 * 2d's cut for T > 0, after the weights (analyse or drawWeights): ids ordered by q descending then
 * id ascending, cut by top-k (k > 0) and top-p (p < 1, shortest prefix whose q sums to ≥ p). Sets
 * scratch.kept (how many ids are kept), scratch.keptMass (their summed e: q over the kept ids is
 * e / keptMass, the distribution the draw walks) and scratch.lastKept (the last kept id when a cut
 * fell, else -1). Whole buckets are skipped by their summed weight; only a bucket where a cut falls
 * is sorted. Sums are of e, compared with p · z (q = e / z): the same sums in another order, which
 * the rulebook allows ("Floating point").
 */
export function cutKept(scratch: RowScratch, topK: number, topP: number): void {
  const { e, mass, size, count, z } = scratch;
  const order = scratch.order;
  const maxKept = topK > 0 ? Math.min(count, topK) : count;
  let kept = maxKept;
  let keptMass = z;
  let lastKept = -1;
  if (topP < 1 || maxKept < count) {
    const target = topP < 1 ? topP * z : Number.POSITIVE_INFINITY;
    let acc = 0;
    let c = 0;
    scan: for (let b = 0; b < BUCKETS; b++) {
      if (size[b] === 0) continue;
      if (acc + mass[b] < target && c + size[b] < maxKept) {
        acc += mass[b];
        c += size[b];
        continue;
      }
      const n = sortBucket(scratch, b);
      for (let j = 0; j < n; j++) {
        acc += e[order[j]];
        c++;
        if (acc >= target || c >= maxKept) {
          lastKept = order[j];
          break scan;
        }
      }
    }
    kept = c;
    keptMass = acc;
  }
  scratch.kept = kept;
  scratch.keptMass = keptMass;
  scratch.lastKept = lastKept;
}

/**
 * 2d for T > 0, after the weights: the cut (cutKept), then the first kept id whose running sum
 * exceeds u · (kept sum); the last kept id if none does.
 */
export function drawToken(scratch: RowScratch, topK: number, topP: number, u: number): number {
  cutKept(scratch, topK, topP);
  const { e, mass, size, kept, keptMass, lastKept } = scratch;
  const order = scratch.order;
  // The walk: the first kept id whose running sum exceeds u · keptMass.
  const target = u * keptMass;
  let acc = 0;
  let c = 0;
  for (let b = 0; b < BUCKETS && c < kept; b++) {
    if (size[b] === 0) continue;
    if (acc + mass[b] <= target && c + size[b] <= kept) {
      acc += mass[b];
      c += size[b];
      continue;
    }
    const n = sortBucket(scratch, b);
    for (let j = 0; j < n && c < kept; j++) {
      acc += e[order[j]];
      c++;
      if (acc > target) return order[j];
      if (c === kept) return order[j];
    }
  }
  return lastKept >= 0 ? lastKept : nth(scratch, kept - 1);
}

/** The id at index k of the draw order (for the walk's fallback, which rounding rarely needs). */
function nth(scratch: RowScratch, k: number): number {
  let c = 0;
  for (let b = 0; b < BUCKETS; b++) {
    if (c + scratch.size[b] > k) {
      sortBucket(scratch, b);
      return scratch.order[k - c];
    }
    c += scratch.size[b];
  }
  throw new Error('unreachable: the draw order is shorter than the kept ids');
}
