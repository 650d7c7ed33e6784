// One schema per shape the app reads from outside its own code: the saved form (localStorage) and
// the form a share link describes. Each field that is missing or of the wrong kind gets its
// default, and every replacement is reported in a sentence, so a bad value never reaches the UI
// (where it would crash a render or make a control show something other than what is used).
import { DEFAULT_SETTINGS, normalizeSettings, SETTING_NAMES, settingAtStart, type SamplerSettings } from '../engine';
import { DEFAULT_FORM, type FormState, type Mode } from './form';

/** Longest prompt or template kept; far beyond what the model reads (a huge value is a mistake). */
export const MAX_TEXT = 20_000;

export interface Parsed<T> {
  value: T;
  /** One sentence per field that was replaced by its default. */
  problems: string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether `v` is a value the engine accepts as-is for the choice field `key`. */
function validChoice(key: keyof SamplerSettings, v: string): boolean {
  return normalizeSettings({ [key]: v } as Partial<SamplerSettings>).settings[key] === v;
}

/**
 * One settings field: numbers must be finite numbers (range clamps are the engine's, reported
 * when a run starts), choices one of the engine's, anything else of the default's type.
 */
function settingProblem(key: keyof SamplerSettings, v: unknown, fallback: unknown): string | null {
  if (typeof fallback === 'number') {
    return typeof v === 'number' && Number.isFinite(v)
      ? null
      : `${settingAtStart(key)} ${JSON.stringify(v) ?? 'undefined'} is not a number; using ${fallback}.`;
  }
  if (typeof fallback === 'string') {
    return typeof v === 'string' && validChoice(key, v)
      ? null
      : `Unknown ${SETTING_NAMES[key]} ${JSON.stringify(v)}; using ${fallback}.`;
  }
  return typeof v === typeof fallback ? null : `${settingAtStart(key)} has the wrong kind of value; using the default.`;
}

export function parseSettings(raw: unknown, base: SamplerSettings = DEFAULT_SETTINGS): Parsed<SamplerSettings> {
  const src = isObj(raw) ? raw : {};
  const problems: string[] =
    raw === undefined || isObj(raw) ? [] : ['The settings were not readable; using the defaults.'];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof SamplerSettings>) {
    const fallback = base[key] ?? DEFAULT_SETTINGS[key];
    if (!(key in src)) {
      out[key] = fallback;
      continue;
    }
    const problem = settingProblem(key, src[key], fallback);
    if (problem) problems.push(problem);
    out[key] = problem ? fallback : src[key];
  }
  return { value: out as unknown as SamplerSettings, problems };
}

function text(v: unknown, fallback: string, what: string, problems: string[]): string {
  if (v === undefined) return fallback;
  if (typeof v !== 'string') {
    problems.push(`The saved ${what} was not text; using the default.`);
    return fallback;
  }
  if (v.length > MAX_TEXT) {
    problems.push(`The ${what} was longer than ${MAX_TEXT} characters; it was cut.`);
    return v.slice(0, MAX_TEXT);
  }
  return v;
}

function count(v: unknown, fallback: number, what: string, problems: string[]): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.push(`The ${what} ${JSON.stringify(v)} is not a number; using ${fallback}.`);
    return fallback;
  }
  // A count of tokens: a link's length -3 would otherwise sit in the form until Generate refused it.
  if (!Number.isInteger(v) || v < 1) {
    problems.push(`The ${what} ${v} is not a whole number of tokens, 1 or more; using ${fallback}.`);
    return fallback;
  }
  return v;
}

