// One run as the main thread sees it, rebuilt from the worker's messages: the canvas at the
// start, every frame (for the timeline), and per slot the step it last resolved at and its
// confidence. With refinement a slot can be masked again and resolve again, so the canvas at a
// step is read from that step's frame (SAMPLING.md, "Using the engine").
import { maskedCount, type Frame, type SamplerSettings } from '../engine';
import type { RunStats } from '../worker/protocol';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** Where a run's fixed positions come from, beyond what the worker says. */
export interface RunOrigin {
  /** Positions of the user's own text (prompt or template), shown exactly as typed; absent: the
   * run's fixed positions. */
  given?: Uint8Array;
  /** The typed text of each run of given positions, in order. */
  givenText: string[];
  /** A re-imagine run: the confidence each kept token had in the run it came from. */
  kept: Float32Array | null;
}

export interface RunView {
  runId: number;
  status: RunStatus;
  /** What the run was asked to do (normalized), so the UI can say when controls differ. */
  settings: SamplerSettings;
  /** 'left-to-right' or 'diffusion' for the halves of a comparison. */
  label: string | null;
  initialIds: Int32Array;
  /** Positions the engine never changes: given text, and the kept tokens of a re-imagine run. */
  fixed: Uint8Array;
  given: Uint8Array;
  givenText: string[];
  /** True for a re-imagine run (its fixed-but-not-given tokens come from the previous run). */
  reimagined: boolean;
  maskId: number;
  totalSteps: number;
  frames: Frame[];
  /** Latest ids (a slot is masked iff its id is maskId). */
  ids: Int32Array;
  /** Step (1-based) at which each slot last resolved; 0 = given, kept, or not resolved yet. */
  resolvedAt: Int32Array;
  confidence: Float32Array;
  /** performance.now() when 'started' arrived and when the latest frame arrived. */
  startedAt: number;
  lastAt: number;
  stats: RunStats | null;
  text: string | null;
}

/** The id the engine put in every slot it had to fill. */
function maskIdOf(ids: Int32Array, fixed: Uint8Array): number {
  for (let i = 0; i < ids.length; i++) if (!fixed[i]) return ids[i];
  return -1;
}

/** Runs of given positions become one text each, in order: the typed text segments. */
export function givenTextOf(segments: ReadonlyArray<{ kind: string; text?: string }>): string[] {
  return segments.filter((s) => s.kind === 'text').map((s) => s.text ?? '');
}

export function startRun(
  runId: number,
  ids: Int32Array,
  fixed: Uint8Array,
  totalSteps: number,
  settings: SamplerSettings,
  label: string | null,
  now: number,
  origin?: RunOrigin,
): RunView {
  const given = origin?.given ?? fixed;
  const confidence = new Float32Array(ids.length);
  if (origin?.kept) for (let i = 0; i < ids.length; i++) if (fixed[i] && !given[i]) confidence[i] = origin.kept[i] ?? 0;
  return {
    runId,
    status: 'running',
    settings,
    label,
    initialIds: ids,
    fixed,
    given,
    givenText: origin?.givenText ?? [],
    reimagined: origin?.kept != null,
    maskId: maskIdOf(ids, fixed),
    totalSteps,
    frames: [],
    ids,
    resolvedAt: new Int32Array(ids.length),
    confidence,
    startedAt: now,
    lastAt: now,
    stats: null,
    text: null,
  };
}

/** A new RunView with the frame applied (the old one is left as it was, for React). */
export function applyFrame(run: RunView, frame: Frame, now: number): RunView {
  const resolvedAt = run.resolvedAt.slice();
  const confidence = run.confidence.slice();
  record(frame, resolvedAt, confidence);
  return {
    ...run,
    totalSteps: frame.totalSteps,
    frames: [...run.frames, frame],
    ids: frame.ids,
    resolvedAt,
    confidence,
    lastAt: now,
  };
}

function record(frame: Frame, resolvedAt: Int32Array, confidence: Float32Array): void {
  frame.resolved.forEach((pos, j) => {
    resolvedAt[pos] = frame.step;
    confidence[pos] = frame.confidences[j] ?? 0;
  });
}

