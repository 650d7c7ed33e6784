// The worker's brain, kept apart from `self` so Node tests can drive it: it owns the tokenizer,
// the ORT session and the one run that may be going on, and answers WorkerIn with WorkerOut.
//
// Runs: one at a time. A 'generate' that arrives while a run is going on replaces it: the running
// one is aborted (it ends with 'cancelled' before its next forward pass) and the new one starts
// right after. A request is validated when it arrives, so a bad one gets 'bad-request' at once and
// leaves the current run alone. 'generate' before the model is ready gets 'busy' (loading) or
// 'bad-request' (no 'load' was sent).
import {
  buildCanvas,
  maskedCount,
  normalizeSettings,
  plannedSteps,
  unmask,
  type Canvas,
  type SamplerSettings,
} from '../engine';
import { chooseBackend, warmUp, withWasmFailover, type Failover, type GpuLike } from '../runtime/backend';
import type { ModelConfig } from '../runtime/config';
import { ACTIONS, RuntimeError, messageOf } from '../runtime/errors';
import type { ShippedFile } from '../runtime/modelFiles';
import type { FileSpec, LoadedFile, Progress } from '../runtime/modelStore';
import { configureOrt, openSession, type Ort } from '../runtime/session';
import { loadTokenizer, type TextTokenizer } from '../runtime/tokenizer';
import type { BackendChoice, GenerateRequest, WorkerIn, WorkerOut } from './protocol';

export interface HostDeps {
  ort: Ort;
  post(msg: WorkerOut): void;
  /** The shipped model's config and file specs (throws on a broken config). */
  shipped(): { config: ModelConfig; files: { model: ShippedFile; tokenizer: ShippedFile } };
  loadFile(spec: FileSpec, onProgress: Progress): Promise<LoadedFile>;
  pruneCache(keep: FileSpec[]): Promise<unknown>;
  gpu: GpuLike | undefined;
  threads: number;
  now(): number;
}

interface Loaded {
  config: ModelConfig;
  tokenizer: TextTokenizer;
  failover: Failover;
}

interface Prepared {
  runId: number;
  canvas: Canvas;
  settings: SamplerSettings;
  masked: number;
}

interface Running {
  runId: number;
  abort: AbortController;
  finished: Promise<void>;
}

function errorOut(err: unknown, runId?: number): WorkerOut {
  if (err instanceof RuntimeError) return { type: 'error', runId, code: err.code, message: err.message, action: err.action };
  return { type: 'error', runId, code: 'internal', message: messageOf(err), action: ACTIONS.reload };
}

