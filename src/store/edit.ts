// Edit by re-masking: the request that re-imagines chosen tokens of a finished run (everything
// else stays, the model fills the chosen slots from the text on both sides), and what undo brings
// back. Pure functions; the store sends and records.
import type { SamplerSettings } from '../engine';
import type { RunOrigin, RunView } from './run';

export interface Reimagine {
  ids: Int32Array;
  fixed: Uint8Array;
  settings: SamplerSettings;
  origin: RunOrigin;
}

/** Generated (not given) positions of `run` that a selection may hold. */
export function selectable(run: RunView, i: number): boolean {
  return i >= 0 && i < run.ids.length && !run.given[i];
}

/**
 * The re-imagine of `positions` in the run's latest canvas, or null when there is nothing to do.
 * Slots still masked (a stopped run) are filled too. Steps are limited to the slots to fill, so
 * the worker has nothing to clamp (and no notice to show).
 */
export function reimagineRequest(
  run: RunView,
  positions: readonly number[],
  settings: SamplerSettings,
  seed: number,
): Reimagine | null {
  const chosen = new Set(positions.filter((i) => selectable(run, i)));
  if (chosen.size === 0) return null;
  const fixed = Uint8Array.from(run.ids, (id, i) => (run.given[i] || (!chosen.has(i) && id !== run.maskId) ? 1 : 0));
  let open = 0;
  for (const f of fixed) if (!f) open++;
  return {
    ids: Int32Array.from(run.ids, (id, i) => (fixed[i] ? id : run.maskId)),
    fixed,
    settings: { ...settings, steps: Math.max(1, Math.min(settings.steps, open)), seed },
    origin: { given: run.given, givenText: run.givenText, kept: run.confidence },
  };
}

/** Edits kept whole (every frame, for the timeline); older ones keep only their text (compactRun). */
export const FULL_HISTORY = 20;

/**
 * The run as a one-step run: its final canvas and confidences, with the frames dropped. Undo far back
 * must reach the first text however many edits there were, and 64 frames a run are too many to keep
 * for every edit; what is lost is only the replay of that old edit's steps.
 */
export function compactRun(run: RunView): RunView {
  if (run.frames.length <= 1) return run;
  const open = (i: number) => !run.given[i];
  const resolved = [...run.ids.keys()].filter((i) => open(i) && run.ids[i] !== run.maskId);
  return {
    ...run,
    totalSteps: 1,
    initialIds: Int32Array.from(run.ids, (id, i) => (open(i) ? run.maskId : id)),
    fixed: run.given,
    frames: [
      {
        step: 1,
        totalSteps: 1,
        ids: run.ids,
        resolved,
        confidences: resolved.map((i) => run.confidence[i]),
        forwardMs: 0,
      },
    ],
    resolvedAt: Int32Array.from(run.ids, (_, i) => (resolved.includes(i) ? 1 : 0)),
  };
}

/** History after `edited` was replaced by a re-imagine: every edit kept, the oldest compacted. */
export function pushHistory(history: readonly RunView[], edited: RunView): RunView[] {
  const next = [...history, edited];
  const old = next.length - FULL_HISTORY;
  return old > 0 ? next.map((r, i) => (i < old ? compactRun(r) : r)) : next;
}
