// Default sampler settings and the one place that turns user input into settings the rulebook
// can run: every clamp is reported as a sentence the UI can show.
import { MAX_NGRAM, MIN_NGRAM } from './repeats';
import type { InnerStrategy, SamplerSettings, Schedule, Strategy } from './types';

/** The temperature slider's top: above it a run is told that its text will be close to noise. */
export const HOT_TEMPERATURE = 2;

/** The same defaults as the Python twin (models/pipeline/sampler.py), so the model card's samples
 * and the app start from one place. */
export const DEFAULT_SETTINGS: SamplerSettings = Object.freeze({
  steps: 32,
  // 0.7 with no repeated 3-grams (below): on the shipped model, 256 samples, invented words 1.17 % ->
  // 0.67 % and repeated word 3-grams 0.97 % -> 0.22 % against 0.8 without the rule, at the same 46
  // passes; samples of one prompt 2 % less varied (models/README.md, "No repeated phrases").
  temperature: 0.7,
  topK: 0,
  topP: 0.95,
  seed: 1,
  schedule: 'linear',
  // Fast-dLLM's default. The adaptive schedule is not the default: on the shipped model it does not
  // beat linear at equal forward passes (models/README.md, "Forward passes against quality").
  threshold: 0.9,
  // Margin, not confidence: with the shipped model, confidence order repeats 14–18 % of 3-grams
  // ("and the top of the water, and the top…"), margin 0–1.6 %, real text 1.5 % (models/README.md).
  strategy: 'margin',
  blockLength: 32,
  blockStrategy: 'confidence',
  repetitionPenalty: 1,
  repetitionWindow: 16,
  // On: a lower temperature alone invents fewer words but loops more ("the king, the king"); the
  // rule takes the loops away without touching the words (SAMPLING.md 2b').
  noRepeatNgram: 3,
  // Refinement on: with the shipped model (8 prompts x 4 seeds, margin, T 0.8, 32 steps, 48 tokens)
  // 2 rounds of 20 % cut invented words 5.2 % -> 3.5 %, for repeated word 3-grams 0.2 % -> 0.6 %
  // (real text 0.4 %) and forward passes 32 -> 46 (issue 8, models/tools/measure_refinement.py).
  refineRounds: 2,
  refineFraction: 0.2,
}) as SamplerSettings;

/** Most refinement rounds a run may take: each adds a share of the run's forward passes again. */
export const MAX_REFINE_ROUNDS = 16;
/** Fewest tokens, as a share of the generated ones, a round re-masks (a round re-masks at least one). */
export const MIN_REFINE_FRACTION = 0.01;

/** Each setting as the controls name it, for the sentences a user reads (a field's note, a link's). */
export const SETTING_NAMES: Readonly<Record<keyof SamplerSettings, string>> = {
  steps: 'steps',
  temperature: 'temperature',
  topK: 'top-k',
  topP: 'top-p',
  seed: 'seed',
  schedule: 'schedule',
  threshold: 'sure at',
  strategy: 'unmasking order',
  blockLength: 'block length',
  blockStrategy: 'order inside a block',
  repetitionPenalty: 'repetition penalty',
  repetitionWindow: 'repetition window',
  noRepeatNgram: 'no repeated phrases (n)',
  refineRounds: 'refinement rounds',
  refineFraction: 'refinement share',
};

/** A setting's name at the start of a sentence. */
export const settingAtStart = (key: keyof SamplerSettings) =>
  SETTING_NAMES[key][0].toUpperCase() + SETTING_NAMES[key].slice(1);

const STRATEGIES: readonly Strategy[] = ['confidence', 'margin', 'entropy', 'random', 'blocks', 'left-to-right'];
const INNER: readonly InnerStrategy[] = ['confidence', 'margin', 'entropy', 'random'];
const SCHEDULES: readonly Schedule[] = ['linear', 'cosine', 'adaptive'];

/**
 * Fills missing fields from DEFAULT_SETTINGS and clamps values the rulebook cannot run.
 * With `maskedCount`, steps is also limited to 1..maskedCount. Valid settings come back unchanged
 * (apart from steps, counts and window being whole numbers), so normalizing twice is harmless.
 */