/** A whole form from anything (parsed JSON); missing or wrong fields come from `base`. */
export function parseForm(raw: unknown, base: FormState = DEFAULT_FORM): Parsed<FormState> {
  if (!isObj(raw)) {
    return {
      value: cloneForm(base),
      problems: raw === undefined ? [] : ['The saved form was not readable; using the defaults.'],
    };
  }
  const problems: string[] = [];
  let mode: Mode = base.mode;
  if (raw.mode !== undefined) {
    if (raw.mode === 'prompt' || raw.mode === 'fill') mode = raw.mode;
    else problems.push(`Unknown mode ${JSON.stringify(raw.mode)}; using ${base.mode}.`);
  }
  const settings = parseSettings(raw.settings, base.settings);
  return {
    value: {
      mode,
      prompt: text(raw.prompt, base.prompt, 'prompt', problems),
      template: text(raw.template, base.template, 'template', problems),
      blankLength: count(raw.blankLength, base.blankLength, 'blank length', problems),
      length: count(raw.length, base.length, 'length', problems),
      settings: settings.value,
    },
    problems: [...problems, ...settings.problems],
  };
}

export function cloneForm(f: FormState): FormState {
  return { ...f, settings: { ...f.settings } };
}

/**
 * The saved model choice: a name this build ships, or null for the device's default. A name the
 * build lacks (a model dropped in an update) falls back to the default and says so.
 */
export function parseModelChoice(raw: unknown, available: readonly string[]): Parsed<string | null> {
  if (raw === undefined || raw === null) return { value: null, problems: [] };
  if (typeof raw !== 'string')
    return { value: null, problems: ['The saved model choice was not readable; using the default model.'] };
  if (!available.includes(raw)) {
    return {
      value: null,
      problems: [
        `The saved model ${JSON.stringify(raw.slice(0, 80))} is not in this version of the app; using the default model.`,
      ],
    };
  }
  return { value: raw, problems: [] };
}

/**
 * How the canvas is watched, saved apart from the form: it changes how a run is shown, never what
 * the run is, so it is not sent with a run and not put in share links (see share.ts).
 */
export interface ViewPrefs {
  /** Whether masked slots show the model's current guess. */
  showDraft: boolean;
}

export const DEFAULT_VIEW: ViewPrefs = { showDraft: true };

export function parseViewPrefs(raw: unknown): Parsed<ViewPrefs> {
  if (raw === undefined) return { value: { ...DEFAULT_VIEW }, problems: [] };
  if (!isObj(raw))
    return {
      value: { ...DEFAULT_VIEW },
      problems: ['The saved view preferences were not readable; using the defaults.'],
    };
  const problems: string[] = [];
  let showDraft = DEFAULT_VIEW.showDraft;
  if (raw.showDraft !== undefined) {
    if (typeof raw.showDraft === 'boolean') showDraft = raw.showDraft;
    else
      problems.push(
        `The saved "Show the draft" value ${JSON.stringify(raw.showDraft) ?? 'undefined'} is neither on nor off; using the default (on).`,
      );
  }
  return { value: { showDraft }, problems };
}

/**
 * The guided tour, saved apart from the view: whether its one-line offer was answered (Start, No
 * thanks, or finishing it) and the step it was closed at, so "Take the tour" resumes there.
 */
export interface TourPrefs {
  /** True once the offer was answered: it is not shown again. */
  offered: boolean;
  /** The step (from 0) the tour was last shown at; the tour clamps it to its own length. */
  step: number;
}

export const DEFAULT_TOUR: TourPrefs = { offered: false, step: 0 };

export function parseTourPrefs(raw: unknown): Parsed<TourPrefs> {
  if (raw === undefined) return { value: { ...DEFAULT_TOUR }, problems: [] };
  if (!isObj(raw))
    return { value: { ...DEFAULT_TOUR }, problems: ['The saved tour was not readable; starting afresh.'] };
  const problems: string[] = [];
  let { offered, step } = DEFAULT_TOUR;
  if (typeof raw.offered === 'boolean') offered = raw.offered;
  else if (raw.offered !== undefined) problems.push('The saved tour offer is neither answered nor not; offering it.');
  if (typeof raw.step === 'number' && Number.isInteger(raw.step) && raw.step >= 0) step = raw.step;
  else if (raw.step !== undefined)
    problems.push(`The saved tour step ${JSON.stringify(raw.step)} is not a step; from the first.`);
  return { value: { offered, step }, problems };
}
