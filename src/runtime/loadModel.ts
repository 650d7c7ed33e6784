// Loading a shipped model into a running engine: which model (the one asked for, else the
// device's default), both files (one progress bar), the tokenizer, the backend choice with its
// warm-up, the failover to WASM, and the watch on a lost GPU device. The worker host only
// schedules loads; everything about how a model comes to run lives here.
import { chooseBackend, warmUp, withWasmFailover, type Failover, type GpuLike } from './backend';
import type { ModelConfig } from './config';
import { ACTIONS, RuntimeError } from './errors';
import { classifyEngineFailure } from './failure';
import { resolveModel, type ModelEntry } from './models';
import type { FileSpec, LoadedFile, Progress } from './modelStore';
import { configureOrt, openSession, type LogitsSession, type Ort } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { provideOrtWasm } from './wasmBinary';
import type { Backend, BackendChoice } from './types';

export interface LoaderDeps {
  ort: Ort;
  /** The models this build ships (see models.ts); a load picks one of them. */
  models(): ModelEntry[];
  loadFile(spec: FileSpec, onProgress: Progress): Promise<LoadedFile>;
  pruneCache(keep: FileSpec[]): Promise<unknown>;
  gpu: GpuLike | undefined;
  threads: number;
  /** Whether the browser believes it is online (a failed engine start offline is a network failure). */
  online?(): boolean;
}

export interface LoadEvents {
  /** Which model this load fetches, before its first byte; `note` when it is not the one asked for. */
  chose?(name: string, note: string | null): void;
  progress(phase: 'download' | 'cache' | 'session', loaded: number, total: number): void;
  /** The model moved to WASM mid-use (GPU failure or lost device). */
  switchedToWasm(why: string): void;
}

export interface LoadedModel {
  config: ModelConfig;
  tokenizer: TextTokenizer;
  failover: Failover;
  backend: Backend;
  reason: string;
  fromCache: boolean;
  /** Why a verified file could not be saved for offline use, when one could not. */
  notStored: string | null;
  threads: number;
  release(): Promise<void>;
}

/** Whether WebGPU is worth a model that is only quick there: a real (not software) adapter. */
async function gpuLooksUsable(gpu: GpuLike | undefined): Promise<boolean> {
  try {
    const adapter = await gpu?.requestAdapter();
    return Boolean(adapter) && !(adapter?.info?.isFallbackAdapter ?? adapter?.isFallbackAdapter ?? false);
  } catch {
    return false;
  }
}

export function createModelLoader(deps: LoaderDeps): {
  load(choice: BackendChoice, model: string | null, events: LoadEvents): Promise<LoadedModel>;
} {
  let ortConfigured = false;

  /** `model`: a name from models(), or null for the device's default. */
  async function load(choice: BackendChoice, model: string | null, events: LoadEvents): Promise<LoadedModel> {
    const models = deps.models();
    if (models.length === 0) throw new RuntimeError('internal', 'This version of the app has no usable model', ACTIONS.reload);
    // The adapter is only asked for when it could change the answer.
    const found = models.some((m) => m.name === model);
    const gpu = !found && models.length > 1 && choice !== 'wasm' && (await gpuLooksUsable(deps.gpu));
    const { entry, note } = resolveModel(models, model, gpu);
    events.chose?.(entry.name, note);
    const { config, files } = entry;
    const total = files.tokenizer.bytes + files.model.bytes;
    // One progress bar for both files: the tokenizer's bytes first, then the model's.
    const progressFrom = (offset: number): Progress => (phase, loaded) => events.progress(phase, offset + loaded, total);
    const tokFile = await deps.loadFile(files.tokenizer, progressFrom(0));
    const modelFile = await deps.loadFile(files.model, progressFrom(files.tokenizer.bytes));

    let tokenizer: TextTokenizer;
    try {
      tokenizer = loadTokenizer(new TextDecoder().decode(tokFile.data), config.vocab_size);
    } catch (err) {
      throw new RuntimeError('corrupt-model', 'The tokenizer file could not be read: it is damaged', ACTIONS.corrupt, { cause: err });
    }

    if (!ortConfigured) {
      // ORT's wasm, downloaded once by us with byte progress (the bar goes on after the model's).
      await provideOrtWasm(deps.ort, (phase, loaded, size) => events.progress(phase, total + loaded, total + size));
      configureOrt(deps.ort, deps.threads);
      ortConfigured = true;
    }
    events.progress('session', 0, 1);
    const V = config.vocab_size;
    const open = (b: Backend) => openSession(deps.ort, modelFile.data, b, V);
    const check = (s: LogitsSession) => warmUp(s, config.special_ids.mask, config.context, V);
    let chosen;
    try {
      chosen = await chooseBackend(choice, { gpu: deps.gpu, open, warmUp: check });
    } catch (err) {
      throw classifyEngineFailure(err, deps.online?.() ?? true);
    }
    const { session, reason } = chosen;
    let released = false;
    const failover = withWasmFailover(
      session,
      async () => {
        const s = await open('wasm');
        await check(s);
        return s;
      },
      (why) => events.switchedToWasm(why),
    );
    if (session.backend === 'webgpu') {
      // ORT's typings say Promise<GPUDevice>; after the first session 1.30 hands the device itself.
      void (async () => {
        const device = (await deps.ort.env.webgpu.device) as unknown as { lost: Promise<{ message: string; reason?: string }> };
        const info = await device.lost;
        // A device destroyed on purpose (a reload released the session) is not a failure.
        if (!released && info.reason !== 'destroyed') failover.deviceLost(info.message || 'unknown reason');
      })().catch(() => undefined);
    }
    events.progress('session', 1, 1);

    const notStored = [tokFile, modelFile].find((f) => !f.stored);
    // Files of every model in this build stay (each works offline once used); older ones go.
    void deps.pruneCache(models.flatMap((m) => [m.files.tokenizer, m.files.model])).catch(() => undefined);
    return {
      config,
      tokenizer,
      failover,
      backend: session.backend,
      reason,
      fromCache: tokFile.fromCache && modelFile.fromCache,
      notStored: notStored ? (notStored.storeError ?? 'unknown reason') : null,
      threads: deps.threads,
      async release() {
        released = true;
        await failover.release();
      },
    };
  }

  return { load };
}