export function normalizeSettings(
  input: Partial<SamplerSettings>,
  maskedCount?: number,
): { settings: SamplerSettings; warnings: string[] } {
  const warnings: string[] = [];
  const d = DEFAULT_SETTINGS;

  const num = (key: keyof SamplerSettings, fallback: number): number => {
    const v = input[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      warnings.push(`${settingAtStart(key)} must be a finite number; using ${fallback}.`);
      return fallback;
    }
    return v;
  };
  const int = (key: keyof SamplerSettings, fallback: number, min: number, why: string): number => {
    const raw = num(key, fallback);
    const v = Math.floor(raw + 0.5);
    if (v < min) {
      warnings.push(`${settingAtStart(key)} ${raw} is below ${min} (${why}); using ${min}.`);
      return min;
    }
    if (v !== raw) warnings.push(`${settingAtStart(key)} ${raw} is not a whole number; using ${v}.`);
    return v;
  };
  const choice = <T extends string>(key: keyof SamplerSettings, allowed: readonly T[], fallback: T): T => {
    const v = input[key];
    if (v === undefined) return fallback;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    warnings.push(`Unknown ${SETTING_NAMES[key]} "${String(v)}"; using ${fallback}. Choices: ${allowed.join(', ')}.`);
    return fallback;
  };

  let steps = int('steps', d.steps, 1, 'every run takes at least one step');
  const m = maskedCount === undefined ? undefined : Math.max(0, Math.floor(maskedCount));
  if (m !== undefined && m > 0 && steps > m) {
    warnings.push(
      `${steps} steps for ${m} masked token${m === 1 ? '' : 's'}: a step resolves at least one token; using ${m}.`,
    );
    steps = m;
  }

  let temperature = num('temperature', d.temperature);
  if (temperature < 0) {
    warnings.push(`Temperature ${temperature} is negative; using 0 (greedy).`);
    temperature = 0;
  } else if (temperature > HOT_TEMPERATURE) {
    // Kept (it is a fair experiment), but said: far above the slider the draws are nearly uniform.
    warnings.push(
      `Temperature ${temperature} is above ${HOT_TEMPERATURE}, the slider's top: the draws come close to uniform over the tokens kept, so expect noise.`,
    );
  }

  const topK = int('topK', d.topK, 0, '0 turns top-k off');

  let topP = num('topP', d.topP);
  if (topP > 1) {
    warnings.push(`Top-p ${topP} is above 1; using 1 (off).`);
    topP = 1;
  } else if (topP < 0) {
    warnings.push(`Top-p ${topP} is negative; using 0 (the most likely token only).`);
    topP = 0;
  }

  let seed = num('seed', d.seed);
  if (seed >>> 0 !== seed) {
    // The generator reads the seed as an unsigned 32-bit integer; show the user the one in use.
    warnings.push(`Seed ${seed} is used as the 32-bit seed ${seed >>> 0}.`);
    seed = seed >>> 0;
  }

  let repetitionPenalty = num('repetitionPenalty', d.repetitionPenalty);
  if (repetitionPenalty < 1) {
    // ln(r) < 0 would reward repeats, and r ≤ 0 has no logarithm at all.
    warnings.push(`Repetition penalty ${repetitionPenalty} is below 1; using 1 (off).`);
    repetitionPenalty = 1;
  }

  let noRepeatNgram = int('noRepeatNgram', d.noRepeatNgram, 0, '0 turns the rule off');
  if (noRepeatNgram > MAX_NGRAM) {
    warnings.push(`No repeated phrases (n) ${noRepeatNgram} is above ${MAX_NGRAM}; using ${MAX_NGRAM}.`);
    noRepeatNgram = MAX_NGRAM;
  } else if (noRepeatNgram > 0 && noRepeatNgram < MIN_NGRAM) {
    // n = 1 would ban every token the canvas already holds, "the" and "," included.
    warnings.push(
      `No repeated phrases (n) ${noRepeatNgram} would ban every token already written; using ${MIN_NGRAM}.`,
    );
    noRepeatNgram = MIN_NGRAM;
  }

  let refineRounds = int('refineRounds', d.refineRounds, 0, '0 turns refinement off');
  if (refineRounds > MAX_REFINE_ROUNDS) {
    warnings.push(`Refinement rounds ${refineRounds} is above ${MAX_REFINE_ROUNDS}; using ${MAX_REFINE_ROUNDS}.`);
    refineRounds = MAX_REFINE_ROUNDS;
  }

  let refineFraction = num('refineFraction', d.refineFraction);
  if (refineFraction > 1) {
    warnings.push(`Refinement share ${refineFraction} is above 1; using 1 (every generated token).`);
    refineFraction = 1;
  } else if (refineFraction < MIN_REFINE_FRACTION) {
    warnings.push(`Refinement share ${refineFraction} is below ${MIN_REFINE_FRACTION}; using ${MIN_REFINE_FRACTION}.`);
    refineFraction = MIN_REFINE_FRACTION;
  }

  const schedule = choice('schedule', SCHEDULES, d.schedule);
  const strategy = choice('strategy', STRATEGIES, d.strategy);
  // A setting the run does not use is still made valid, but only said when it applies: the controls
  // show its field only then, and a warning about a hidden field could not be acted on.
  const unless = (applies: boolean, from: number) => {
    if (!applies) warnings.splice(from);
  };

  let from = warnings.length;
  let threshold = num('threshold', d.threshold);
  if (threshold > 1) {
    warnings.push(`Sure at ${threshold} is above 1; using 1 (only certain slots commit early).`);
    threshold = 1;
  } else if (threshold < 0) {
    warnings.push(`Sure at ${threshold} is negative; using 0 (every slot commits at the first step).`);
    threshold = 0;
  }
  unless(schedule === 'adaptive', from);

  from = warnings.length;
  const blockLength = int('blockLength', d.blockLength, 1, 'a block holds at least one token');
  const blockStrategy = choice('blockStrategy', INNER, d.blockStrategy);
  unless(strategy === 'blocks', from);

  return {
    settings: {
      steps,
      temperature,
      topK,
      topP,
      seed,
      schedule,
      threshold,
      strategy,
      blockLength,
      blockStrategy,
      repetitionPenalty,
      repetitionWindow: int('repetitionWindow', d.repetitionWindow, 0, '0 looks at no neighbours'),
      noRepeatNgram,
      refineRounds,
      refineFraction,
    },
    warnings,
  };
}
