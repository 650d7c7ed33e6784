// One run as the main thread sees it, rebuilt from the worker's messages: the canvas at the
// start, every frame (for the timeline), and per slot the step it resolved at and its confidence.
import { maskedCount, type Frame, type SamplerSettings } from '../engine';
import type { RunStats } from '../worker/protocol';

export type RunStatus = 'running' | 'done' | 'cancelled' | 'failed';

export interface RunView {
  runId: number;
  status: RunStatus;
  /** What the run was asked to do (normalized), so the UI can say when controls differ. */
  settings: SamplerSettings;
  /** 'left-to-right' or 'diffusion' for the halves of a comparison. */
  label: string | null;
  initialIds: Int32Array;
  fixed: Uint8Array;
  totalSteps: number;
  frames: Frame[];
  /** Latest ids: a resolved token never changes, so these hold every resolved token. */
  ids: Int32Array;
  /** Step (1-based) at which each slot resolved; 0 = given or still masked. */
  resolvedAt: Int32Array;
  confidence: Float32Array;
  /** performance.now() when 'started' arrived and when the latest frame arrived. */
  startedAt: number;
  lastAt: number;
  stats: RunStats | null;
  text: string | null;
}

export function startRun(
  runId: number,
  ids: Int32Array,
  fixed: Uint8Array,
  totalSteps: number,
  settings: SamplerSettings,
  label: string | null,
  now: number,
): RunView {
  return {
    runId,
    status: 'running',
    settings,
    label,
    initialIds: ids,
    fixed,
    totalSteps,
    frames: [],
    ids,
    resolvedAt: new Int32Array(ids.length),
    confidence: new Float32Array(ids.length),
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
  frame.resolved.forEach((pos, j) => {
    resolvedAt[pos] = frame.step;
    confidence[pos] = frame.confidences[j] ?? 0;
  });
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

export type SlotState = 'given' | 'masked' | 'resolved';

/** The state of slot i when the canvas shows the run after `step` steps. */
export function slotState(run: RunView, i: number, step: number): SlotState {
  if (run.fixed[i]) return 'given';
  const at = run.resolvedAt[i];
  return at > 0 && at <= step ? 'resolved' : 'masked';
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
} {
  const generated = maskedCount(run.fixed);
  let resolved = 0;
  for (const f of run.frames) resolved += f.resolved.length;
  const step = run.frames.length;
  if (run.stats) {
    return {
      step,
      totalSteps: run.totalSteps,
      forwardPasses: run.stats.forwardPasses,
      msPerStep: run.stats.msPerStep,
      tokensPerSecond: run.stats.tokensPerSecond,
      resolved,
      generated,
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
  };
}