export function createHost(deps: HostDeps): { handle(msg: WorkerIn): void; idle(): Promise<void> } {
  let model: Loaded | null = null;
  let loading: Promise<void> | null = null;
  // True from the start of a load until its model is in place (ready is posted after that):
  // a generate in that window would be queued for a model that is about to go away.
  let swapping = false;
  let running: Running | null = null;
  let queued: Prepared | null = null;
  let ortConfigured = false;
  let chain: Promise<void> = Promise.resolve();

  async function load(choice: BackendChoice): Promise<void> {
    swapping = true;
    if (running) running.abort.abort();
    if (queued) {
      deps.post({ type: 'cancelled', runId: queued.runId });
      queued = null;
    }
    await running?.finished;
    const old = model;
    model = null;
    await old?.failover.release();

    const { config, files } = deps.shipped();
    const total = files.tokenizer.bytes + files.model.bytes;
    // One progress bar for both files: the tokenizer's bytes first, then the model's.
    const progressFrom = (offset: number): Progress => (phase, loaded) =>
      deps.post({ type: 'progress', phase, loaded: offset + loaded, total });
    const tokFile = await deps.loadFile(files.tokenizer, progressFrom(0));
    const modelFile = await deps.loadFile(files.model, progressFrom(files.tokenizer.bytes));

    let tokenizer: TextTokenizer;
    try {
      tokenizer = loadTokenizer(new TextDecoder().decode(tokFile.data), config.vocab_size);
    } catch (err) {
      throw new RuntimeError('internal', `The tokenizer could not be read: ${messageOf(err)}`, ACTIONS.reload, { cause: err });
    }

    if (!ortConfigured) {
      configureOrt(deps.ort, deps.threads);
      ortConfigured = true;
    }
    deps.post({ type: 'progress', phase: 'session', loaded: 0, total: 1 });
    const V = config.vocab_size;
    const open = (b: 'webgpu' | 'wasm') => openSession(deps.ort, modelFile.data, b, V);
    const check = (s: Awaited<ReturnType<typeof open>>) => warmUp(s, config.special_ids.mask, config.context, V);
    const { session, reason } = await chooseBackend(choice, { gpu: deps.gpu, open, warmUp: check });
    const failover = withWasmFailover(
      session,
      async () => {
        const s = await open('wasm');
        await check(s);
        return s;
      },
      (why) =>
        deps.post({
          type: 'notice',
          message: `${why}. The model now runs on WASM (slower); the run goes on.`,
          backend: 'wasm',
          reason: `${why}; switched to WASM`,
        }),
    );
    if (session.backend === 'webgpu') {
      // ORT's typings say Promise<GPUDevice>; after the first session 1.30 hands the device itself.
      void (async () => {
        const device = (await deps.ort.env.webgpu.device) as unknown as { lost: Promise<{ message: string; reason?: string }> };
        const info = await device.lost;
        // A device destroyed on purpose (a reload released the session) is not a failure.
        if ((model as Loaded | null)?.failover === failover && info.reason !== 'destroyed') failover.deviceLost(info.message || 'unknown reason');
      })().catch(() => undefined);
    }
    deps.post({ type: 'progress', phase: 'session', loaded: 1, total: 1 });

    model = { config, tokenizer, failover };
    swapping = false;
    const notStored = [tokFile, modelFile].find((f) => !f.stored);
    void deps.pruneCache([files.tokenizer, files.model]).catch(() => undefined);
    deps.post({
      type: 'ready',
      backend: session.backend,
      reason,
      model: {
        name: config.name,
        vocabSize: V,
        context: config.context,
        params: config.params,
        pieces: tokenizer.pieces(),
        maskId: config.special_ids.mask,
        fromCache: tokFile.fromCache && modelFile.fromCache,
      },
    });
    if (notStored) {
      deps.post({
        type: 'notice',
        message: `The model could not be saved for offline use (${notStored.storeError ?? 'unknown reason'}); it will be downloaded again next time.`,
      });
    }
  }

  function prepare(req: GenerateRequest, m: Loaded): Prepared {
    try {
      const { mask } = m.config.special_ids;
      const canvas = buildCanvas(req.segments, m.tokenizer.encode, mask, m.config.context);
      const masked = maskedCount(canvas.fixed);
      if (masked === 0) throw new Error('There is nothing to generate: add a length, or a blank such as [___] to the text');
      const { settings, warnings } = normalizeSettings(req.settings ?? {}, masked);
      for (const w of warnings) deps.post({ type: 'notice', message: w });
      return { runId: req.runId, canvas, settings, masked };
    } catch (err) {
      throw new RuntimeError('bad-request', messageOf(err), 'Change the prompt or the settings and try again');
    }
  }

  async function run(p: Prepared, m: Loaded): Promise<void> {
    const abort = new AbortController();
    let resolveFinished!: () => void;
    running = { runId: p.runId, abort, finished: new Promise((r) => (resolveFinished = r)) };
    const totalSteps = plannedSteps(p.masked, p.settings);
    deps.post({ type: 'started', runId: p.runId, ids: p.canvas.ids.slice(), fixed: p.canvas.fixed.slice(), totalSteps });
    const t0 = deps.now();
    let steps = 0;
    let ids = p.canvas.ids;
    try {
      for await (const frame of unmask(p.canvas, m.failover.logits, p.settings, m.config.special_ids, abort.signal)) {
        steps++;
        ids = frame.ids;
        deps.post({ type: 'frame', runId: p.runId, frame });
        // ORT's run() settles with microtasks only, so without a macrotask turn a queued `cancel`
        // (or replacing `generate`) message would not be read until the whole run had ended.
        await new Promise((r) => setTimeout(r, 0));
      }
      if (abort.signal.aborted) {
        deps.post({ type: 'cancelled', runId: p.runId });
      } else {
        const totalMs = deps.now() - t0;
        deps.post({
          type: 'done',
          runId: p.runId,
          text: m.tokenizer.decode(ids),
          ids: ids.slice(),
          stats: {
            steps,
            forwardPasses: steps,
            totalMs,
            msPerStep: steps > 0 ? totalMs / steps : 0,
            tokensPerSecond: totalMs > 0 ? (p.masked / totalMs) * 1000 : 0,
            generatedTokens: p.masked,
          },
        });
      }
    } catch (err) {
      deps.post(errorOut(err, p.runId));
    } finally {
      running = null;
      resolveFinished();
    }
  }

  /** Starts queued runs one after the other until none is left. */
  async function drain(): Promise<void> {
    while (queued && model) {
      const next = queued;
      queued = null;
      await run(next, model);
    }
  }

  function handle(msg: WorkerIn): void {
    switch (msg.type) {
      case 'load': {
        if (loading) {
          deps.post({ type: 'error', code: 'busy', message: 'The model is already loading.', action: 'Wait for it to finish' });
          return;
        }
        loading = load(msg.backend)
          .catch((err) => {
            swapping = false;
            deps.post(errorOut(err));
          })
          .finally(() => {
            loading = null;
          });
        chain = chain.then(() => loading ?? undefined);
        return;
      }
      case 'generate': {
        const req = msg.request;
        // While a load is under way (even one still waiting for the old run to stop) the model is
        // about to change: answer now rather than queue a request that nothing would start.
        if (!model || swapping) {
          deps.post(
            loading
              ? { type: 'error', runId: req.runId, code: 'busy', message: 'The model is still loading.', action: 'Wait until it is ready' }
              : { type: 'error', runId: req.runId, code: 'bad-request', message: 'No model is loaded.', action: ACTIONS.reload },
          );
          return;
        }
        let prepared: Prepared;
        try {
          prepared = prepare(req, model);
        } catch (err) {
          deps.post(errorOut(err, req.runId));
          return;
        }
        if (queued) deps.post({ type: 'cancelled', runId: queued.runId });
        queued = prepared;
        if (running) {
          running.abort.abort();
          return; // drain() of the running one picks the queued request up.
        }
        chain = chain.then(drain);
        return;
      }
      case 'cancel': {
        if (queued?.runId === msg.runId) {
          queued = null;
          deps.post({ type: 'cancelled', runId: msg.runId });
        } else if (running?.runId === msg.runId) {
          running.abort.abort();
        }
        return;
      }
      default:
        deps.post({
          type: 'error',
          code: 'bad-request',
          message: `Unknown message type ${JSON.stringify((msg as { type?: unknown }).type)}`,
          action: ACTIONS.reload,
        });
    }
  }

  return {
    handle,
    /** Resolves when nothing is loading, running or queued (for tests). */
    async idle() {
      for (;;) {
        const c = chain;
        await c;
        if (c === chain && !loading && !running && !queued) return;
      }
    },
  };
}
