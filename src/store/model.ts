// The model picker's state: which shipped models there are, the user's choice (saved apart from
// the form, so "reset settings" leaves it alone; a share link that names a model switches to it
// the way the picker does), and what a switch told the user.
// The worker decides which model actually loads (the choice, or the device's default); the store
// only asks and mirrors its answer.
import type { ModelEntry } from '../runtime/models';
import type { EngineView } from './reducer';
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

export const optionOf = ({ name, downloadBytes, description }: ModelEntry): ModelOption => ({
  name,
  downloadBytes,
  description,
});

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

/**
 * The model in use: the one the engine runs, else the one it is loading or was asked for; null
 * while the device's default is not known yet (a build with one model has only that one).
 */
export function currentModel(s: {
  engine: Pick<EngineView, 'status' | 'model' | 'progress'>;
  modelChoice: string | null;
  models: readonly ModelOption[];
}): string | null {
  if (s.engine.status === 'ready') return s.engine.model?.name ?? null;
  return s.engine.progress?.model ?? s.modelChoice ?? (s.models.length === 1 ? s.models[0].name : null);
}

/** The sentence for a switch: the user is told when it stopped their run (a link's run starts by itself). */
export function switchNote(to: string, stoppedRun: boolean, forLink = false): string | null {
  if (!stoppedRun) return null;
  return forLink
    ? `The run was stopped to switch to ${to} for the shared link; the link's run starts once it has loaded.`
    : `The run was stopped to switch to ${to}; press Generate once it has loaded.`;
}

/** Whether two models share a vocabulary, so a run shown from one still reads right with the other. */
export function sameVocabulary(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
