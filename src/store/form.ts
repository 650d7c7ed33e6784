// What the user has typed and chosen: the prompt or template, the mode, and the raw control
// values. Raw, because an input may hold a value the engine cannot run (the UI shows why);
// normalizeSettings turns it into settings only when a run starts.
import {
  DEFAULT_BLANK,
  DEFAULT_SETTINGS,
  normalizeSettings,
  parseTemplate,
  promptSegments,
  type SamplerSettings,
  type Segment,
} from '../engine';

export type Mode = 'prompt' | 'fill';

export interface FormState {
  mode: Mode;
  prompt: string;
  template: string;
  /** Length of a "[___]" blank in fill mode. */
  blankLength: number;
  /** Tokens to generate after the prompt in prompt mode. */
  length: number;
  settings: SamplerSettings;
}

export const DEFAULT_FORM: FormState = {
  mode: 'prompt',
  prompt: 'Once upon a time',
  template: 'The little [___] ran into the [4] and found a [___].',
  blankLength: DEFAULT_BLANK,
  length: 48,
  settings: { ...DEFAULT_SETTINGS },
};

/** The segments a run sends to the worker. */
export function segmentsOf(form: FormState): Segment[] {
  return form.mode === 'fill'
    ? parseTemplate(form.template, form.blankLength)
    : promptSegments(form.prompt, form.length);
}

/** Masked slots the canvas will have, or 0 where the template is not valid yet. */
export function maskedCountOf(form: FormState): number {
  let m = 0;
  for (const s of segmentsOf(form)) {
    if (s.kind === 'blank' && Number.isInteger(s.length) && s.length > 0) m += s.length;
  }
  return m;
}

/** Settings as the engine will run them, with the sentences that say what was clamped. */
export function effectiveSettings(form: FormState): { settings: SamplerSettings; warnings: string[] } {
  const m = maskedCountOf(form);
  return normalizeSettings(form.settings, m > 0 ? m : undefined);
}

/** Problems with the prompt or template that stop a run before it is sent. */
export function formProblems(form: FormState, context: number | undefined): string[] {
  const problems: string[] = [];
  if (form.mode === 'prompt') {
    if (!Number.isInteger(form.length) || form.length < 1) {
      problems.push('Length must be a whole number of tokens, 1 or more.');
    } else if (context !== undefined && form.length > context) {
      problems.push(`Length ${form.length} is more than the model reads (${context} tokens).`);
    }
  } else {
    if (!Number.isInteger(form.blankLength) || form.blankLength < 1) {
      problems.push('Blank length must be a whole number of tokens, 1 or more.');
    }
    const segs = segmentsOf(form);
    if (!segs.some((s) => s.kind === 'blank')) {
      problems.push('The template has no blank: add one with [___] or [12].');
    }
  }
  return problems;
}
