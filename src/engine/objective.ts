// The training objective, shown live (the explainer's noise panel): mask a real passage at noise
// level t with the seeded generator, let one forward pass fill every masked slot, and score it as
// the model was trained. The Python twin is models/pipeline/objective.py, held together by
// objective.test.ts on the shipped graph (fixtures/objective_cases.json).
//   draw       slot i masked iff rng() < t, the generator seeded with drawSeed(seed, draw);
//   per token  -ln p(true token | noisy passage) over the whole vocabulary (the card's bound);
//   integrand  (1/t) * sum over masked slots of -ln p / L (nats per token): the ELBO at t;
//   bound      its integral over t in (0, 1] by the midpoint rule on K strata, in bits per byte.
import { createRng } from './rng';

export interface Passage {
  /** folder/file in the corpus; `title` and `author` where the corpus names them. */
  book: string;
  title?: string;
  author?: string;
  text: string;
  ids: number[];
}

/** The generator's seed for one draw: hashed, because seeds a multiple of the Weyl step apart give
 * the same stream shifted by one. */
export function drawSeed(seed: number, draw: number): number {
  return Math.floor(createRng((seed + Math.imul(draw, 0x632be5ab)) >>> 0)() * 4294967296);
}

/** Which of n slots the forward process masks at level t (1 = masked). For one seed and draw the
 * masks are nested in t: the same uniforms against a higher bar, so the slider adds noise smoothly. */
export function noiseMask(n: number, t: number, seed: number, draw = 0): Uint8Array {
  const rng = createRng(drawSeed(seed, draw));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng() < t ? 1 : 0;
  return out;
}

/** The canvas the model sees: [MASK] at the masked slots; and those slots, ascending. */
export function noisyCanvas(ids: ArrayLike<number>, mask: Uint8Array, maskId: number) {
  const noisy = Int32Array.from(ids);
  const positions: number[] = [];
  for (let i = 0; i < noisy.length; i++) {
    if (mask[i]) {
      noisy[i] = maskId;
      positions.push(i);
    }
  }
  return { ids: noisy, positions: Int32Array.from(positions) };
}

/** What one forward pass made of the masked slots. */
export interface Denoised {
  positions: Int32Array;
  /** -ln p(true token) per masked slot, over the whole vocabulary. */
  nll: Float64Array;
  /** The model's most likely token per slot, and its probability. */
  guess: Int32Array;
  guessProb: Float64Array;
}

/** Score rows [P * V] of logits at `positions` against the true ids `targets` (the whole passage). */
export function scoreRows(
  rows: Float32Array,
  vocab: number,
  positions: Int32Array,
  targets: ArrayLike<number>,
): Denoised {
  const P = positions.length;
  const out: Denoised = {
    positions,
    nll: new Float64Array(P),
    guess: new Int32Array(P),
    guessProb: new Float64Array(P),
  };
  for (let j = 0; j < P; j++) {
    const row = rows.subarray(j * vocab, (j + 1) * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (row[v] > row[best]) best = v;
    // log-sum-exp in float64 about the maximum: the full-vocabulary normaliser of the bound.
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(row[v] - row[best]);
    const logZ = row[best] + Math.log(sum);
    out.nll[j] = logZ - row[targets[positions[j]]];
    out.guess[j] = best;
    out.guessProb[j] = 1 / sum;
  }
  return out;
}

export interface LossAt {
  /** Mean -log2 p over the masked slots; null when nothing was masked. */
  bitsPerMaskedToken: number | null;
  /** The ELBO's integrand at t in nats per token of the passage. */
  integrandNats: number;
}

export function lossAt(nll: Float64Array, t: number, length: number): LossAt {
  if (nll.length === 0) return { bitsPerMaskedToken: null, integrandNats: 0 };
  let s = 0;
  for (const x of nll) s += x;
  return { bitsPerMaskedToken: s / nll.length / Math.LN2, integrandNats: s / (t * length) };
}

/** The midpoints of k equal strata of (0, 1]. */
export function curvePoints(k: number): number[] {
  return Array.from({ length: k }, (_, i) => (i + 0.5) / k);
}

/** One forward pass on a noisy canvas, scored against the passage (the worker's `denoise`). */
/** One forward pass over a noisy canvas, scored against `targets`; `signal` lets the pass be dropped
 * before it runs (the caller still rejects at once through `cancellable`). */
export type DenoiseFn = (noisy: Int32Array, targets: Int32Array, signal?: AbortSignal) => Promise<Denoised>;

export interface CurvePoint {
  t: number;
  integrandNats: number;
}

export interface Bound {
  curve: CurvePoint[];
  natsPerToken: number;
  bitsPerByte: number;
}

export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Integrate a curve on midpoints into the bound over `passages`. */
export function boundOf(curve: CurvePoint[], passages: readonly Passage[]): Bound {
  const nats = curve.reduce((a, c) => a + c.integrandNats, 0) / curve.length;
  const tokens = passages.reduce((a, p) => a + p.ids.length, 0);
  const bytes = passages.reduce((a, p) => a + utf8Bytes(p.text), 0);
  return { curve, natsPerToken: nats, bitsPerByte: (nats / Math.LN2) * (tokens / bytes) };
}

export interface CurveOptions {
  points: number;
  draws: number;
  seed: number;
  maskId: number;
  /** After each forward pass: passes done and passes in all. */
  onProgress?: (done: number, total: number, curve: CurvePoint[]) => void;
  signal?: AbortSignal;
}

/** The error a cancelled series of passes ends with (`what`: the series, as a sentence's subject). */
export const cancelled = (what = 'The loss curve') => new DOMException(`${what} was cancelled.`, 'AbortError');

/** The pass, unless the signal comes first: Cancel must not wait on a pass that may never be answered. */
export function cancellable<T>(pass: Promise<T>, signal: AbortSignal | undefined, what?: string): Promise<T> {
  if (!signal) return pass;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(what));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pass.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e: unknown) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

/** The loss over t on every passage and draw (passage j uses seed + j), and the bound. */
export async function lossCurve(denoise: DenoiseFn, passages: readonly Passage[], o: CurveOptions): Promise<Bound> {
  const total = o.points * passages.length * o.draws;
  const curve: CurvePoint[] = [];
  let done = 0;
  for (const t of curvePoints(o.points)) {
    let sum = 0;
    for (let j = 0; j < passages.length; j++) {
      const ids = passages[j].ids;
      for (let d = 0; d < o.draws; d++) {
        if (o.signal?.aborted) throw cancelled();
        const { ids: noisy, positions } = noisyCanvas(ids, noiseMask(ids.length, t, o.seed + j, d), o.maskId);
        const nll = positions.length
          ? (await cancellable(denoise(noisy, Int32Array.from(ids), o.signal), o.signal)).nll
          : new Float64Array(0);
        sum += lossAt(nll, t, ids.length).integrandNats;
        done++;
        o.onProgress?.(done, total, curve);
      }
    }
    curve.push({ t, integrandNats: sum / (passages.length * o.draws) });
    o.onProgress?.(done, total, curve);
  }
  return boundOf(curve, passages);
}
