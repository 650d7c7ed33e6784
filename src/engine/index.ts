// The pure generation engine: no DOM, no ORT. The rules live in SAMPLING.md.
export * from './types';
export { DEFAULT_SETTINGS, normalizeSettings } from './settings';
export { plannedSteps, stepCounts } from './schedule';
export { buildCanvas, DEFAULT_BLANK, maskedCount, parseTemplate, promptSegments, TemplateError } from './template';
export { unmask } from './unmask';
export { repeatedTrigramShare } from './metrics';
export { createRng } from './rng';
export type { Rng } from './rng';
