// The app's state. It mirrors the worker's messages (the pure reducer in reducer.ts): the worker
// decides whether a run is going on, the store only records what it said. Form values live here
// too, so a crash or a reload loses nothing typed. Nothing happens at import: startApp() reads
// the saved form and the link, and connect() starts the engine.
import { create } from 'zustand';
import type { Denoised, SamplerSettings, Segment } from '../engine';
import { cancelled } from '../engine/objective';
import { measureLeaning, type Leaning, type LeaningOptions } from '../engine/leaning';
import { measureStep, measureTogether, type StepMate, type Together, type WeighedToken } from '../engine/together';
import type { BackendChoice } from '../runtime/types';
import type { EngineClient, EngineFactory } from '../worker/engineClient';
import { ACTIONS, messageOf } from '../runtime/errors';
import type { GenerateRequest, InspectRequest, Inspected, WorkerOut } from '../worker/protocol';
import { watchEngine } from '../worker/watchdog';
import { shippedModels } from '../runtime/modelFiles';
import { beginCompare, stopCompare } from './compare';
import { beginSweep, stopSweep } from './sweep';
import { DEFAULT_FORM, effectiveSettings, formProblems, segmentsOf, type FormState } from './form';
import {
  currentModel,
  loadModelChoice,
  optionOf,
  sameVocabulary,
  saveModelChoice,
  switchNote,
  type ModelSlice,
} from './model';
import {
  forgetSaveFailures,
  loadBeforeLink,
  loadSavedForm,
  loadSavedView,
  resetKeepingText,
  saveBeforeLink,
  saveForm,
  savesFailing,
  saveView,
} from './persist';
import { IDLE_ENGINE, INITIAL_SESSION, isBusy, reduce, type Pending, type SessionState } from './reducer';
import { reimagineRequest } from './edit';
import { givenTextOf, type RunView } from './run';
import { randomSeed } from './seed';
import { decodeShare } from './share';
import { cloneForm, DEFAULT_VIEW, type ViewPrefs } from './schema';
import { conn, freshConnection, refuseViewPasses, viewPass } from './connection';
import {
  keptLinkNotice,
  linkArrival,
  savedNotices,
  STORAGE_NOTICE,
  type FormNotice,
  type LinkedExplain,
} from './notices';

export type { EngineClient, EngineFactory } from '../worker/engineClient';
export type { CompareResult, CompareView } from './compare';
export type { SweepRow, SweepView } from './sweep';
export { currentRunNotices, isBusy, type EngineView, type Pending } from './reducer';
export type { FormNotice } from './notices';
export { engineConnection } from './connection';

export interface AppState extends SessionState, ModelSlice {
  /** What happened to the engine when it had to be restarted (shown until the next run starts). */
  engineNote: string | null;
  form: FormState;
  backendChoice: BackendChoice;
  /** Every notice that applies, at most one of each kind: a link's and the saved settings' show together. */
  notices: FormNotice[];
  /** How runs are shown (saved, never part of a run or a link). */
  viewPrefs: ViewPrefs;
  /** A link's explainer state, waiting for the link's run to end (src/ui/explain/LinkedView.tsx shows it). */
  linkedExplain: LinkedExplain;

