// The worker's brain, kept apart from `self` so Node tests can drive it: a scheduler over an
// explicit state (idle | loading | ready | running), one function per transition. Loading itself
// (files, tokenizer, backend, failover) is the runtime's job (src/runtime/loadModel.ts).
//
// Runs: one at a time. A 'generate' that arrives while a run is going on replaces it: the running
// one is aborted (it ends with 'cancelled' before its next forward pass) and the new one starts
// right after. A request is validated when it arrives, so a bad one gets 'bad-request' at once and
// leaves the current run alone. 'generate' before the model is ready gets 'busy' (loading) or
// 'bad-request' (no 'load' was sent). Every reply names the request it answers (see protocol.ts).
// 'pace' and 'step' (tests only) set how runs wait before each step, in any state (pace.ts).
// 'inspect' (the inspector) runs one pass on a canvas it is given while the model is ready, never
// during a run ('busy'); a run or a load that arrives meanwhile waits for that pass to end. 'denoise'
// (the noise panel) is such a pass too, on a passage the page masked.
import { inspectPass } from '../engine/inspect';
import { scoreRows } from '../engine/objective';
import {
  buildCanvas,
  maskedCount,
  normalizeSettings,
  plannedSteps,
  unmask,
  type Canvas,
  type SamplerSettings,
} from '../engine';
import { ACTIONS, RuntimeError, messageOf } from '../runtime/errors';
import { samplerIds } from '../runtime/config';
import { createModelLoader, type LoadedModel, type LoaderDeps } from '../runtime/loadModel';
import type { BackendChoice } from '../runtime/types';
import { createPacer } from './pace';
import type { DenoiseRequest, GenerateRequest, InspectRequest, WorkerIn, WorkerOut } from './protocol';
import { parseWorkerIn } from './validate';

export interface HostDeps extends LoaderDeps {
  post(msg: WorkerOut): void;
  now(): number;
}

interface Prepared {
  id: number;
  canvas: Canvas;
  settings: SamplerSettings;
  masked: number;
}

interface Run {
  id: number;
  abort: AbortController;
  finished: Promise<void>;
}

export type HostState =
  | { kind: 'idle' }
  | { kind: 'loading'; id: number; abort: AbortController }
  | { kind: 'ready'; model: LoadedModel; loadId: number }
  | { kind: 'running'; model: LoadedModel; loadId: number; run: Run; queued: Prepared | null };

/** A re-imagine canvas: the given ids where fixed, [MASK] everywhere else. Throws a sentence for
 * the user when it cannot run on this model. */
function idCanvas(ids: Int32Array, fixed: Uint8Array, model: LoadedModel): Canvas {
  const { config } = model;
  if (ids.length !== fixed.length) throw new Error(`The canvas has ${ids.length} ids but ${fixed.length} fixed flags`);
  if (ids.length > config.context)
    throw new Error(`The canvas has ${ids.length} tokens but the model reads at most ${config.context}`);
  const out = Int32Array.from(ids);
  for (let i = 0; i < out.length; i++) {
    if (!fixed[i]) out[i] = config.special_ids.mask;
    else if (out[i] < 0 || out[i] >= config.vocab_size || out[i] === config.special_ids.mask) {
      throw new Error(`Token ${i + 1} of the canvas (id ${out[i]}) is not a token the model can keep`);
    }
  }
  return { ids: out, fixed: Uint8Array.from(fixed, (f) => (f ? 1 : 0)) };
}

function errorOut(err: unknown, id: number): WorkerOut {
  if (err instanceof RuntimeError) {
    return { type: 'error', id, code: err.code, message: err.message, action: err.action, detail: err.detail };
  }
  return {
    type: 'error',
    id,
    code: 'internal',
    message: 'The engine stopped with an unexpected error',
    action: ACTIONS.reload,
    detail: messageOf(err),
  };
}

