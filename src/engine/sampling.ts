// One masked position of one step (SAMPLING.md, "One step", 2a–2d): the row of logits becomes the
// model's distribution p and a candidate token x.
import type { SpecialIds } from './types';

const BUCKETS = 64;
const keyBuf = new Float64Array(1);
const keyHigh = new Uint32Array(keyBuf.buffer);
// Exponent and first mantissa bit of a positive float64: monotone in its value. The high word is
// at index 1 on little-endian machines, which every browser and Node target is.
function keyOf(x: number): number {
  keyBuf[0] = x;
  return keyHigh[1] >>> 19;
}

/** Reusable float64 buffers for one vocabulary size: a step touches every masked row, and
 * allocating per row would dominate the work. */
export class RowScratch {
  readonly l: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly sorted: Float64Array;
  /** q's float64 words, read as integers to bucket q by its exponent (drawToken). */
  readonly qHigh: Uint32Array;
  readonly bucket: Uint8Array;
  readonly bucketMass = new Float64Array(BUCKETS);
  readonly bucketSize = new Int32Array(BUCKETS);
  /** stamp[v] === stampId marks token v as already penalized for the current row. */
  readonly stamp: Uint32Array;
  stampId = 0;

  constructor(readonly vocab: number) {
    this.l = new Float64Array(vocab);
    this.p = new Float64Array(vocab);
    this.q = new Float64Array(vocab);
    this.sorted = new Float64Array(vocab);
    this.qHigh = new Uint32Array(this.q.buffer);
    this.bucket = new Uint8Array(vocab);
    this.stamp = new Uint32Array(vocab);
  }
}

const isSpecial = (v: number, s: SpecialIds) => v === s.pad || v === s.mask || v === s.eos;

/**
 * 2a and 2b: `row` (the logits of position i) into scratch.l as float64, special ids at -∞, and
 * every token seen at a non-masked, non-special position within `window` of i lowered by ln(penalty),
 * once per distinct token. Throws when the row holds NaN or +∞, or nothing finite.
 */
