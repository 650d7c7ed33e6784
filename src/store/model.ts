// The model picker's state: which shipped models there are, the user's choice (saved apart from
// the form, so share links and "reset settings" leave it alone), and what a switch told the user.
// The worker decides which model actually loads (the choice, or the device's default); the store
// only asks and mirrors its answer.
import type { ModelEntry } from '../runtime/models';
import { parseModelChoice, type Parsed } from './schema';

export const MODEL_KEY = 'unmask:model:v1';

/** What the picker shows of a model. */
export type ModelOption = Pick<ModelEntry, 'name' | 'downloadBytes' | 'description'>;

export interface ModelSlice {
  models: ModelOption[];
  /** The user's choice; null = the device's default (the worker picks it, see runtime/models.ts). */
  modelChoice: string | null;
  /** What the last switch did (a run stopped, a saved choice dropped); cleared by the next run. */
  modelNote: string | null;
  setModel(name: string): void;
}

export const optionOf = ({ name, downloadBytes, description }: ModelEntry): ModelOption => ({ name, downloadBytes, description });

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadModelChoice(available: readonly string[]): Parsed<string | null> {
  let raw: unknown;
  try {
    const text = storage()?.getItem(MODEL_KEY);
    raw = text ? JSON.parse(text) : undefined;
  } catch {
    raw = 0; // unreadable: parseModelChoice reports it
  }
  return parseModelChoice(raw, available);
}

export function saveModelChoice(name: string): void {
  try {
    storage()?.setItem(MODEL_KEY, JSON.stringify(name));
  } catch {
    // quota or privacy mode: the choice lasts until the page closes
  }
}

/** The sentence for a switch: the user is told when it stopped their run. */
export function switchNote(to: string, stoppedRun: boolean): string | null {
  return stoppedRun ? `The run was stopped to switch to ${to}; press Generate once it has loaded.` : null;
}

/** Whether two models share a vocabulary, so a run shown from one still reads right with the other. */
export function sameVocabulary(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
