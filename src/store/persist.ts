// Keeps what the user typed and how they like to watch across reloads and crashes (localStorage).
// What comes back is checked against its schema: a saved value of the wrong shape is replaced by
// its default and reported, never passed on to the UI.
import { DEFAULT_FORM, type FormState } from './form';
import {
  cloneForm,
  DEFAULT_TOUR,
  DEFAULT_VIEW,
  parseForm,
  parseTourPrefs,
  parseViewPrefs,
  type Parsed,
  type TourPrefs,
  type ViewPrefs,
} from './schema';

export const FORM_KEY = 'unmask:form:v1';
export const VIEW_KEY = 'unmask:view:v1';
export const TOUR_KEY = 'unmask:tour:v1';
export const BEFORE_LINK_KEY = 'unmask:before-link:v1';

/** The keys whose last save failed (storage turned off, or full): the page then says so. */
const failing = new Set<string>();

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage can be disabled; the app still works, it just forgets
  }
}

/** The parsed JSON under `key`: undefined when nothing is saved, `unreadable` when it is not JSON. */
function readSaved(key: string): { json: unknown } | 'unreadable' {
  let raw: string | null | undefined;
  try {
    raw = storage()?.getItem(key);
  } catch {
    raw = null;
  }
  if (!raw) return { json: undefined };
  try {
    return { json: JSON.parse(raw) };
  } catch {
    return 'unreadable';
  }
}

function save(key: string, value: unknown): void {
  const st = storage();
  if (!st) {
    // No localStorage at all (Node) is not a failure; one the browser refuses to open is. `in` reads
    // no getter, so a blocked storage cannot throw here.
    if ('localStorage' in globalThis) failing.add(key);
    return;
  }
  try {
    st.setItem(key, JSON.stringify(value));
    failing.delete(key);
  } catch {
    failing.add(key); // quota or privacy mode: the app goes on, and the page tells the user
  }
}

/** Whether the last save of anything failed (then what is typed now is lost on a reload). */
export function savesFailing(): boolean {
  return failing.size > 0;
}

/** Forgets past failures (a fresh page, for tests). */
export function forgetSaveFailures(): void {
  failing.clear();
}

export function loadSavedForm(): Parsed<FormState> {
  const saved = readSaved(FORM_KEY);
  if (saved === 'unreadable')
    return { value: cloneForm(DEFAULT_FORM), problems: ['The saved form was not readable; using the defaults.'] };
  return parseForm(saved.json);
}

export function saveForm(form: FormState): void {
  save(FORM_KEY, form);
}

export function loadSavedView(): Parsed<ViewPrefs> {
  const saved = readSaved(VIEW_KEY);
  if (saved === 'unreadable')
    return {
      value: { ...DEFAULT_VIEW },
      problems: ['The saved view preferences were not readable; using the defaults.'],
    };
  return parseViewPrefs(saved.json);
}

export function saveView(view: ViewPrefs): void {
  save(VIEW_KEY, view);
}

export function loadSavedTour(): Parsed<TourPrefs> {
  const saved = readSaved(TOUR_KEY);
  if (saved === 'unreadable')
    return { value: { ...DEFAULT_TOUR }, problems: ['The saved tour was not readable; starting afresh.'] };
  return parseTourPrefs(saved.json);
}

export function saveTour(tour: TourPrefs): void {
  save(TOUR_KEY, tour);
}

/** The form a share link replaced (and the form it set), kept until it is put back or dismissed: the
 * link's form is saved at once, so without this a reload would lose the way back to what was typed. */
export interface BeforeLink {
  before: FormState;
  setByLink?: FormState;
}

export function loadBeforeLink(): BeforeLink | null {
  const saved = readSaved(BEFORE_LINK_KEY);
  if (saved === 'unreadable' || typeof saved.json !== 'object' || saved.json === null) return null;
  const { before, setByLink } = saved.json as { before?: unknown; setByLink?: unknown };
  if (typeof before !== 'object' || before === null) return null;
  return {
    before: parseForm(before).value,
    ...(typeof setByLink === 'object' && setByLink !== null ? { setByLink: parseForm(setByLink).value } : {}),
  };
}

/** Saves the way back, or forgets it (null) once it is used or dismissed. */
export function saveBeforeLink(kept: BeforeLink | null): void {
  if (kept) return save(BEFORE_LINK_KEY, kept);
  try {
    storage()?.removeItem(BEFORE_LINK_KEY);
  } catch {
    // storage turned off: nothing was kept either
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
