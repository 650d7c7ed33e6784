// The model picker's state: which shipped models there are, the user's choice (saved apart from
// the form, so "reset settings" leaves it alone; a share link that names a model switches to it
// the way the picker does), and what a switch told the user.
// The worker decides which model actually loads (the choice, or the device's default); the store
// only asks and mirrors its answer. What the device keeps of each model (and removing it) is a
// store of its own below, useDeviceStorage: it follows the Cache API, not the worker.
import { create } from 'zustand';
import {
  askPersistence,
  browserDeviceDeps,
  removeModelFiles,
  storageFacts,
  storedModels,
  type DeviceDeps,
  type StorageFacts,
  type StoredModelSpec,
} from '../runtime/deviceStorage';
import { shippedModels } from '../runtime/modelFiles';
import { messageOf } from '../runtime/errors';
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

/** What the last removal did: the bytes it freed, or why it failed. */
export type Removal = { name: string; inUse: boolean; freed: number } | { name: string; error: string };

export interface DeviceStorageState {
  /** Per model, whether all its files are on this device; null until checked, or where the Cache API is missing. */
  stored: Record<string, boolean> | null;
  /** Space the app uses and whether the browser keeps it; null where the browser does not say. */
  facts: StorageFacts | null;
  /** The model in use whose removal waits for the user's answer. */
  confirming: string | null;
  /** A removal under way (its buttons are off). */
  removing: string | null;
  removal: Removal | null;
  /** persist() is asked once per page, after a model came over the network and was stored. */
  persistAsked: boolean;
  checkStorage(): Promise<void>;
  /** The engine said ready: the files it downloaded are stored now, and the browser is asked to keep them. */
  modelReady(name: string, fromCache: boolean): Promise<void>;
  /** Remove pressed: the model in use asks first (it keeps running, but the next visit downloads it). */
  askRemove(name: string, inUse: boolean): void;
  keepModel(): void;
  removeModel(name: string, inUse: boolean): Promise<void>;
}

export interface DeviceStorageDeps {
  device(): DeviceDeps;
  models(): readonly StoredModelSpec[];
}

export const BROWSER_DEVICE_STORAGE: DeviceStorageDeps = {
  device: browserDeviceDeps,
  models: () => shippedModels().models,
};

export function createDeviceStorage(deps: DeviceStorageDeps = BROWSER_DEVICE_STORAGE) {
  // Checks can overlap (a load ends while a removal re-checks): only the latest one's answer is kept.
  let latest = 0;
  return create<DeviceStorageState>()((set, get) => {
    async function refresh(): Promise<void> {
      const id = ++latest;
      const device = deps.device();
      const [stored, facts] = await Promise.all([storedModels(deps.models(), device), storageFacts(device)]);
      if (id === latest) set({ stored, facts });
    }
    return {
      stored: null,
      facts: null,
      confirming: null,
      removing: null,
      removal: null,
      persistAsked: false,
      checkStorage: refresh,
      async modelReady(name, fromCache) {
        await refresh();
        // A cached load was asked about on the visit that downloaded it; asking each visit would
        // only repeat Firefox's prompt.
        if (fromCache || get().persistAsked || get().stored?.[name] !== true) return;
        set({ persistAsked: true });
        if ((await askPersistence(deps.device())) !== null) await refresh();
      },
      askRemove(name, inUse) {
        if (inUse) set({ confirming: name, removal: null });
        else void get().removeModel(name, false);
      },
      keepModel() {
        set({ confirming: null });
      },
      async removeModel(name, inUse) {
        const model = deps.models().find((m) => m.name === name);
        if (!model || get().removing !== null) return;
        set({ confirming: null, removing: name, removal: null });
        let removal: Removal;
        try {
          removal = { name, inUse, freed: await removeModelFiles(model, deps.device()) };
        } catch (err) {
          removal = { name, error: messageOf(err) };
        }
        await refresh();
        set({ removing: null, removal });
      },
    };
  });
}

/** The page's view of what this device stores (see createDeviceStorage). */
export const useDeviceStorage = createDeviceStorage();
