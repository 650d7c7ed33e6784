// Share links: the prompt or template, the mode, every setting and the model in the URL hash, so
// opening the link restores them (same seed + same model + same backend = the same run). A link is
// read through the form's schema: a value the app cannot use keeps the current one and is reported.
// A link may also open an explainer state (ExplainLink): a step of the run, an inspected slot, a noise
// level of the training-objective panel. View preferences (whether drafts show) stay out: they are how the recipient likes to watch a
// run, not what the run is, and a link must not overwrite a preference they saved.
import { SETTING_NAMES, type SamplerSettings } from '../engine';
import type { FormState, Mode } from './form';
import { parseForm } from './schema';

// Short keys keep links readable; each maps to one field.
const NUMERIC: Array<[string, keyof SamplerSettings]> = [
  ['steps', 'steps'],
  ['temp', 'temperature'],
  ['topk', 'topK'],
  ['topp', 'topP'],
  ['seed', 'seed'],
  ['block', 'blockLength'],
  ['rep', 'repetitionPenalty'],
  ['repw', 'repetitionWindow'],
  ['norep', 'noRepeatNgram'],
  ['refine', 'refineRounds'],
  ['refinef', 'refineFraction'],
  ['tau', 'threshold'],
];
const CHOICE: Array<[string, keyof SamplerSettings]> = [
  ['strategy', 'strategy'],
  ['inner', 'blockStrategy'],
  ['schedule', 'schedule'],
];
/** Settings added after the first links: a link without them ran without them (0 is off). */
const LATER_RULES: Array<[string, keyof SamplerSettings]> = [
  ['norep', 'noRepeatNgram'],
  ['refine', 'refineRounds'],
];
const FORM_KEYS = ['mode', 'prompt', 'template', 'blank', 'length'];
const EXPLAIN_KEYS = ['at', 'slot', 'noise'];
const KNOWN = new Set([...FORM_KEYS, ...EXPLAIN_KEYS, 'model', ...NUMERIC.map(([k]) => k), ...CHOICE.map(([k]) => k)]);

/** What the explainer views show, carried by a link: each null when the link leaves it out. */
export interface ExplainLink {
  /** The timeline's step (1-based), or null for the end of the run. */
  step: number | null;
  /** The canvas position the inspector looks inside. */
  slot: number | null;
  /** The noise panel's level t, which opens that panel. */
  noise: number | null;
}

export const NO_EXPLAIN: ExplainLink = { step: null, slot: null, noise: null };

/** The link's explainer state; a value it cannot use is left out and reported. */
function explainOf(p: URLSearchParams, problems: string[]): ExplainLink {
  const whole = (key: string, min: number, what: string): number | null => {
    const raw = p.get(key);
    if (raw === null) return null;
    const v = Number(raw);
    if (raw.trim() !== '' && Number.isSafeInteger(v) && v >= min) return v;
    problems.push(
      `The link's ${what} ${JSON.stringify(raw.slice(0, 20))} is not a whole number of ${min} or more; left out.`,
    );
    return null;
  };
  const step = whole('at', 1, 'step');
  const slot = whole('slot', 0, 'inspected slot');
  const raw = p.get('noise');
  let noise: number | null = null;
  if (raw !== null) {
    const v = Number(raw);
    if (raw.trim() !== '' && v >= 0 && v <= 1) noise = Math.round(v * 100) / 100;
    else problems.push(`The link's noise level ${JSON.stringify(raw.slice(0, 20))} is not between 0 and 1; left out.`);
  }
  return { step, slot, noise };
}

/** `model`: the model the run uses, or null where it is not known yet (the link then leaves it out). */
export function encodeShare(form: FormState, model: string | null = null, explain: ExplainLink = NO_EXPLAIN): string {
  const p = new URLSearchParams();
  p.set('mode', form.mode);
  if (form.mode === 'fill') {
    p.set('template', form.template);
    p.set('blank', String(form.blankLength));
  } else {
    p.set('prompt', form.prompt);
    p.set('length', String(form.length));
  }
  for (const [key, field] of NUMERIC) p.set(key, String(form.settings[field]));
  for (const [key, field] of CHOICE) p.set(key, String(form.settings[field]));
  if (model !== null) p.set('model', model);
  if (explain.step !== null) p.set('at', String(explain.step));
  if (explain.slot !== null) p.set('slot', String(explain.slot));
  if (explain.noise !== null) p.set('noise', String(explain.noise));
  return p.toString();
}

/** The full link for the current page. */
export function shareUrl(
  form: FormState,
  location: { origin: string; pathname: string; search: string },
  model: string | null = null,
  explain: ExplainLink = NO_EXPLAIN,
): string {
  return `${location.origin}${location.pathname}${location.search}#${encodeShare(form, model, explain)}`;
}

/** The models a link may pick from, and the one in use (null while the worker has not named it). */
export interface LinkModels {
  available: readonly string[];
  current: string | null;
}