export function prepareLogits(
  row: Float32Array,
  ids: Int32Array,
  i: number,
  special: SpecialIds,
  penalty: number,
  window: number,
  scratch: RowScratch,
): void {
  const { l, vocab } = scratch;
  for (let v = 0; v < vocab; v++) l[v] = row[v];
  for (const v of [special.pad, special.mask, special.eos]) {
    if (v >= 0 && v < vocab) l[v] = -Infinity;
  }
  for (let v = 0; v < vocab; v++) {
    // NaN or +∞ (e.g. an fp16 overflow on a GPU) has no softmax; -∞ is a plain "never".
    if (Number.isNaN(l[v]) || l[v] === Infinity) {
      throw new Error(`The model returned a ${l[v]} logit at position ${i}.`);
    }
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
  let finite = false;
  for (let v = 0; v < vocab; v++) {
    if (l[v] !== -Infinity) {
      finite = true;
      break;
    }
  }
  if (!finite) throw new Error(`The model gave no usable token at position ${i}.`);
}

/**
 * out = softmax(l / temperature), computed as exp((l - max) / T) / Σ so that a tiny T cannot
 * overflow (mathematically the same). temperature 1 gives p. Returns argmax l (lowest id on a
 * tie), found on the way: the draft (SAMPLING.md 2e') costs no pass of its own.
 */
export function softmaxInto(l: Float64Array, out: Float64Array, temperature = 1): number {
  let max = -Infinity;
  let best = 0;
  for (let v = 0; v < l.length; v++) {
    if (l[v] > max) {
      max = l[v];
      best = v;
    }
  }
  let sum = 0;
  for (let v = 0; v < l.length; v++) {
    const e = Math.exp((l[v] - max) / temperature);
    out[v] = e;
    sum += e;
  }
  for (let v = 0; v < l.length; v++) out[v] /= sum;
  return best;
}

/** Greedy choice: the largest logit, lowest id on a tie. */
export function argmax(l: Float64Array): number {
  let best = 0;
  for (let v = 1; v < l.length; v++) if (l[v] > l[best]) best = v;
  return best;
}

/**
 * 2d for T > 0: ids ordered by q descending then id ascending, cut by top-k (k > 0) and top-p
 * (p < 1, shortest prefix whose q sums to ≥ p), then the first id whose running sum exceeds
 * u · (kept sum); the last kept id if none does. Reads q from scratch.q.
 *
 * Sorting all of q (4096 ids, for every masked position, every step) would cost more than the
 * forward pass, yet the walk only reads a prefix of the order. So the q values are grouped into
 * geometric buckets, only the buckets that must hold the stopping point are sorted, and the full
 * sort is the fallback when that prefix turns out too short. Both give the same id (checked in
 * sampling.test.ts against drawTokenFullSort).
 */
export function drawToken(scratch: RowScratch, topK: number, topP: number, u: number): number {
  const q = scratch.q;
  const { count, sum, max } = positives(q);
  // Buckets by the top bits of the float64 (exponent and first mantissa bit): bucket b holds q
  // about b half-octaves below the largest q; the last bucket takes everything smaller. Bits,
  // not Math.log, because this runs over the whole vocabulary for every row.
  const hi = scratch.qHigh;
  const top = keyOf(max);
  const bucket = scratch.bucket;
  const mass = scratch.bucketMass.fill(0);
  const size = scratch.bucketSize.fill(0);
  for (let v = 0; v < q.length; v++) {
    if (q[v] > 0) {
      const b = Math.min(BUCKETS - 1, top - (hi[2 * v + 1] >>> 19));
      bucket[v] = b;
      mass[b] += q[v];
      size[b]++;
    } else {
      bucket[v] = BUCKETS; // outside every bucket
    }
  }
  // Enough buckets to settle the walk: the top-k ids, or the mass where the top-p cut falls, or
  // without cuts the mass u where the walk stops (q sums to 1 up to rounding, hence the slack).
  // Top-k without top-p needs all k ids, whatever their mass, to know the kept sum.
  const needMass = topK > 0 && topP >= 1 ? Number.POSITIVE_INFINITY : (topP < 1 ? topP : u) + 1e-9;
  const needCount = topK > 0 ? topK : Number.POSITIVE_INFINITY;
  let last = 0;
  let cumMass = mass[0];
  let cumSize = size[0];
  while (last < BUCKETS - 1 && cumMass < needMass && cumSize < needCount) {
    last++;
    cumMass += mass[last];
    cumSize += size[last];
  }
  if (cumSize < count) {
    const buf = scratch.sorted;
    let c = 0;
    for (let v = 0; v < q.length; v++) if (bucket[v] <= last) buf[c++] = q[v];
    const prefix = buf.subarray(0, c).sort().reverse();
    const pick = walk(prefix, count, sum, topK, topP, u);
    if (pick >= 0) return idAt(q, prefix, pick);
  }
  return drawTokenFullSort(scratch, topK, topP, u);
}


/** drawToken by sorting every positive q: the reference the bucketed path must agree with. */
export function drawTokenFullSort(scratch: RowScratch, topK: number, topP: number, u: number): number {
  const q = scratch.q;
  const { count, sum } = positives(q);
  const buf = scratch.sorted;
  let c = 0;
  for (let v = 0; v < q.length; v++) if (q[v] > 0) buf[c++] = q[v];
  const desc = buf.subarray(0, c).sort().reverse();
  return idAt(q, desc, walk(desc, count, sum, topK, topP, u));
}

function positives(q: Float64Array): { count: number; sum: number; max: number } {
  let count = 0;
  let sum = 0;
  let max = 0;
  for (let v = 0; v < q.length; v++) {
    const x = q[v];
    if (x > 0) {
      count++;
      sum += x;
      if (x > max) max = x;
    }
  }
  return { count, sum, max };
}

/**
 * Where the walk stops, as an index into the descending order, knowing only its first
 * `prefix.length` values; -1 when that is too few to tell. `count` is the number of positive q
 * and `sum` their sum in id order: the kept sum when nothing is cut, so it does not depend on how
 * much of the order is known.
 */
function walk(prefix: Float64Array, count: number, sum: number, topK: number, topP: number, u: number): number {
  const c = prefix.length;
  let kept = topK > 0 ? Math.min(count, topK) : count;
  if (topP < 1) {
    let acc = 0;
    const end = Math.min(kept, c);
    for (let j = 0; j < end; j++) {
      acc += prefix[j];
      if (acc >= topP) {
        kept = j + 1;
        break;
      }
    }
    if (kept > c) return -1; // the top-p cut lies beyond what is known
  }
  let total = sum;
  if (kept < count) {
    if (kept > c) return -1;
    total = 0;
    for (let j = 0; j < kept; j++) total += prefix[j];
  }
  const target = u * total;
  let acc = 0;
  const end = Math.min(kept, c);
  for (let j = 0; j < end; j++) {
    acc += prefix[j];
    if (acc > target) return j;
  }
  return kept <= c ? kept - 1 : -1;
}

/** The id at index `pick` of the descending order: ids sharing a q value come in id order. */
function idAt(q: Float64Array, desc: Float64Array, pick: number): number {
  const value = desc[pick];
  let first = pick;
  while (first > 0 && desc[first - 1] === value) first--;
  let rank = pick - first;
  for (let v = 0; v < q.length; v++) {
    if (q[v] === value) {
      if (rank === 0) return v;
      rank--;
    }
  }
  throw new Error('unreachable: the drawn q value belongs to no token');
}