  startApp(opts: { hash: string; clearHash?: () => void }): void;
  openLink(hash: string): boolean;
  /** The explainer views have shown the link's state; `problems`: what of it they could not show. */
  clearLinkedExplain(problems?: string[]): void;
  /** Dismisses the notice of that kind (all of them without one). */
  dismissNotice(kind?: FormNotice['kind']): void;
  /** Puts back the form a share link replaced (its run, if any, stays on screen). */
  restoreBeforeLink(): void;
  resetSettings(): void;
  setShowDraft(on: boolean): void;
  setForm(patch: Partial<FormState>): void;
  setSettings(patch: Partial<SamplerSettings>): void;
  connect(factory: EngineFactory, backend?: BackendChoice): void;
  retry(): void;
  /** Stops the model's download (the load under way); what was verified stays cached. */
  cancelLoad(): void;
  setBackendChoice(choice: BackendChoice): void;
  generate(): void;
  regenerate(): void;
  stop(): void;
  startCompare(): void;
  /** The cost of steps (sweep.ts): the form's run at several step counts, adaptive and left to right.
   * Returns why it did not start (the panel says so beside its button), or null. */
  startSweep(): string | null;
  setView(step: number | null): void;
  /** Masks `positions` of the last run again and lets the model fill them from both sides. */
  reimagine(positions: number[]): void;
  /** Brings back the text the last re-imagine replaced. */
  undo(): void;
  /** The inspector's pass (src/ui/explain): sent to the engine, answered to `onReply` alone (the run
   * is not touched; the engine refuses it during a run). Returns a function that stops waiting. */
  inspect(request: Omit<InspectRequest, 'type' | 'id'>, onReply: (m: Inspected | InspectRefusal) => void): () => void;
  /** The noise panel's pass (engine/objective.ts's DenoiseFn): rejects with the engine's refusal in
   * plain words (for instance while a run is going on). */
  denoise(noisy: Int32Array, targets: Int32Array, signal?: AbortSignal): Promise<Denoised>;
  /** What a written token leaned on (engine/leaning.ts), over `denoise`. Here, in the page's own code,
   * so that the inspector's and the noise panel's lazy chunks share no chunk a failed import could
   * keep (e2e/explain.spec.ts). */
  leaning(ids: Int32Array, slot: number, token: number, o: LeaningOptions): Promise<Leaning>;
  /** What a written token's step-mates change (engine/together.ts), over `denoise`; here for the same reason. */
  together(
    ids: Int32Array,
    slot: number,
    token: number,
    mates: readonly StepMate[],
    o: { maskId: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<Together>;
  /** Every token a step wrote, weighed alone and with the others (engine/together.ts). */
  weighStep(
    ids: Int32Array,
    written: readonly StepMate[],
    o: { maskId: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
  ): Promise<WeighedToken[]>;
}

export type InspectRefusal = Extract<WorkerOut, { type: 'error' }>;

/** Whether `patch` sets any field of `to` to another value. */
const changes = <T extends object>(to: T, patch: Partial<T>) =>
  (Object.keys(patch) as (keyof T)[]).some((k) => !Object.is(to[k], patch[k]));

export const useApp = create<AppState>()((set, get) => {
  /** Sends one generate request; the run exists for the UI only once 'started' comes back. */
  function send(segments: Segment[], settings: SamplerSettings, label: string | null): void {
    const mode = get().form.mode === 'prompt' ? 'prompt' : 'fill';
    sendGenerate(
      { segments, mode, settings },
      { settings, label, origin: { givenText: givenTextOf(segments), kept: null } },
    );
  }

  /** Why a comparison or a sweep may not start now (null: it may): it needs an idle, ready engine and a
   * form it can run (the form's problems are also shown as the run error, and announced). */
  function followUpRefusal(s: AppState): string | null {
    if (isBusy(s)) return 'A run is going on: wait for it to end, or stop it.';
    if (s.engine.status !== 'ready') return 'The model is not ready yet.';
    return refuseForm(problemsOf(s));
  }

  /** The form's problems as the run error, announced; null (and nothing said) when it has none. */
  function refuseForm(problems: string[]): string | null {
    if (problems.length === 0) return null;
    const text = problems.join(' ');
    set({ runError: text, announcement: text });
    return text;
  }

  /** The one path a generate takes to the worker (runs, comparisons, re-imagines). */
  function sendGenerate(request: GenerateRequest, pending: Omit<Pending, 'runId'>, extra: Partial<AppState> = {}) {
    if (!conn.client) return;
    const runId = conn.nextId++;
    set({ pending: { runId, ...pending }, runError: null, view: null, modelNote: null, engineNote: null, ...extra });
    conn.client.send({ type: 'generate', id: runId, request });
  }

  /** The worker died or hung: end what it was doing, keep everything typed, start a new one once. */
  function engineDied(cause: string) {
    applyWaitingFrames(); // the stopped run keeps every frame that arrived
    const s = get();
    const running = s.run?.status === 'running' ? s.run : null;
    const stoppedAt = running ? ` The run stopped at step ${running.frames.length} of ${running.totalSteps}.` : '';
    const base = {
      run: running ? { ...running, status: 'cancelled' as const } : s.run,
      pending: null,
      compare: stopCompare(s.compare),
      sweep: stopSweep(s.sweep),
    };
    // A start that stalled while opening the engine: with several threads ORT waits there for its thread
    // workers, and a browser that never starts one leaves it waiting for good (seen in Firefox, online
    // and offline, about 1 load in 25). One thread needs no thread workers, so the new worker starts on one.
    // WebGPU's device is asked for there too, and some browsers never answered; so a start that stalled
    // opening WebGPU goes on WASM (for this page: the Backend setting shows it and can change it back).
    const stalledOpening = s.engine.status === 'loading' && s.engine.progress?.phase === 'session';
    const oneThread = stalledOpening && conn.maxThreads !== 1;
    if (oneThread) conn.maxThreads = 1;
    const offGpu = stalledOpening && s.engine.progress?.backend === 'webgpu';
    // The page restarts a dead engine by itself once. An engine on WebGPU that dies a second time (a GPU
    // pass that never returns is not always reported as a lost device, and a wedged GPU then hangs the
    // restart's warm-up too) is restarted once more, on WASM: the GPU is the likely cause. WASM is never
    // that second restart, so the restarts end.
    const againOnGpu = conn.restarts >= 1 && (offGpu || s.engine.backend === 'webgpu');
    if (conn.restarts < 1 || againOnGpu) {
      conn.restarts++;
      const toWasm = offGpu || againOnGpu;
      const how = toWasm ? (oneThread ? ' on WASM and one thread' : ' on WASM') : oneThread ? ' on one thread' : '';
      const needs = toWasm ? (oneThread ? 'neither the GPU nor extra threads' : 'no GPU') : 'no extra threads';
      const what = againOnGpu
        ? 'stopped responding again on WebGPU'
        : how
          ? 'did not finish starting'
          : 'stopped responding';
      const slower = how ? `: slower, but it needs ${needs} from the browser` : '';
      const note = `The engine ${what} (${cause}), so it was restarted${how}${slower}.${stoppedAt} Your text and settings are kept.`;
      set({ ...base, engineNote: note });
      open(toWasm ? 'wasm' : s.backendChoice, note);
      return;
    }
    // Given up: end this worker too, so that a late reply cannot bring it back unwatched, and answer
    // the views' passes it owed. Retry (or a backend or model change) starts a new one.
    conn.unsubscribe?.();
    conn.unsubscribe = null;
    conn.client?.terminate();
    conn.client = null;
    refuseViewPasses('The engine stopped responding before it answered.');
    const message = `The engine stopped responding again (${cause}).${stoppedAt}`;
    set({
      ...base,
      engineNote: null,
      engine: {
        ...s.engine,
        status: 'error',
        progress: null,
        error: { code: 'internal', message, action: 'Press Retry to start it again, or reload the page' },
      },
      announcement: `Error: ${message}`,
    });
  }

  // Frames that arrived since the page last painted: a page that falls behind renders only the latest
  // (one store update per animation frame), while the run keeps every frame for the timeline. Without
  // requestAnimationFrame (Node tests) each frame is applied at once.
  const waitingFrames: { m: WorkerOut; at: number }[] = [];
  let paintScheduled = false;

  function applyWaitingFrames() {
    paintScheduled = false;
    if (waitingFrames.length === 0) return;
    let state: SessionState = get();
    for (const f of waitingFrames.splice(0)) state = reduce(state, f.m, f.at).state;
    if (state !== get()) set(state);
  }

  function onMessage(m: WorkerOut) {
    if (m.type === 'frame' && typeof requestAnimationFrame === 'function') {
      waitingFrames.push({ m, at: performance.now() });
      if (!paintScheduled) {
        paintScheduled = true;
        requestAnimationFrame(applyWaitingFrames);
      }
      return;
    }
    applyWaitingFrames(); // anything else comes after the frames before it
    handleMessage(m);
  }

  function handleMessage(m: WorkerOut) {
    const { state, then } = reduce(get(), m, performance.now());
    if (state !== get()) set(state);
    if (m.type === 'ready' && m.id === state.engine.loadId && conn.piecesBeforeSwitch) {
      // Token ids of the old model's run would read as other words with a new vocabulary.
      if (!sameVocabulary(conn.piecesBeforeSwitch, m.model.pieces)) set({ run: null, view: null, compare: null });
      conn.piecesBeforeSwitch = null;
    }
    // A run the restarted worker finished: it works again, and may be restarted again if it dies.
    if (m.type === 'done') conn.restarts = 0;
    if (then?.kind === 'generate') get().generate();
    else if (then?.kind === 'send') send(then.run.segments, then.run.settings, then.run.label);
  }

  /** The one way into loading. `newWorker`: end the old worker and start another (a first start, a
   * retry, a restart, a backend change); otherwise the worker that is ready loads the model itself
   * (it stops its run, which ends 'cancelled', and releases the old model). */
  function enterLoading(choice: BackendChoice, newWorker: boolean, announcement: string) {
    refuseViewPasses('The engine reloaded (the backend or the model changed, or it restarted) before it answered.');
    if (newWorker || !conn.client) {
      if (!conn.factory) return;
      conn.unsubscribe?.();
      conn.client?.terminate();
      conn.client = conn.unsubscribe = null;
      let client: EngineClient;
      try {
        client = conn.factory();
      } catch (err) {
        // new Worker() throws where the page has no origin of its own (a sandboxed frame, a file): said
        // here, with Retry, rather than a blank page or a button that does nothing.
        failedToStart(err, choice, newWorker);
        return;
      }
      conn.client = watchEngine(client, engineDied);
      conn.unsubscribe = conn.client.subscribe(onMessage);
    }
    const loadId = conn.nextId++;
    set({
      ...workStopped(get(), choice, newWorker),
      engine: { ...IDLE_ENGINE, status: 'loading', loadId },
      announcement,
    });
    const model = get().modelChoice;
    conn.client.send({
      type: 'load',
      id: loadId,
      backend: choice,
      ...(model !== null ? { model } : {}),
      ...(conn.maxThreads !== null ? { threads: conn.maxThreads } : {}),
    });
  }

  /** What a (re)load ends: the request waiting for an answer, a comparison or sweep, and a run the old
   * worker was running (`newWorker`; the worker that loads by itself stops its run, which ends 'cancelled'). */
  function workStopped(s: AppState, choice: BackendChoice, newWorker: boolean): Partial<AppState> {
    return {
      backendChoice: choice,
      pending: null,
      compare: stopCompare(s.compare),
      sweep: stopSweep(s.sweep),
      run: newWorker && s.run?.status === 'running' ? { ...s.run, status: 'failed' } : s.run,
    };
  }

  function failedToStart(err: unknown, choice: BackendChoice, newWorker: boolean) {
    const message = `This browser would not start the page's engine (a Web Worker): ${messageOf(err)}`;
    set({
      ...workStopped(get(), choice, newWorker),
      engine: {
        ...IDLE_ENGINE,
        status: 'error',
        loadId: conn.nextId++,
        error: { code: 'internal', message, action: ACTIONS.ownTab },
      },
      announcement: `Error: ${message}`,
    });
  }

  function open(choice: BackendChoice, why?: string) {
    enterLoading(choice, true, why ? `${why} Loading the model…` : 'Loading the model…');
  }

  /** The picker's switch; `forLink`: a share link asked for it and will run once it has loaded. */
  function switchModel(name: string, forLink: boolean): void {
    const s = get();
    if (!s.models.some((m) => m.name === name)) return;
    saveModelChoice(name);
    const current = s.engine.progress?.model ?? s.engine.model?.name;
    if (name === current && s.engine.status !== 'error') {
      set({ modelChoice: name });
      return;
    }
    conn.piecesBeforeSwitch = s.engine.model?.pieces ?? null;
    const stopped = s.pending !== null || s.run?.status === 'running';
    set({ modelChoice: name, modelNote: switchNote(name, stopped, forLink) });
    // Loading or failed: a fresh worker, so nothing of the other load is left behind.
    const fresh = s.engine.status !== 'ready';
    enterLoading(
      s.backendChoice,
      fresh,
      fresh ? 'Loading the model…' : `${stopped ? 'Run stopped. ' : ''}Loading ${name}…`,
    );
  }

  function problemsOf(s: AppState): string[] {
    return formProblems(s.form, s.engine.model?.context);
  }

  return {
    form: cloneForm(DEFAULT_FORM),
    backendChoice: 'auto',
    ...INITIAL_SESSION,
    notices: [],
    viewPrefs: { ...DEFAULT_VIEW },
    models: [],
    modelChoice: null,
    modelNote: null,
    engineNote: null,
    linkedExplain: null,

    startApp({ hash, clearHash }) {
      const saved = loadSavedForm();
      const view = loadSavedView();
      const problems = [...saved.problems, ...view.problems];
      const models = shippedModels().models.map(optionOf);
      const choice = loadModelChoice(models.map((m) => m.name));
      const kept = loadBeforeLink();
      set({
        models,
        modelChoice: choice.value,
        modelNote: choice.problems[0] ?? null,
        form: saved.value,
        viewPrefs: view.value,
        notices: [...savedNotices(problems), ...(kept ? [keptLinkNotice(kept, saved.value)] : [])],
      });
      // Every change to the form is saved at once: nothing typed is lost to a crash or a reload.
      conn.stopSaving?.();
      conn.stopSaving = useApp.subscribe((state, prev) => {
        if (state.form !== prev.form) saveForm(state.form);
        if (state.viewPrefs !== prev.viewPrefs) saveView(state.viewPrefs);
        if (state.notices !== prev.notices) {
          const link = state.notices.find((n) => n.kind === 'link');
          saveBeforeLink(link?.before ? { before: link.before, setByLink: link.setByLink } : null);
        }
        if (savesFailing() && !conn.toldStorage) {
          conn.toldStorage = true; // once: a dismissed notice stays dismissed
          set({ notices: [...get().notices, STORAGE_NOTICE] });
        }
      });
      // A share link is read once: later edits are saved locally, and a reload should not undo them.
      if (get().openLink(hash)) clearHash?.();
    },
    openLink(hash) {
      const s = get();
      const current = currentModel(s);
      const link =
        hash.length > 1 ? decodeShare(hash, s.form, { available: s.models.map((m) => m.name), current }) : null;
      if (!link) return false;
      const { what, notice, linkedExplain } = linkArrival(s, link, current);
      set({
        form: link.form,
        notices: [...s.notices.filter((n) => n.kind !== 'link'), notice],
        announcement: notice.message,
        linkedExplain,
        runError: null, // about the form the link replaced
      });
      // Run what the link describes once the model is ready (at once if it already is).
      if (link.model !== null && link.model !== current) {
        // Another model: the picker's path (a run going on is stopped), and the run once it has loaded.
        set({ autoRun: true });
        switchModel(link.model, true);
        const loading = get().announcement;
        if (loading !== what) set({ announcement: `${what} ${loading}` });
      } else if (s.engine.status === 'ready' && !isBusy(s)) {
        get().generate();
      } else {
        set({ autoRun: true }); // once the model is ready, or once the run going on has ended
      }
      return true;
    },
    clearLinkedExplain(problems = []) {
      const notices = get().notices.map((n) =>
        n.kind === 'link' && problems.length ? { ...n, problems: [...n.problems, ...problems] } : n,
      );
      set({ linkedExplain: null, notices });
    },
    dismissNotice(kind) {
      set({ notices: kind ? get().notices.filter((n) => n.kind !== kind) : [] });
    },
    restoreBeforeLink() {
      const s = get();
      const before = s.notices.find((n) => n.kind === 'link')?.before;
      if (!before) return;
      set({
        form: cloneForm(before),
        notices: s.notices.filter((n) => n.kind !== 'link'),
        linkedExplain: null,
        autoRun: false,
        runError: null,
        modelNote: null,
        announcement: 'Your text and settings from before the link are back.',
      });
    },
    resetSettings() {
      set({ form: resetKeepingText(get().form), viewPrefs: { ...DEFAULT_VIEW }, notices: [], runError: null });
    },
    setShowDraft(on) {
      set({ viewPrefs: { ...get().viewPrefs, showDraft: on } });
    },
    // An edit answers the last refusal (or makes it stale): its message goes, the next Generate judges
    // anew. A patch that changes nothing (a blur, the tour setting the mode it has) keeps it.
    setForm(patch) {
      const form = get().form;
      if (changes(form, patch)) set({ form: { ...form, ...patch }, runError: null });
    },
    setSettings(patch) {
      const form = get().form;
      if (changes(form.settings, patch))
        set({ form: { ...form, settings: { ...form.settings, ...patch } }, runError: null });
    },
    connect(f, backend = 'auto') {
      conn.factory = f;
      conn.restarts = 0;
      open(backend);
    },
    retry() {
      conn.restarts = 0; // the user asked: the page may restart it by itself once more
      open(get().backendChoice);
    },
    cancelLoad() {
      const { engine } = get();
      if (engine.status !== 'loading' || !conn.client) return;
      conn.client.send({ type: 'cancel', id: conn.nextId++, runId: engine.loadId });
    },
    setBackendChoice(choice) {
      conn.restarts = 0; // the visitor chose: a new start, which the page may restart once by itself
      open(choice);
    },
    setModel(name) {
      switchModel(name, false);
    },
    generate() {
      const s = get();
      if (isBusy(s) || s.engine.status !== 'ready') return;
      if (refuseForm(problemsOf(s)) !== null) return;
      set({ compare: null });
      send(segmentsOf(s.form), effectiveSettings(s.form).settings, null);
    },
    regenerate() {
      const s = get();
      if (isBusy(s) || s.engine.status !== 'ready') return;
      // A form that cannot run keeps the seed the user set: generate() then says what is wrong.
      if (problemsOf(s).length === 0) get().setSettings({ seed: randomSeed() });
      get().generate();
    },
    stop() {
      set({ compare: stopCompare(get().compare), sweep: stopSweep(get().sweep) });
      const s = get();
      const runId = s.pending?.runId ?? (s.run?.status === 'running' ? s.run.runId : null);
      if (runId !== null && conn.client) conn.client.send({ type: 'cancel', id: conn.nextId++, runId });
    },
    startCompare() {
      const s = get();
      if (followUpRefusal(s) !== null) return;
      const { compare, run } = beginCompare(segmentsOf(s.form), effectiveSettings(s.form).settings);
      set({ compare });
      send(run.segments, run.settings, run.label);
    },
    startSweep() {
      const s = get();
      const refused = followUpRefusal(s);
      if (refused !== null) return refused;
      const { sweep, run } = beginSweep(segmentsOf(s.form), effectiveSettings(s.form).settings);
      set({ sweep, compare: null });
      send(run.segments, run.settings, run.label);
      return null;
    },
    setView(step) {
      set({ view: step });
    },
    reimagine(positions) {
      const s = get();
      if (isBusy(s) || s.engine.status !== 'ready' || !s.run || s.run.status === 'running') return;
      const req = reimagineRequest(s.run, positions, effectiveSettings(s.form).settings, randomSeed());
      if (!req) return;
      sendGenerate(
        { ids: req.ids, fixed: req.fixed, settings: req.settings },
        { settings: req.settings, label: null, origin: req.origin, edits: s.run },
        { compare: null },
      );
    },
    inspect(request, onReply) {
      const id = conn.nextId++;
      return viewPass({ type: 'inspect', id, ...request }, 'inspected', onReply, (why) =>
        onReply({
          type: 'error',
          id,
          code: 'busy',
          message: why,
          action: 'It is asked again once the model has loaded',
        }),
      );
    },
    denoise(noisy, targets, signal) {
      const request = { type: 'denoise' as const, id: conn.nextId++, ids: noisy, targets };
      return new Promise<Denoised>((resolve, reject) => {
        if (signal?.aborted) return reject(cancelled('The forward pass'));
        let stop = () => undefined as void;
        // Given up: the worker skips the pass if it has not started.
        const onAbort = () => (stop(), reject(cancelled('The forward pass')));
        const settle = (f: () => void) => (signal?.removeEventListener('abort', onAbort), f());
        signal?.addEventListener('abort', onAbort, { once: true });
        stop = viewPass(
          request,
          'denoised',
          (m) =>
            settle(() =>
              m.type === 'denoised'
                ? resolve(m)
                : reject(new Error(m.action ? `${m.message} ${m.action}.` : m.message)),
            ),
          (why) => settle(() => reject(new Error(why))),
        );
      });
    },
    leaning(ids, slot, token, o) {
      return measureLeaning((n, t, a) => get().denoise(n, t, a), ids, slot, token, o);
    },
    together(ids, slot, token, mates, o) {
      return measureTogether((n, t, a) => get().denoise(n, t, a), ids, slot, token, mates, o);
    },
    weighStep(ids, written, o) {
      return measureStep((n, t, a) => get().denoise(n, t, a), ids, written, o);
    },
    undo() {
      const s = get();
      const previous: RunView | undefined = s.history.at(-1);
      if (!previous || isBusy(s)) return;
      set({
        run: previous,
        history: s.history.slice(0, -1),
        view: null,
        announcement: 'Undone: the text before the last re-imagine is back.',
      });
    },
  };
});

/** Back to a page that has just loaded: the worker ended, the connection and every field fresh (for tests). */
export function resetApp(): void {
  conn.stopSaving?.();
  conn.unsubscribe?.();
  conn.client?.terminate();
  Object.assign(conn, freshConnection());
  forgetSaveFailures();
  useApp.setState(useApp.getInitialState(), true);
}
