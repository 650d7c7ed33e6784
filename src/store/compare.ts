// The comparison as its own slice: the same prompt in diffusion order, then left to right. Pure
// steps over CompareView; the store sends the runs they ask for.
import { DEFAULT_SETTINGS, type SamplerSettings, type Segment } from '../engine';

export interface CompareResult {
  runId: number;
  text: string;
  forwardPasses: number;
  steps: number;
  totalMs: number;
}

export interface CompareView {
  phase: 'diffusion' | 'left-to-right' | 'done' | 'stopped';
  segments: Segment[];
  settings: SamplerSettings;
  diffusion: CompareResult | null;
  leftToRight: CompareResult | null;
}

/** A run the comparison asks the store to send. */
export interface CompareRun {
  segments: Segment[];
  settings: SamplerSettings;
  label: 'diffusion' | 'left-to-right';
}

/** A new comparison and its first run. The diffusion half needs a diffusion order. */
export function beginCompare(segments: Segment[], base: SamplerSettings): { compare: CompareView; run: CompareRun } {
  const settings: SamplerSettings =
    base.strategy === 'left-to-right' ? { ...base, strategy: DEFAULT_SETTINGS.strategy } : base;
  return {
    compare: { phase: 'diffusion', segments, settings, diffusion: null, leftToRight: null },
    run: { segments, settings, label: 'diffusion' },
  };
}

/** A run of the comparison finished: the next phase, the next run to send and what to announce. */
export function compareRunDone(
  c: CompareView | null,
  result: CompareResult,
): { compare: CompareView | null; run: CompareRun | null; announcement: string | null } {
  if (c?.phase === 'diffusion') {
    return {
      compare: { ...c, phase: 'left-to-right', diffusion: result },
      run: { segments: c.segments, settings: { ...c.settings, strategy: 'left-to-right' }, label: 'left-to-right' },
      announcement: null,
    };
  }
  if (c?.phase === 'left-to-right') {
    return {
      compare: { ...c, phase: 'done', leftToRight: result },
      run: null,
      announcement: `Comparison done: ${c.diffusion?.forwardPasses ?? '?'} forward passes in diffusion order, ${result.forwardPasses} left to right.`,
    };
  }
  return { compare: c, run: null, announcement: null };
}

/** A comparison still going on stops (Stop, an error, a reload of the engine). */
export function stopCompare(c: CompareView | null): CompareView | null {
  return c && (c.phase === 'diffusion' || c.phase === 'left-to-right') ? { ...c, phase: 'stopped' } : c;
}
