// Share links: the prompt or template, the mode and every setting in the URL hash, so opening the
// link restores them (and with the same seed, the same run on the same backend).
import type { SamplerSettings } from '../engine';
import type { FormState } from './form';

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
];
const CHOICE: Array<[string, keyof SamplerSettings]> = [
  ['strategy', 'strategy'],
  ['inner', 'blockStrategy'],
  ['schedule', 'schedule'],
];

export function encodeShare(form: FormState): string {
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
  return p.toString();
}

/** The full link for the current page. */
export function shareUrl(form: FormState, location: { origin: string; pathname: string; search: string }): string {
  return `${location.origin}${location.pathname}${location.search}#${encodeShare(form)}`;
}

/**
 * Reads a hash written by encodeShare. Returns null when the hash is not a share link; fields
 * that are missing or not numbers keep their value from `base` (normalizeSettings will report
 * any value the engine cannot run when the run starts).
 */
export function decodeShare(hash: string, base: FormState): FormState | null {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const mode = p.get('mode');
  if (mode !== 'prompt' && mode !== 'fill') return null;
  const num = (key: string, fallback: number): number => {
    const raw = p.get(key);
    if (raw === null || raw.trim() === '') return fallback;
    const v = Number(raw);
    return Number.isFinite(v) ? v : fallback;
  };
  const settings: SamplerSettings = { ...base.settings };
  const mutable = settings as unknown as Record<string, number | string>;
  for (const [key, field] of NUMERIC) mutable[field] = num(key, settings[field] as number);
  for (const [key, field] of CHOICE) {
    const v = p.get(key);
    if (v !== null) mutable[field] = v;
  }
  return {
    mode,
    prompt: mode === 'prompt' ? (p.get('prompt') ?? base.prompt) : base.prompt,
    template: mode === 'fill' ? (p.get('template') ?? base.template) : base.template,
    blankLength: num('blank', base.blankLength),
    length: num('length', base.length),
    settings,
  };
}
