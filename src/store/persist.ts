// Keeps what the user typed across reloads and crashes (localStorage), and reads the form a page
// opens with: a share link in the hash wins over what was saved.
import { DEFAULT_FORM, type FormState } from './form';
import { decodeShare } from './share';

const KEY = 'unmask:form:v1';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled; the app still works, it just forgets
  }
}

export function loadSavedForm(): FormState {
  const raw = storage()?.getItem(KEY);
  if (!raw) return { ...DEFAULT_FORM, settings: { ...DEFAULT_FORM.settings } };
  try {
    const saved = JSON.parse(raw) as Partial<FormState>;
    return {
      ...DEFAULT_FORM,
      ...saved,
      settings: { ...DEFAULT_FORM.settings, ...(saved.settings ?? {}) },
    };
  } catch {
    return { ...DEFAULT_FORM, settings: { ...DEFAULT_FORM.settings } };
  }
}

export function saveForm(form: FormState): void {
  try {
    storage()?.setItem(KEY, JSON.stringify(form));
  } catch {
    // quota or privacy mode: nothing to do
  }
}

/** The form to open with, and whether it came from a share link (which then runs once ready). */
export function initialForm(hash: string): { form: FormState; fromLink: boolean } {
  const saved = loadSavedForm();
  const shared = hash.length > 1 ? decodeShare(hash, saved) : null;
  return shared ? { form: shared, fromLink: true } : { form: saved, fromLink: false };
}