export function createHost(deps: HostDeps): {
  handle(raw: unknown): void;
  idle(): Promise<void>;
  state(): HostState['kind'];
} {
  const loader = createModelLoader(deps);
  let state: HostState = { kind: 'idle' };
  // Every piece of work the host starts, so idle() can wait for all of it.
  let chain: Promise<void> = Promise.resolve();
  const track = (p: Promise<void>) => {
    chain = chain.then(() => p);
  };
  const post = deps.post;
  const pacer = createPacer();
  // The views' passes, one after another: a run or a load starts once the one going on has ended.
  let viewPassQueue: Promise<void> = Promise.resolve();
  // Passes waiting their turn, and those of them the page cancelled (skipped at their turn).
  const queuedPasses = new Set<number>();
  const forgottenPasses = new Set<number>();

  // --- transitions -------------------------------------------------------------------------

  /** any but loading → loading: stops what runs, releases the old model, loads the new one. */
  function startLoad(id: number, choice: BackendChoice, modelName: string | null, maxThreads?: number): void {
    const prev = state;
    const abort = new AbortController();
    state = { kind: 'loading', id, abort };
    track(
      (async () => {
        if (prev.kind === 'running') {
          prev.run.abort.abort();
          if (prev.queued) post({ type: 'cancelled', id: prev.queued.id });
          await prev.run.finished;
        }
        await viewPassQueue;
        if (prev.kind === 'ready' || prev.kind === 'running') await prev.model.release();
        let chosen: string | undefined;
        const model = await loader.load(
          choice,
          modelName,
          {
            chose: (name, note) => {
              chosen = name;
              if (note) post({ type: 'notice', id, message: note });
            },
            progress: (phase, loaded, total, more) =>
              post({ type: 'progress', id, phase, loaded, total, model: chosen, ...more }),
            switchedToWasm: (why) =>
              post({
                type: 'notice',
                id: state.kind === 'running' ? state.run.id : id,
                message: `${why}. The model now runs on WASM (slower); the run goes on.`,
                backend: 'wasm',
                reason: `${why}; switched to WASM`,
              }),
          },
          abort.signal,
          maxThreads,
        );
        // Cancelled once the files were in: the session opened all the same (ORT cannot stop that).
        if (abort.signal.aborted) {
          await model.release();
          throw new Error('cancelled');
        }
        loaded(id, model);
      })().catch((err) => (abort.signal.aborted ? loadCancelled(id) : loadFailed(id, err))),
    );
  }

  /** loading → idle, by the page's cancel: what was downloaded and verified stays in the cache. */
  function loadCancelled(id: number): void {
    if (state.kind === 'loading' && state.id === id) state = { kind: 'idle' };
    post({ type: 'cancelled', id });
  }

  /** loading → ready. */
  function loaded(id: number, model: LoadedModel): void {
    state = { kind: 'ready', model, loadId: id };
    const { config, tokenizer } = model;
    post({
      type: 'ready',
      id,
      backend: model.backend,
      reason: model.reason,
      model: {
        name: config.name,
        vocabSize: config.vocab_size,
        context: config.context,
        params: config.params,
        pieces: tokenizer.pieces(),
        bytes: tokenizer.bytes(),
        maskId: config.special_ids.mask,
        fromCache: model.fromCache,
        threads: model.threads,
      },
    });
    if (model.notStored !== null) {
      post({
        type: 'notice',
        id,
        message: `${model.notStored.what} could not be saved for offline use (${model.notStored.why}); it will be downloaded again next time.`,
      });
    }
  }

  /** loading → idle. */
  function loadFailed(id: number, err: unknown): void {
    state = { kind: 'idle' };
    post(errorOut(err, id));
  }

  /** ready → running. */
  function startRun(p: Prepared): void {
    if (state.kind !== 'ready') return;
    let finish!: () => void;
    const run: Run = { id: p.id, abort: new AbortController(), finished: new Promise((r) => (finish = r)) };
    const { model, loadId } = state;
    state = { kind: 'running', model, loadId, run, queued: null };
    track(
      execute(p, run, model).finally(() => {
        finish();
        runEnded(run);
      }),
    );
  }

  /** running → ready, or → running the queued request. */
  function runEnded(run: Run): void {
    // A load may have taken over meanwhile: then the state is no longer this run's.
    if (state.kind !== 'running' || state.run !== run) return;
    const next = state.queued;
    state = { kind: 'ready', model: state.model, loadId: state.loadId };
    if (next) startRun(next);
  }

  /** running → running (replaced): queue the new request and stop the current one. */
  function replaceRun(p: Prepared): void {
    if (state.kind !== 'running') return;
    if (state.queued) post({ type: 'cancelled', id: state.queued.id });
    state.queued = p;
    state.run.abort.abort();
  }

  // --- the work of one run -----------------------------------------------------------------

  function prepare(id: number, req: GenerateRequest, model: LoadedModel): Prepared {
    try {
      const { mask, eos, pad } = model.config.special_ids;
      const canvas =
        'ids' in req
          ? idCanvas(req.ids, req.fixed, model)
          : buildCanvas(req.segments, model.tokenizer.encode, mask, model.config.context, req.mode, {
              '[EOS]': eos,
              '[PAD]': pad,
            });
      const masked = maskedCount(canvas.fixed);
      if (masked === 0)
        throw new Error('There is nothing to generate: add a length, or a blank such as [___] to the text');
      const { settings, warnings } = normalizeSettings(req.settings ?? {}, masked);
      for (const w of warnings) post({ type: 'notice', id, message: w });
      return { id, canvas, settings, masked };
    } catch (err) {
      throw new RuntimeError('bad-request', messageOf(err), ACTIONS.changeRequest);
    }
  }

  async function execute(p: Prepared, run: Run, model: LoadedModel): Promise<void> {
    await viewPassQueue;
    const totalSteps = plannedSteps(p.masked, p.settings);
    post({ type: 'started', id: p.id, ids: p.canvas.ids.slice(), fixed: p.canvas.fixed.slice(), totalSteps });
    const t0 = deps.now();
    // Counted where the passes run: a failed WebGPU pass retried on WASM is two.
    const passesBefore = model.failover.passes();
    const { signal } = run.abort;
    let steps = 0;
    let ids = p.canvas.ids;
    try {
      const special = samplerIds(model.config);
      await pacer.wait(signal);
      for await (const frame of unmask(p.canvas, model.failover.logits, p.settings, special, signal)) {
        steps++;
        ids = frame.ids.slice(); // the frame's own buffers go to the page (transfer.ts)
        post({ type: 'frame', id: p.id, frame });
        // ORT's run() settles with microtasks only, so without a macrotask turn a queued `cancel`
        // (or replacing `generate`) message would not be read until the whole run had ended.
        await macrotask();
        if (frame.step < frame.totalSteps) await pacer.wait(signal);
      }
      if (signal.aborted) {
        post({ type: 'cancelled', id: p.id });
        return;
      }
      const totalMs = deps.now() - t0;
      post({
        type: 'done',
        id: p.id,
        text: model.tokenizer.decode(ids),
        ids: ids.slice(),
        stats: {
          steps,
          forwardPasses: model.failover.passes() - passesBefore,
          totalMs,
          msPerStep: steps > 0 ? totalMs / steps : 0,
          tokensPerSecond: totalMs > 0 ? (p.masked / totalMs) * 1000 : 0,
          generatedTokens: p.masked,
        },
      });
    } catch (err) {
      // A stopped run ends 'cancelled' however it ended (a wait for the pace rejects on abort).
      post(signal.aborted ? { type: 'cancelled', id: p.id } : errorOut(err, p.id));
    }
  }

  // --- requests ----------------------------------------------------------------------------

  function onGenerate(id: number, req: GenerateRequest): void {
    // While a load is under way (even one still waiting for the old run to stop) the model is
    // about to change: answer now rather than queue a request that nothing would start.
    if (state.kind === 'loading') {
      post({ type: 'error', id, code: 'busy', message: 'The model is still loading.', action: ACTIONS.waitLoading });
      return;
    }
    if (state.kind === 'idle') {
      post({ type: 'error', id, code: 'bad-request', message: 'No model is loaded.', action: ACTIONS.reload });
      return;
    }
    let prepared: Prepared;
    try {
      prepared = prepare(id, req, state.model);
    } catch (err) {
      post(errorOut(err, id));
      return;
    }
    if (state.kind === 'running') replaceRun(prepared);
    else startRun(prepared);
  }

  function onCancel(runId: number): void {
    if (queuedPasses.has(runId)) {
      forgottenPasses.add(runId);
      return;
    }
    if (state.kind === 'loading' && state.id === runId) {
      state.abort.abort(); // the load ends 'cancelled' (loadCancelled) once its downloads have stopped
      return;
    }
    if (state.kind !== 'running') return;
    if (state.queued?.id === runId) {
      state.queued = null;
      post({ type: 'cancelled', id: runId });
    } else if (state.run.id === runId) {
      state.run.abort.abort();
    }
  }

  /** ready → ready: `work` (one forward pass for a view) after the views' earlier passes; refused
   * unless the model is ready, since a pass beside a run would slow it and a load would release it. */
  /** `whileRunning`: what the refusal during a run says of the pass (the inspector asks again by
   * itself; a view's pass is run again by its user). */
  function queuePass(msgId: number, whileRunning: string, work: (model: LoadedModel) => Promise<void>): void {
    const refusal = () =>
      state.kind === 'running'
        ? { code: 'busy' as const, message: `A run is going on: ${whileRunning}.`, action: '' }
        : state.kind === 'loading'
          ? { code: 'busy' as const, message: 'The model is still loading.', action: ACTIONS.waitLoading }
          : { code: 'bad-request' as const, message: 'No model is loaded.', action: ACTIONS.reload };
    if (state.kind !== 'ready') {
      post({ type: 'error', id: msgId, ...refusal() });
      return;
    }
    const { model } = state;
    queuedPasses.add(msgId);
    const next = viewPassQueue.then(async () => {
      queuedPasses.delete(msgId);
      // Checked again at its turn: a run or a load asked for since must not wait behind passes queued
      // before it (a scrubbed timeline queues one per step), and a pass the page gave up is skipped.
      // Each is still answered, so nothing stays owed (watchdog.ts).
      if (forgottenPasses.delete(msgId)) {
        post({ type: 'error', id: msgId, code: 'busy', message: 'Not run: the page no longer wanted it.', action: '' });
        return;
      }
      if (state.kind !== 'ready' || state.model !== model) {
        post({ type: 'error', id: msgId, ...refusal() });
        return;
      }
      try {
        await work(model);
      } catch (err) {
        post(errorOut(err, msgId));
      }
    });
    viewPassQueue = next;
    track(next);
  }

  function checkCanvas(ids: Int32Array, config: LoadedModel['config'], what: string): void {
    if (ids.length > config.context || ids.some((x) => x < 0 || x >= config.vocab_size))
      throw new RuntimeError('bad-request', `The canvas ${what} does not fit this model.`, ACTIONS.reload);
  }

  /** The inspector: one forward pass on the canvas it names, and the step's report on it. */
  function onInspect(msg: InspectRequest): void {
    queuePass(msg.id, 'the inspector waits for it to end', async (model) => {
      const { config } = model;
      const { ids, fixed, slot } = msg;
      const mask = config.special_ids.mask;
      checkCanvas(ids, config, 'to inspect');
      if (fixed[slot] || ids[slot] !== mask)
        throw new RuntimeError('bad-request', `Slot ${slot} is not masked on that canvas.`, ACTIONS.reload);
      const masked: number[] = [];
      for (let i = 0; i < ids.length; i++) if (!fixed[i] && ids[i] === mask) masked.push(i);
      const at = Int32Array.from(masked);
      const out = await model.failover.logits(ids.slice(), at.slice());
      const special = samplerIds(config);
      const report = inspectPass(out, ids, fixed, at, msg.settings ?? {}, special, msg.rngDraws);
      const j = masked.indexOf(slot);
      const vocab = out.length / masked.length;
      const row = out.slice(j * vocab, (j + 1) * vocab);
      post({ type: 'inspected', id: msg.id, slot, row, report, special });
    });
  }

  /** The noise panel: one forward pass on a masked passage, scored against the passage. */
  function onDenoise(msg: DenoiseRequest): void {
    queuePass(msg.id, 'this forward pass was not run', async (model) => {
      const { config } = model;
      checkCanvas(msg.ids, config, 'to denoise');
      checkCanvas(msg.targets, config, 'to score against');
      const masked: number[] = [];
      for (let i = 0; i < msg.ids.length; i++) if (msg.ids[i] === config.special_ids.mask) masked.push(i);
      const at = Int32Array.from(masked);
      const out = masked.length ? await model.failover.logits(msg.ids.slice(), at.slice()) : new Float32Array(0);
      const d = scoreRows(out, config.vocab_size, at, msg.targets);
      post({
        type: 'denoised',
        id: msg.id,
        positions: d.positions,
        nll: d.nll,
        guess: d.guess,
        guessProb: d.guessProb,
      });
    });
  }

  function handle(raw: unknown): void {
    const parsed = parseWorkerIn(raw);
    if (!parsed.ok) {
      post({ type: 'error', id: parsed.id, code: 'bad-request', message: parsed.problem, action: ACTIONS.reload });
      return;
    }
    const msg: WorkerIn = parsed.msg;
    switch (msg.type) {
      case 'load':
        if (state.kind === 'loading') {
          post({
            type: 'error',
            id: msg.id,
            code: 'busy',
            message: 'The model is already loading.',
            action: ACTIONS.waitLoad,
          });
        } else {
          startLoad(msg.id, msg.backend, msg.model ?? null, msg.threads);
        }
        return;
      case 'generate':
        onGenerate(msg.id, msg.request);
        return;
      case 'cancel':
        onCancel(msg.runId);
        return;
      case 'pace':
        pacer.setMode(msg.mode);
        return;
      case 'step':
        pacer.grant(msg.count);
        return;
      case 'inspect':
        onInspect(msg);
        return;
      case 'denoise':
        onDenoise(msg);
        return;
    }
  }

  return {
    handle,
    /** Resolves when nothing is loading, running or queued (for tests). */
    async idle() {
      for (;;) {
        const c = chain;
        await c;
        if (c === chain && state.kind !== 'loading' && state.kind !== 'running') return;
      }
    },
    state: () => state.kind,
  };
}

/** One turn of the event loop. Not setTimeout(0): timers nested five deep are clamped to 4 ms,
 * and every step's continuation runs inside the previous step's timer. A message is not clamped. */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}
