// The pure generation engine: no DOM, no ORT. The rules live in SAMPLING.md.
export * from './types';
export {
  DEFAULT_SETTINGS,
  HOT_TEMPERATURE,
  MAX_REFINE_ROUNDS,
  MIN_REFINE_FRACTION,
  normalizeSettings,
  SETTING_NAMES,
  settingAtStart,
} from './settings';
export { plannedSteps, refineShape, stepCounts, stepPlan, unmaskSteps } from './schedule';
export type { PlannedStep } from './schedule';
export { buildCanvas, DEFAULT_BLANK, maskedCount, parseTemplate, promptSegments, TemplateError } from './template';
export { unmask } from './unmask';
export { selectRows } from './rows';
export { repeatedTrigramShare } from './metrics';
export { MAX_NGRAM, MIN_NGRAM, repeatedNgramBans } from './repeats';
export { createRng } from './rng';
export type { Rng } from './rng';
export { boundOf, curvePoints, drawSeed, lossAt, lossCurve, noiseMask, noisyCanvas, scoreRows } from './objective';
export type { Bound, CurvePoint, Denoised, DenoiseFn, LossAt, Passage } from './objective';
