// Keeps what the user typed across reloads and crashes (localStorage). What comes back is checked
// against the form's schema: a saved value of the wrong shape is replaced by its default and
// reported, never passed on to the UI.
import { DEFAULT_FORM, type FormState } from './form';
import { cloneForm, parseForm, type Parsed } from './schema';

export const FORM_KEY = 'unmask:form:v1';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled; the app still works, it just forgets
  }
}

export function loadSavedForm(): Parsed<FormState> {
  let raw: string | null | undefined;
  try {
    raw = storage()?.getItem(FORM_KEY);
  } catch {
    raw = null;
  }
  if (!raw) return { value: cloneForm(DEFAULT_FORM), problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { value: cloneForm(DEFAULT_FORM), problems: ['The saved form was not readable; using the defaults.'] };
  }
  return parseForm(json);
}

export function saveForm(form: FormState): void {
  try {
    storage()?.setItem(FORM_KEY, JSON.stringify(form));
  } catch {
    // quota or privacy mode: nothing to do
  }
}

/** The default form with the user's text kept: prompt, template and the mode that shows it. */
export function resetKeepingText(form: Partial<FormState> | null | undefined): FormState {
  const keep = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  return {
    ...cloneForm(DEFAULT_FORM),
    mode: form?.mode === 'fill' || form?.mode === 'prompt' ? form.mode : DEFAULT_FORM.mode,
    prompt: keep(form?.prompt, DEFAULT_FORM.prompt),
    template: keep(form?.template, DEFAULT_FORM.template),
  };
}
