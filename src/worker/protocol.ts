// The worker's message protocol, declared once as valibot schemas: the TypeScript types are derived from
// them, and validate.ts parses every message that crosses the boundary with them, so types and checks
// cannot drift apart. The worker owns the ORT session and the unmasking loop and is the single source of
// truth for whether a run is going on.
//
// Every request carries an `id` (unique per client) and every reply names the request it answers
// in `id`: progress and ready answer a load; started, frame, done and cancelled answer a generate
// (its id is the run's id), and cancelled a load that a cancel stopped; busy and bad-request errors
// answer the request they refuse. A reader
// can therefore never match a reply to the wrong request. 'pace' and 'step' get no reply but an
// error when malformed; the page sends them only when opened with ?pace=manual (see pace.ts).
//
// valibot (1.5, MIT): its functions are tree-shaken, so the schemas below cost a few kB of the bundle,
// where zod's full build is ~50 kB; picked for that and its message functions (clear refusals).
import * as v from 'valibot';
import type { PassReport } from '../engine/inspect';
import type { Frame, SamplerSettings, Segment } from '../engine/types';
import type { TokenBytes } from '../runtime/tokenizer';
import { BACKEND_CHOICES, ERROR_CODES } from '../runtime/types';

const json = (x: unknown) => JSON.stringify(x);
const id = v.pipe(v.number(), v.safeInteger());
const num = v.number(); // valibot's number() refuses NaN
// Typed arrays over any buffer (v.instance would narrow them to a plain ArrayBuffer's).
const int32 = v.custom<Int32Array>((x) => x instanceof Int32Array, 'must be an Int32Array');
const uint8 = v.custom<Uint8Array>((x) => x instanceof Uint8Array, 'must be a Uint8Array');
const float32 = v.custom<Float32Array>((x) => x instanceof Float32Array, 'must be a Float32Array');
const uint32 = v.custom<Uint32Array>((x) => x instanceof Uint32Array, 'must be a Uint32Array');
const float64 = v.custom<Float64Array>((x) => x instanceof Float64Array, 'must be a Float64Array');
const BACKENDS = ['webgpu', 'wasm'] as const;

const segment = v.variant('kind', [
  v.object({ kind: v.literal('text'), text: v.string() }),
  v.object({ kind: v.literal('blank'), length: num }),
]);

// Every setting is optional on the wire: the engine fills defaults and clamps ranges when a run starts
// (normalizeSettings, which says what it changed); here only the kinds are checked.
const settings = v.partial(
  v.object({
    steps: num,
    temperature: num,
    topK: num,
    topP: num,
    seed: num,
    schedule: v.picklist(['linear', 'cosine', 'adaptive']),
    threshold: num,
    strategy: v.picklist(['confidence', 'margin', 'entropy', 'random', 'blocks', 'left-to-right']),
    blockLength: num,
    blockStrategy: v.picklist(['confidence', 'margin', 'entropy', 'random']),
    repetitionPenalty: num,
    repetitionWindow: num,
    noRepeatNgram: num,
    refineRounds: num,
    refineFraction: num,
  }),
);
const requestSettings = v.optional(settings, {});

const generateRequest = v.union(
  [
    v.object({
      /** Prompt mode is [text(prompt), blank(length)]; fill-in mode is any mix. */
      segments: v.array(segment),
      /** Which form the segments came from: messages speak of a prompt and a length, or of a template. */
      mode: v.optional(v.picklist(['prompt', 'fill'])),
      settings: requestSettings,
    }),
    v.pipe(
      v.object({
        /** Re-imagine: a fill-in template at the id level. Fixed positions keep their id; every
         * other position starts masked (its id here is ignored). */
        ids: int32,
        fixed: uint8,
        settings: requestSettings,
      }),
      v.check(
        (r) => r.ids.length === r.fixed.length,
        'The re-imagine request needs ids and fixed flags of the same length.',
      ),
    ),
  ],
  'The request has no valid segments, nor ids and fixed flags of the same length.',
);