export interface SharedLink {
  form: FormState;
  /** What the link changed, in words ("steps 8", "the prompt"); empty when it matched the form. */
  changed: string[];
  /** Values in the link the app could not use (each kept the current value). */
  problems: string[];
  /** The model the link asks for, one this build offers; null when it names none or one not offered. */
  model: string | null;
  /** What the explainer views should show once the link's run has ended. */
  explain: ExplainLink;
}

/**
 * Reads a hash written by encodeShare. Returns null when the hash has none of the link's keys
 * (an ordinary #anchor). A link without `mode` is a prompt link, or a fill link when it carries
 * only a template.
 */
export function decodeShare(
  hash: string,
  base: FormState,
  models: LinkModels = { available: [], current: null },
): SharedLink | null {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  if (![...p.keys()].some((k) => KNOWN.has(k))) return null;
  const problems: string[] = [];
  const rawMode = p.get('mode');
  let mode: Mode;
  if (rawMode === 'prompt' || rawMode === 'fill') mode = rawMode;
  else {
    mode = p.has('template') && !p.has('prompt') ? 'fill' : 'prompt';
    if (rawMode !== null) problems.push(`Unknown mode "${rawMode}"; using ${mode}.`);
  }
  const num = (key: string): number | string | undefined => {
    const raw = p.get(key);
    if (raw === null) return undefined;
    const v = Number(raw);
    // A non-number goes through as text, so the schema reports it and keeps the current value.
    return raw.trim() !== '' && Number.isFinite(v) ? v : raw;
  };
  const settings: Record<string, unknown> = {};
  for (const [key, field] of NUMERIC) settings[field] = num(key) ?? base.settings[field];
  // Every link names all its settings; one that names them (`steps`) but not `norep` (or `refine`, carried
  // since 2026-11-30) was shared before that rule existed, and its run had none: so that it gives the same
  // run, the rule is off, and the notice says why.
  const older = new Set(p.has('steps') ? LATER_RULES.filter(([key]) => !p.has(key)).map(([, field]) => field) : []);
  for (const field of older) settings[field] = 0;
  for (const [key, field] of CHOICE) settings[field] = p.get(key) ?? base.settings[field];
  const parsed = parseForm(
    {
      mode,
      prompt: mode === 'prompt' ? (p.get('prompt') ?? base.prompt) : base.prompt,
      template: mode === 'fill' ? (p.get('template') ?? base.template) : base.template,
      blankLength: num('blank') ?? base.blankLength,
      length: num('length') ?? base.length,
      settings,
    },
    base,
  );
  const form = parsed.value;
  const changed = describeChanges(base, form, older);
  const model = linkedModel(p.get('model'), models, problems);
  if (model !== null && model !== models.current) changed.push(`model ${model}`);
  const explain = explainOf(p, problems);
  return { form, changed, problems: [...problems, ...parsed.problems.map(linkWording)], model, explain };
}

/** The link's model if this build offers it; otherwise the current model stays and the link notice says so. */
function linkedModel(raw: string | null, models: LinkModels, problems: string[]): string | null {
  if (raw === null) return null; // an older link: the current model stays, silently
  if (models.available.includes(raw)) return raw;
  const kept = models.current === null ? 'the current model' : models.current;
  problems.push(`The model ${JSON.stringify(raw.slice(0, 80))} is not in this version of the app; kept ${kept}.`);
  return null;
}

// The schema speaks of saved values; in a link, the value kept is the current one.
const linkWording = (s: string) =>
  s.replace(/^The saved /, 'The ').replace(/using the default\.$/, 'kept the current one.');

function settingInWords(key: keyof SamplerSettings, value: SamplerSettings[keyof SamplerSettings]): string {
  if (key === 'noRepeatNgram')
    return value === 0 ? 'no repeated phrases off' : `no repeated phrases of ${value} tokens`;
  if (key === 'refineRounds' && value === 0) return 'refinement off';
  return `${SETTING_NAMES[key]} ${String(value)}`;
}

/** What differs between two forms, in words a notice can list. `older`: settings a link turned off because
 * it was shared before they existed (its run had none), which the notice says. */
export function describeChanges(
  before: FormState,
  after: FormState,
  older: ReadonlySet<keyof SamplerSettings> = new Set(),
): string[] {
  const out: string[] = [];
  if (before.mode !== after.mode) out.push(after.mode === 'fill' ? 'fill-in-the-blanks mode' : 'prompt mode');
  const text = after.mode === 'fill' ? 'template' : 'prompt';
  if (before[text] !== after[text]) out.push(`the ${text}`);
  if (after.mode === 'prompt' && before.length !== after.length) out.push(`length ${after.length}`);
  if (after.mode === 'fill' && before.blankLength !== after.blankLength) out.push(`blank length ${after.blankLength}`);
  for (const key of Object.keys(after.settings) as Array<keyof SamplerSettings>) {
    if (before.settings[key] === after.settings[key]) continue;
    const why = older.has(key) ? ' (an older link: its run had none)' : '';
    out.push(settingInWords(key, after.settings[key]) + why);
  }
  return out;
}
