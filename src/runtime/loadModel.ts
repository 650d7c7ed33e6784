// Loading a shipped model into a running engine: which model (the one asked for, else the
// device's default), both files (one progress bar), the tokenizer, the backend choice with its
// warm-up, the failover to WASM, and the watch on a lost GPU device. The worker host only
// schedules loads; everything about how a model comes to run lives here.
import {
  askOnce,
  chooseBackend,
  ortBuildFor,
  warmUp,
  withWasmFailover,
  type Failover,
  type GpuLike,
  type OrtBuild,
} from './backend';
import type { ModelConfig } from './config';
import { ACTIONS, RuntimeError, messageOf } from './errors';
import { classifyEngineFailure } from './failure';
import { resolveModel, type ModelEntry } from './models';
import type { FileSpec, LoadedFile, Progress } from './modelStore';
import { configureOrt, openSession, type LogitsSession, type Ort } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { markLoad } from './loadMarks';
import { ortWasmSpec, provideOrtWasm } from './wasmBinary';
import type { Backend, BackendChoice } from './types';

export interface LoaderDeps {
  /** ORT itself (Node), or an import of the build a load needs (the worker: each build brings its
   * own wasm, and a device downloads only the one it runs; see backend.ts, ortBuildFor). */
  ort: Ort | ((build: OrtBuild) => Promise<Ort>);
  /** The models this build ships (see models.ts); a load picks one of them. */
  models(): ModelEntry[];
  loadFile(spec: FileSpec, onProgress: Progress, signal?: AbortSignal): Promise<LoadedFile>;
  pruneCache(keep: FileSpec[]): Promise<unknown>;
  gpu: GpuLike | undefined;
  threads: number;
  /** Whether the browser believes it is online (a failed engine start offline is a network failure). */
  online?(): boolean;
}

/** The load's phases as the bar names them: files over the network, files from the cache, the session. */
export type LoadPhase = 'download' | 'cache' | 'session';

/** What a file is to the user: the model (its weights and tokenizer) or the engine (ORT's wasm). */
export type LoadPart = 'model' | 'engine';

export interface LoadDetails {
  /** In the session phase, the backend whose session is being opened (a stall there is the GPU's or
   * ORT's thread workers', and the page restarts accordingly). */
  backend?: Backend;
  /** In the file phases, the bytes that came over the network so far. */
  downloaded?: number;
  /** In the file phases, what is coming over the network (the label names it). */
  downloading?: LoadPart[];
}