export const workerInSchema = v.variant(
  'type',
  [
    /** `model`: a name the build ships; absent or null = the device's default (see runtime/models.ts).
     * `threads`: at most this many WASM threads (the page asks for 1 after a start that stalled). */
    v.object({
      type: v.literal('load'),
      id,
      backend: v.picklist(BACKEND_CHOICES, (i) => `Unknown backend ${json(i.input)}.`),
      model: v.nullish(v.string('The model to load was not named by a string.')),
      threads: v.optional(
        v.pipe(
          v.number(),
          v.safeInteger('The thread limit must be a whole number.'),
          v.minValue(1, 'The thread limit must be at least 1.'),
        ),
      ),
    }),
    v.object({ type: v.literal('generate'), id, request: generateRequest }),
    /** Stops the run started by the generate whose id is `runId`, or the load whose id it is (its download),
     * or skips the view pass (inspect, denoise) whose id it is if that has not started. */
    v.object({
      type: v.literal('cancel'),
      id,
      runId: v.pipe(v.number(), v.safeInteger('A cancel request named no run.')),
    }),
    /** For tests: 'manual' makes every run wait before each step until a 'step' lets it go. */
    v.object({
      type: v.literal('pace'),
      id,
      mode: v.picklist(['free', 'manual'], (i) => `Unknown pace ${json(i.input)}.`),
    }),
    /** The inspector: one step's forward pass again, on the canvas that pass saw (`ids`, with the run's
     * `fixed` flags), and that step's sampling on it with the run's settings and the `rngDraws` random
     * numbers the run had drawn before it (engine/inspect.ts). Answered 'inspected'; never during a
     * run ('busy'), and it never changes one. */
    v.pipe(
      v.object({
        type: v.literal('inspect'),
        id,
        ids: int32,
        fixed: uint8,
        slot: v.pipe(v.number(), v.safeInteger('The slot to inspect must be a whole number.')),
        settings: requestSettings,
        rngDraws: v.pipe(v.number(), v.safeInteger(), v.minValue(0, 'rngDraws must be 0 or more.')),
      }),
      v.check(
        (r) => r.ids.length === r.fixed.length && r.slot >= 0 && r.slot < r.ids.length,
        'The inspect request needs ids and fixed flags of the same length and a slot inside them.',
      ),
    ),
    /** The noise panel: one forward pass on a passage masked by the page (`ids`, [MASK] at the noised
     * slots), scored against the passage itself (`targets`, engine/objective.ts). Answered 'denoised';
     * like 'inspect', never during a run ('busy'), and it never changes one. */
    v.pipe(
      v.object({ type: v.literal('denoise'), id, ids: int32, targets: int32 }),
      v.check(
        (r) => r.ids.length === r.targets.length && r.ids.length > 0,
        'The denoise request needs a canvas and its true ids, of the same length.',
      ),
    ),
    /** Under manual pace: `count` more steps may run. */
    v.object({
      type: v.literal('step'),
      id,
      count: v.pipe(v.number(), v.safeInteger(), v.minValue(1, 'A step request needs a count of 1 or more.')),
    }),
  ],
  (i) => `Unknown message type ${json(i.input)}`, // the input here is the `type` itself
);

const tokenBytes = v.object({ data: uint8, offsets: uint32 });

const modelInfo = v.object({
  name: v.string(),
  vocabSize: num,
  context: num,
  params: num,
  /** Display string of every token id (decoded on its own), so frames can carry ids only. */
  pieces: v.array(v.string()),
  /** UTF-8 bytes of every id, so the page decodes runs of ids as the tokenizer does. */
  bytes: v.optional(tokenBytes),
  maskId: num,
  fromCache: v.boolean(),
  /** WASM threads the runtime was configured with (the bench reads it instead of re-deriving it). */
  threads: num,
});

const frame = v.object({
  step: num,
  totalSteps: num,
  ids: int32,
  resolved: v.array(num),
  confidences: v.array(num),
  forwardMs: num,
  phase: v.optional(v.picklist(['unmask', 'refine'])),
  round: v.optional(num),
  remasked: v.optional(v.array(num)),
  draftIds: v.optional(int32),
  draftProbs: v.optional(float32),
});

