// The cost of steps (issue 18 §4) as its own slice, built like the comparison (compare.ts): the same
// prompt and seed at several step counts, under the adaptive schedule, and left to right, one run after
// the other through the store's one path to the worker. Pure steps over SweepView; the store sends the
// runs they ask for and the panel (src/ui/explain/CostOfSteps.tsx) measures the texts.
import { DEFAULT_SETTINGS, type SamplerSettings, type Segment } from '../engine';

export const SWEEP_STEPS = [4, 8, 16, 32, 64] as const;

export type SweepKind = 'steps' | 'adaptive' | 'left-to-right';

export interface SweepResult {
  runId: number;
  text: string;
  forwardPasses: number;
  steps: number;
  totalMs: number;
}

export interface SweepRow {
  kind: SweepKind;
  label: string;
  /** The steps asked for (the engine clamps them to the masked count; adaptive: the budget). */
  requested: number;
  settings: SamplerSettings;
  result: SweepResult | null;
}

export interface SweepView {
  phase: 'running' | 'done' | 'stopped';
  segments: Segment[];
  /** Masked slots of the canvas: the most steps a run can take, and left to right's passes. */
  masked: number;
  rows: SweepRow[];
  /** The row under way (rows.length once done). */
  current: number;
  /** Why it stopped, where the engine refused or failed a run (a Cancel gives none). */
  why?: string;
}

/** What the store sends for a row. */
export interface SweepRun {
  segments: Segment[];
  settings: SamplerSettings;
  label: string;
}

export function maskedOf(segments: readonly Segment[]): number {
  return segments.reduce((m, s) => m + (s.kind === 'blank' ? s.length : 0), 0);
}

/** The rows: the form's settings as they are but for steps (a fixed schedule for the step rows: the
 * form's linear or cosine, linear in place of adaptive), the adaptive schedule at the form's threshold
 * with the masked count as budget, and left to right. Diffusion rows need a diffusion order. */
export function sweepRows(segments: readonly Segment[], base: SamplerSettings): SweepRow[] {
  const masked = maskedOf(segments);
  const strategy = base.strategy === 'left-to-right' ? DEFAULT_SETTINGS.strategy : base.strategy;
  const schedule = base.schedule === 'adaptive' ? 'linear' : base.schedule;
  const row = (kind: SweepKind, label: string, requested: number, settings: SamplerSettings): SweepRow => ({
    kind,
    label,
    requested,
    settings,
    result: null,
  });
  return [
    ...SWEEP_STEPS.map((steps) => row('steps', `${steps} steps`, steps, { ...base, strategy, schedule, steps })),
    row('adaptive', `adaptive, sure at ${base.threshold}`, masked, {
      ...base,
      strategy,
      schedule: 'adaptive',
      steps: masked,
    }),
    row('left-to-right', 'left to right', masked, { ...base, strategy: 'left-to-right', steps: masked }),
  ];
}

const runOf = (v: SweepView, k: number): SweepRun => ({
  segments: v.segments,
  settings: v.rows[k].settings,
  label: `cost of steps: ${v.rows[k].label}`,
});

/** A new sweep and its first run. */
export function beginSweep(segments: Segment[], base: SamplerSettings): { sweep: SweepView; run: SweepRun } {
  const sweep: SweepView = {
    phase: 'running',
    segments,
    masked: maskedOf(segments),
    rows: sweepRows(segments, base),
    current: 0,
  };
  return { sweep, run: runOf(sweep, 0) };
}

/** A run of the sweep finished: the row's result, the next run to send and what to announce. */
export function sweepRunDone(
  v: SweepView | null,
  result: SweepResult,
): { sweep: SweepView | null; run: SweepRun | null; announcement: string | null } {
  if (v?.phase !== 'running') return { sweep: v, run: null, announcement: null };
  const rows = v.rows.map((r, k) => (k === v.current ? { ...r, result } : r));
  const current = v.current + 1;
  if (current < rows.length) {
    const next = { ...v, rows, current };
    return { sweep: next, run: runOf(next, current), announcement: null };
  }
  return {
    sweep: { ...v, rows, current, phase: 'done' },
    run: null,
    announcement: `Cost of steps done: ${rows.length} runs, ${rows.map((r) => r.result?.forwardPasses ?? '?').join(', ')} forward passes.`,
  };
}

/** A sweep still going on stops (Cancel, Stop, an error, a reload of the engine); `why`: the error's. */
export function stopSweep(v: SweepView | null, why?: string): SweepView | null {
  return v?.phase === 'running' ? { ...v, phase: 'stopped', ...(why ? { why } : {}) } : v;
}