export interface LoadEvents {
  /** Which model this load fetches, before its first byte; `note` when it is not the one asked for. */
  chose?(name: string, note: string | null): void;
  /** `more`: see LoadDetails. */
  progress(phase: LoadPhase, loaded: number, total: number, more?: LoadDetails): void;
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
  /** Which verified file could not be saved for offline use, and why, when one could not. */
  notStored: { what: string; why: string } | null;
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

/** One progress bar over files that load at the same time: each file's reporter, by size. */
function sharedBar(files: { bytes: number; part: LoadPart }[], report: LoadEvents['progress']): Progress[] {
  const sizes = files.map((f) => f.bytes);
  const loaded = sizes.map(() => 0);
  // Where each file comes from, once it says. While any file downloads, the bar is the download's: a
  // file read from the cache leaves it (the wasm may be cached while the model downloads, and
  // "Downloading … 17 of 25 MB" would count the cache's bytes), one not yet begun stays in it.
  const from = sizes.map((): 'download' | 'cache' | null => null);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return sizes.map((size, i) => (phase, n) => {
    loaded[i] = Math.min(n, size);
    if (from[i] !== 'download') from[i] = phase;
    const downloading = from.includes('download');
    const counted = (_: number, j: number) => !downloading || from[j] !== 'cache';
    const parts = new Set(files.filter((_, j) => from[j] === 'download').map((f) => f.part));
    report(downloading ? 'download' : phase, sum(loaded.filter(counted)), sum(sizes.filter(counted)), {
      downloaded: sum(loaded.filter((_, j) => from[j] === 'download')),
      downloading: (['model', 'engine'] as const).filter((p) => parts.has(p)),
    });
  });
}

/** The tokenizer, with the tables the ready message carries (every piece, every id's bytes) built now. */
function readTokenizer(data: Uint8Array, vocabSize: number): TextTokenizer {
  try {
    const tokenizer = loadTokenizer(new TextDecoder().decode(data), vocabSize);
    tokenizer.pieces();
    tokenizer.bytes();
    markLoad('tokenizer read');
    return tokenizer;
  } catch (err) {
    throw new RuntimeError('corrupt-model', 'The tokenizer file could not be read: it is damaged', ACTIONS.corrupt, {
      cause: err,
    });
  }
}

/** What a worker loads once and keeps for its life: ORT's build and its wasm. Each part is null until asked
 * for and null again after a failure or a cancel, so that Retry tries once more (`forget`). */
interface EngineState {
  /** ORT's build, imported by the worker's first load (the one the device needs then); a backend switch
   * in the settings starts a new worker. */
  ort: { build: OrtBuild; module: Promise<Ort> } | null;
  /** ORT's wasm, handed over once (ORT reads it at its first session). */
  wasm: Promise<void> | null;
  wasmDone: boolean;
  /** Why the wasm could not be kept in the cache (quota, private mode); null when it was, or is not ours. */
  wasmNotStored: string | null;
  /** The wasm's progress goes to the bar of the load now under way (a Retry can find it downloading). */
  wasmProgress: Progress;
  /** The WASM threads ORT was configured with at its first session (it reads them once); null before. */
  threads: number | null;
}

const freshEngine = (): EngineState => ({
  ort: null,
  wasm: null,
  wasmDone: false,
  wasmNotStored: null,
  wasmProgress: () => undefined,
  threads: null,
});

/** A load's three files as they arrived, or the first failure. */
interface Fetched {
  tokenizer: LoadedFile;
  model: LoadedFile;
}

export function createModelLoader(deps: LoaderDeps): {
  load(
    choice: BackendChoice,
    model: string | null,
    events: LoadEvents,
    signal?: AbortSignal,
    maxThreads?: number,
  ): Promise<LoadedModel>;
} {
  const engine = freshEngine();

  function importOrt(build: OrtBuild): NonNullable<EngineState['ort']> {
    const module = typeof deps.ort === 'function' ? deps.ort(build) : Promise.resolve(deps.ort);
    const entry = {
      build,
      module: module.catch((err: unknown) => {
        if (engine.ort === entry) engine.ort = null;
        throw new RuntimeError(
          'download-failed',
          `The engine (onnxruntime-web's ${build} build) could not be loaded: ${messageOf(err)}`,
          ACTIONS.retryDownload,
          { cause: err },
        );
      }),
    };
    return entry;
  }

  /** Phase 1, resolve: which model (the one asked for, else the device's default) and which ORT build. */
  async function resolve(choice: BackendChoice, model: string | null, events: LoadEvents) {
    const models = deps.models();
    if (models.length === 0)
      throw new RuntimeError('internal', 'This version of the app has no usable model', ACTIONS.reload);
    const gpu = askOnce(deps.gpu);
    // The adapter is only asked for when it could change the answer.
    const found = models.some((m) => m.name === model);
    const bigModel = !found && models.length > 1 && choice !== 'wasm' && (await gpuLooksUsable(gpu));
    const { entry, note } = resolveModel(models, model, bigModel);
    events.chose?.(entry.name, note);
    engine.ort ??= importOrt(await ortBuildFor(choice, gpu));
    markLoad(`ort ${engine.ort.build} build`);
    return { models, entry, gpu, ort: engine.ort };
  }

  /** Phase 2, fetch: the tokenizer, the model and ORT's wasm at the same time (cache reads and hashing
   * run off this thread), under one progress bar over the sum of their bytes; `signal` stops them all. */
  async function fetchFiles(
    entry: ModelEntry,
    ort: NonNullable<EngineState['ort']>,
    events: LoadEvents,
    signal?: AbortSignal,
  ): Promise<Fetched> {
    const { files } = entry;
    const wasmSpec = engine.wasmDone ? null : ortWasmSpec(ort.build);
    // After a failure nothing more is reported: the other files may still be arriving.
    let failed = false;
    const report: LoadEvents['progress'] = (...args) => {
      if (!failed) events.progress(...args);
    };
    const [tokBar, modelBar, wasmBar] = sharedBar(
      [
        { bytes: files.tokenizer.bytes, part: 'model' },
        { bytes: files.model.bytes, part: 'model' },
        { bytes: wasmSpec?.bytes ?? 0, part: 'engine' },
      ],
      report,
    );
    engine.wasmProgress = wasmBar;
    // The wasm is read while ORT's chunk is imported, not after.
    engine.wasm ??= provideOrtWasm(
      ort.module,
      (phase, loaded, total) => engine.wasmProgress(phase, loaded, total),
      undefined,
      wasmSpec,
      signal,
    ).then(
      (file) => {
        engine.wasmDone = true;
        engine.wasmNotStored = file && !file.stored ? (file.storeError ?? 'unknown reason') : null;
        markLoad('wasm provided');
      },
      (err: unknown) => {
        engine.wasm = null;
        throw err;
      },
    );
    // A cancelled wasm download must not be what the next load waits for.
    const wasm = engine.wasm;
    signal?.addEventListener('abort', () => {
      if (engine.wasm === wasm && !engine.wasmDone) engine.wasm = null;
    });
    try {
      const [tokenizer, model] = await Promise.all([
        deps.loadFile(files.tokenizer, tokBar, signal),
        deps.loadFile(files.model, modelBar, signal),
        engine.wasm,
      ]);
      return { tokenizer, model };
    } catch (err) {
      failed = true;
      throw err;
    }
  }

  /** Phase 3, open the backend: the session on the chosen backend with its warm-up, and the tokenizer
   * read meanwhile. */
  async function openBackend(
    choice: BackendChoice,
    threads: number,
    config: ModelConfig,
    build: OrtBuild,
    ort: Ort,
    gpu: GpuLike | undefined,
    files: Fetched,
    events: LoadEvents,
  ) {
    if (engine.threads === null) {
      configureOrt(ort, threads);
      engine.threads = threads;
    }
    events.progress('session', 0, 1);
    const V = config.vocab_size;
    // `report`: a load's progress. The WASM session that takes over a failed GPU pass mid-run is no
    // load, and a progress message then would show the page "loading" again with nothing to end it.
    const open = async (b: Backend, report = true) => {
      // Only a second load in the same worker, asking for WebGPU after a start on WASM, gets here.
      if (b === 'webgpu' && build === 'wasm' && typeof deps.ort === 'function') {
        throw new Error("this engine started with onnxruntime-web's WASM build; reload the page to try WebGPU");
      }
      if (report) events.progress('session', 0, 1, { backend: b });
      markLoad(`${b} session create`);
      const s = await openSession(ort, files.model.data, b, V);
      markLoad(`${b} session created`);
      return s;
    };
    const check = async (s: LogitsSession) => {
      await warmUp(s, config.special_ids.mask, config.context, V);
      markLoad(`${s.backend} warmed up`);
    };
    const starting = chooseBackend(choice, { gpu, open, warmUp: check });
    starting.catch(() => undefined); // awaited below, after the tokenizer
    // Let ORT get as far as compiling its wasm (off this thread), then read the tokenizer meanwhile.
    await new Promise((r) => setTimeout(r, 0));
    let tokenizer: TextTokenizer;
    try {
      tokenizer = readTokenizer(files.tokenizer.data, config.vocab_size);
    } catch (err) {
      void starting.then(
        (c) => c.session.release(),
        () => undefined,
      );
      throw err;
    }
    try {
      const chosen = await starting;
      return { ...chosen, tokenizer, open, check };
    } catch (err) {
      throw classifyEngineFailure(err, deps.online?.() ?? true);
    }
  }

  /** Phase 4, watch the device: WASM takes over a failing GPU pass, and a lost GPU device. */
  function watchDevice(
    ort: Ort,
    session: LogitsSession,
    reopen: () => Promise<LogitsSession>,
    events: LoadEvents,
  ): { failover: Failover; release(): Promise<void> } {
    let released = false;
    const failover = withWasmFailover(session, reopen, (why) => events.switchedToWasm(why));
    if (session.backend === 'webgpu') {
      // ORT's typings say Promise<GPUDevice>; after the first session 1.30 hands the device itself.
      void (async () => {
        const device = (await ort.env.webgpu.device) as unknown as {
          lost: Promise<{ message: string; reason?: string }>;
        };
        const info = await device.lost;
        // A device destroyed on purpose (a reload released the session) is not a failure.
        if (!released && info.reason !== 'destroyed') failover.deviceLost(info.message || 'unknown reason');
      })().catch(() => undefined);
    }
    return {
      failover,
      async release() {
        released = true;
        await failover.release();
      },
    };
  }

  /** `model`: a name from models(), or null for the device's default. `signal` cancels the download; what
   * was already verified and stored stays in the cache, and a later load starts again. `maxThreads` caps
   * the WASM threads of a worker's first session (the page asks for 1 after a start that stalled). */
  async function load(
    choice: BackendChoice,
    model: string | null,
    events: LoadEvents,
    signal?: AbortSignal,
    maxThreads?: number,
  ): Promise<LoadedModel> {
    markLoad('load start');
    const { models, entry, gpu, ort: ortImport } = await resolve(choice, model, events);
    const files = await fetchFiles(entry, ortImport, events, signal);
    const ort = await ortImport.module;
    const threads = Math.max(1, Math.min(deps.threads, maxThreads ?? deps.threads));
    const opened = await openBackend(choice, threads, entry.config, ortImport.build, ort, gpu, files, events);
    const { session, reason, tokenizer } = opened;
    const watched = watchDevice(
      ort,
      session,
      async () => {
        const s = await opened.open('wasm', false);
        await opened.check(s);
        return s;
      },
      events,
    );
    events.progress('session', 1, 1);
    markLoad('loaded');

    // The engine's wasm counts too: without it the app cannot start offline.
    const unsaved = (what: string, f: LoadedFile) =>
      f.stored ? [] : [{ what, why: f.storeError ?? 'unknown reason' }];
    const notStored = [
      ...unsaved('The model', files.model),
      ...unsaved("The model's tokenizer", files.tokenizer),
      ...(engine.wasmNotStored === null ? [] : [{ what: 'The engine', why: engine.wasmNotStored }]),
    ];
    // Files of every model in this build stay (each works offline once used); older ones go.
    void deps.pruneCache(models.flatMap((m) => [m.files.tokenizer, m.files.model])).catch(() => undefined);
    return {
      config: entry.config,
      tokenizer,
      failover: watched.failover,
      backend: session.backend,
      reason,
      fromCache: files.tokenizer.fromCache && files.model.fromCache,
      notStored: notStored[0] ?? null,
      threads: engine.threads ?? threads,
      release: watched.release,
    };
  }

  return { load };
}