const passReport = v.object({
  masked: int32,
  token: int32,
  confidence: float64,
  score: float64,
  top: float64,
  order: int32,
  draftIds: int32,
  draftProbs: float32,
});

const runStats = v.object({
  steps: num,
  forwardPasses: num,
  totalMs: num,
  msPerStep: num,
  tokensPerSecond: num,
  generatedTokens: num,
});

export const workerOutSchema = v.variant('type', [
  /** `model`: the name of the model being loaded (absent before the load has chosen one); `backend`: in
   * the session phase, the backend whose session is being opened (absent before one is tried);
   * `downloaded` and `downloading`: in the file phases, the bytes that came over the network and what
   * they are (runtime/loadModel.ts, LoadDetails). */
  v.object({
    type: v.literal('progress'),
    id,
    phase: v.picklist(['download', 'cache', 'session']),
    loaded: num,
    total: num,
    model: v.optional(v.string()),
    backend: v.optional(v.picklist(BACKENDS)),
    downloaded: v.optional(num),
    downloading: v.optional(v.array(v.picklist(['model', 'engine']))),
  }),
  v.object({ type: v.literal('ready'), id, backend: v.picklist(BACKENDS), reason: v.string(), model: modelInfo }),
  v.object({ type: v.literal('started'), id, ids: int32, fixed: uint8, totalSteps: num }),
  v.object({ type: v.literal('frame'), id, frame }),
  v.object({ type: v.literal('done'), id, text: v.string(), ids: int32, stats: runStats }),
  v.object({ type: v.literal('cancelled'), id }),
  /** The answer to 'inspect': the slot's row of logits (V floats) and the step's report on every masked
   * row j of the pass (position masked[j]): drawn token, p of it, score, the resolution order (row
   * indexes, first the committed ones), and the drafts by position. */
  v.object({
    type: v.literal('inspected'),
    id,
    slot: num,
    row: float32,
    report: passReport,
    /** The ids p and q leave out (2a): the model's special ids and its byte pieces. */
    special: v.object({ pad: num, mask: num, eos: num, never: v.optional(v.array(num)) }),
  }),
  /** The answer to 'denoise': per masked slot (ascending), -ln p of the true token over the whole
   * vocabulary, the model's best guess and its probability. */
  v.object({ type: v.literal('denoised'), id, positions: int32, nll: float64, guess: int32, guessProb: float64 }),
  /** A notice that does not stop anything, e.g. "WebGPU device lost, continuing on WASM". */
  v.object({
    type: v.literal('notice'),
    id,
    message: v.string(),
    backend: v.optional(v.picklist(BACKENDS)),
    reason: v.optional(v.string()),
  }),
  /** `message` names the cause in plain words; `detail` is the engine's own text, for a report. */
  v.object({
    type: v.literal('error'),
    id,
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    action: v.string(),
    detail: v.optional(v.string()),
  }),
]);

export type WorkerIn = v.InferOutput<typeof workerInSchema>;
export type WorkerOut = v.InferOutput<typeof workerOutSchema>;
export type GenerateRequest = v.InferOutput<typeof generateRequest>;
export type ModelInfo = v.InferOutput<typeof modelInfo>;
export type RunStats = v.InferOutput<typeof runStats>;
export type InspectRequest = Extract<WorkerIn, { type: 'inspect' }>;
export type Inspected = Extract<WorkerOut, { type: 'inspected' }>;
export type DenoiseRequest = Extract<WorkerIn, { type: 'denoise' }>;
export type DenoisedOut = Extract<WorkerOut, { type: 'denoised' }>;

// The schemas restate types the engine and the runtime own; these fail to compile if the two drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const protocolMatchesEngine: [
  Same<v.InferOutput<typeof frame>, Frame>,
  Same<v.InferOutput<typeof segment>, Segment>,
  Same<v.InferOutput<typeof settings>, Partial<SamplerSettings>>,
  Same<v.InferOutput<typeof tokenBytes>, TokenBytes>,
  Same<v.InferOutput<typeof passReport>, PassReport>,
] = [true, true, true, true, true];