export type SlotState = 'given' | 'masked' | 'resolved';

/** The canvas as it stood after `step` steps (0 = the start), drafts included. */
export interface CanvasAt {
  step: number;
  ids: Int32Array;
  /** The last step ≤ `step` that resolved each slot (0 = never, given or kept). */
  resolvedAt: Int32Array;
  confidence: Float32Array;
  /** The model's best guess for each still-masked slot at this step (null before the first). */
  draftIds: Int32Array | null;
  draftProbs: Float32Array | null;
  /** Slots masked again just before this step's pass (refinement). */
  remasked: ReadonlySet<number>;
  phase: 'unmask' | 'refine';
  round: number;
}

const NONE: ReadonlySet<number> = new Set();

export function canvasAt(run: RunView, step: number): CanvasAt {
  const k = Math.max(0, Math.min(step, run.frames.length));
  const frame = k > 0 ? run.frames[k - 1] : null;
  let resolvedAt = run.resolvedAt;
  let confidence = run.confidence;
  if (k < run.frames.length) {
    // An earlier step: replay the frames up to it (a slot may have resolved more than once).
    resolvedAt = new Int32Array(run.ids.length);
    confidence = Float32Array.from(run.confidence, (c, i) => (run.fixed[i] ? c : 0));
    for (let j = 0; j < k; j++) record(run.frames[j], resolvedAt, confidence);
  }
  return {
    step: k,
    ids: frame ? frame.ids : run.initialIds,
    resolvedAt,
    confidence,
    draftIds: frame?.draftIds ?? null,
    draftProbs: frame?.draftProbs ?? null,
    remasked: frame?.remasked?.length ? new Set(frame.remasked) : NONE,
    phase: frame?.phase ?? 'unmask',
    round: frame?.round ?? 0,
  };
}

/** The state of slot i in the canvas `at`. */
export function stateAt(run: RunView, at: CanvasAt, i: number): SlotState {
  if (run.given[i]) return 'given';
  return at.ids[i] === run.maskId ? 'masked' : 'resolved';
}

/** The state of slot i when the canvas shows the run after `step` steps. */
export function slotState(run: RunView, i: number, step: number): SlotState {
  return stateAt(run, canvasAt(run, step), i);
}

/** Slots still masked in `ids` (the share of the run that is done is 1 - this / generated). */
export function maskedNow(run: RunView, ids: Int32Array = run.ids): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (!run.fixed[i] && ids[i] === run.maskId) n++;
  return n;
}

/** Live numbers while a run goes on, the worker's own stats once it is done. */
export function liveStats(run: RunView): {
  step: number;
  totalSteps: number;
  forwardPasses: number;
  msPerStep: number | null;
  tokensPerSecond: number | null;
  resolved: number;
  generated: number;
  /** Refinement round of the latest step (0 while unmasking) and how many there are. */
  round: number;
  rounds: number;
} {
  const generated = maskedCount(run.fixed);
  // Re-resolved slots count once: what is done is what is not masked now.
  const resolved = generated - maskedNow(run);
  const step = run.frames.length;
  const round = run.frames.at(-1)?.round ?? 0;
  const rounds = run.settings.refineRounds ?? 0;
  if (run.stats) {
    return {
      step,
      totalSteps: run.totalSteps,
      forwardPasses: run.stats.forwardPasses,
      msPerStep: run.stats.msPerStep,
      tokensPerSecond: run.stats.tokensPerSecond,
      resolved,
      generated,
      round,
      rounds,
    };
  }
  const elapsed = run.lastAt - run.startedAt;
  return {
    step,
    totalSteps: run.totalSteps,
    forwardPasses: step,
    msPerStep: step > 0 ? elapsed / step : null,
    tokensPerSecond: step > 0 && elapsed > 0 ? (resolved * 1000) / elapsed : null,
    resolved,
    generated,
    round,
    rounds,
  };
}
