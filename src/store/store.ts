// The app's state. It mirrors the worker's messages: the worker decides whether a run is going
// on, the store only records what it said. Form values live here too, so a crash or a reload
// loses nothing typed.
import { create } from 'zustand';
import { DEFAULT_SETTINGS, type SamplerSettings, type Segment } from '../engine';
import type {
  Backend,
  BackendChoice,
  ErrorCode,
  ModelInfo,
  WorkerIn,
  WorkerOut,
} from '../worker/protocol';
import { effectiveSettings, formProblems, segmentsOf, type FormState } from './form';
import { initialForm, saveForm } from './persist';
import { applyFrame, startRun, type RunView } from './run';

export interface EngineClient {
  send(msg: WorkerIn): void;
  subscribe(cb: (m: WorkerOut) => void): () => void;
  terminate(): void;
}
export type EngineFactory = () => EngineClient;

export interface EngineView {
  status: 'idle' | 'loading' | 'ready' | 'error';
  progress: { phase: 'download' | 'cache' | 'session'; loaded: number; total: number } | null;
  /** Bytes the download phase reported, so "ready" can say how much came over the network. */
  downloadedBytes: number;
  backend: Backend | null;
  reason: string;
  model: ModelInfo | null;
  notices: string[];
  error: { code: ErrorCode; message: string; action: string } | null;
}

export interface CompareResult {
  runId: number;
  text: string;
  forwardPasses: number;
  steps: number;
  totalMs: number;
}

export interface CompareView {
  phase: 'diffusion' | 'left-to-right' | 'done' | 'stopped';
  segments: Segment[];
  settings: SamplerSettings;
  diffusion: CompareResult | null;
  leftToRight: CompareResult | null;
}

interface Pending {
  runId: number;
  settings: SamplerSettings;
  label: string | null;
}

export interface AppState {
  form: FormState;
  backendChoice: BackendChoice;
  engine: EngineView;
  run: RunView | null;
  pending: Pending | null;
  /** Timeline position (steps shown); null follows the live run. */
  view: number | null;
  runError: string | null;
  announcement: string;
  compare: CompareView | null;
  /** Set when the page opened from a share link: run once the engine is ready. */
  autoRun: boolean;

  setForm(patch: Partial<FormState>): void;
  setSettings(patch: Partial<SamplerSettings>): void;
  connect(factory: EngineFactory, backend?: BackendChoice): void;
  retry(): void;
  setBackendChoice(choice: BackendChoice): void;
  generate(): void;
  regenerate(): void;
  stop(): void;
  startCompare(): void;
  setView(step: number | null): void;
}

const IDLE_ENGINE: EngineView = {
  status: 'idle',
  progress: null,
  downloadedBytes: 0,
  backend: null,
  reason: '',
  model: null,
  notices: [],
  error: null,
};

let client: EngineClient | null = null;
let unsubscribe: (() => void) | null = null;
let factory: EngineFactory | null = null;
let nextRunId = 1;

/** True while the worker has a run going, or one was sent and not yet answered. */
export function isBusy(s: Pick<AppState, 'pending' | 'run'>): boolean {
  return s.pending !== null || s.run?.status === 'running';
}

function randomSeed(): number {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return a[0] % 2_147_483_647 || 1;
}

const opened =
  typeof location === 'undefined' ? { form: undefined, fromLink: false } : initialForm(location.hash);
// A share link is read once: later edits are saved locally, and a reload should not undo them.
if (opened.fromLink) history.replaceState(null, '', location.pathname + location.search);

export const useApp = create<AppState>()((set, get) => {
  /** Sends one generate request; the run exists for the UI only once 'started' comes back. */
  function send(segments: Segment[], settings: SamplerSettings, label: string | null): number | null {
    if (!client) return null;
    const runId = nextRunId++;
    set({ pending: { runId, settings, label }, runError: null, view: null });
    client.send({ type: 'generate', request: { runId, segments, settings } });
    return runId;
  }

  function finishCompare(result: CompareResult) {
    const c = get().compare;
    if (!c) return;
    if (c.phase === 'diffusion') {
      set({ compare: { ...c, phase: 'left-to-right', diffusion: result } });
      send(c.segments, { ...c.settings, strategy: 'left-to-right' }, 'left-to-right');
    } else if (c.phase === 'left-to-right') {
      set({
        compare: { ...c, phase: 'done', leftToRight: result },
        announcement: `Comparison done: ${c.diffusion?.forwardPasses ?? '?'} forward passes in diffusion order, ${result.forwardPasses} left to right.`,
      });
    }
  }

  function stopCompare() {
    const c = get().compare;
    if (c && (c.phase === 'diffusion' || c.phase === 'left-to-right')) set({ compare: { ...c, phase: 'stopped' } });
  }

  function onMessage(m: WorkerOut) {
    const s = get();
    switch (m.type) {
      case 'progress':
        set({
          engine: {
            ...s.engine,
            status: 'loading',
            progress: { phase: m.phase, loaded: m.loaded, total: m.total },
            downloadedBytes: m.phase === 'download' ? m.loaded : s.engine.downloadedBytes,
          },
        });
        break;
      case 'ready':
        set({
          engine: { ...s.engine, status: 'ready', progress: null, backend: m.backend, reason: m.reason, model: m.model, error: null },
          announcement: `Model ready on ${m.backend === 'webgpu' ? 'WebGPU' : 'WASM'}${m.model.fromCache ? ', loaded from cache' : ''}.`,
        });
        if (get().autoRun) {
          set({ autoRun: false });
          get().generate();
        }
        break;
      case 'started': {
        if (!s.pending || s.pending.runId !== m.runId) break;
        const run = startRun(m.runId, m.ids, m.fixed, m.totalSteps, s.pending.settings, s.pending.label, performance.now());
        set({ run, pending: null, view: null, announcement: `Generating ${m.totalSteps} steps…` });
        break;
      }
      case 'frame':
        if (s.run?.runId !== m.runId || s.run.status !== 'running') break;
        set({ run: applyFrame(s.run, m.frame, performance.now()) });
        break;
      case 'done': {
        if (s.run?.runId !== m.runId) break;
        set({
          run: { ...s.run, status: 'done', ids: m.ids, stats: m.stats, text: m.text },
          announcement: `Done: ${m.stats.generatedTokens} tokens in ${m.stats.steps} steps, ${m.stats.forwardPasses} forward passes.`,
        });
        finishCompare({
          runId: m.runId,
          text: m.text,
          forwardPasses: m.stats.forwardPasses,
          steps: m.stats.steps,
          totalMs: m.stats.totalMs,
        });
        break;
      }
      case 'cancelled':
        if (s.pending?.runId === m.runId) set({ pending: null });
        if (s.run?.runId === m.runId && s.run.status === 'running') {
          set({ run: { ...s.run, status: 'cancelled' }, announcement: `Stopped at step ${s.run.frames.length} of ${s.run.totalSteps}.` });
        }
        stopCompare();
        break;
      case 'notice':
        set({
          engine: {
            ...s.engine,
            // The latest few, without repeats: settings notices come back with every run.
            notices: [...s.engine.notices.filter((n) => n !== m.message), m.message].slice(-3),
            backend: m.backend ?? s.engine.backend,
            reason: m.reason ?? s.engine.reason,
          },
          announcement: m.message,
        });
        break;
      case 'error': {
        // bad-request / busy concern one request; anything else (internal, device-lost) means the
        // engine may be wedged, so it becomes an engine error with Retry (the form is kept either way).
        const forRun = m.code === 'bad-request' || m.code === 'busy';
        const text = m.action ? `${m.message} ${m.action}.`.replace(/\.\.$/, '.') : m.message;
        // The worker rejects a new request (bad-request, busy) without touching the run that is
        // going on: only an error about that run, or about the engine itself, ends it.
        const endsRun = m.runId === undefined || m.runId === s.run?.runId;
        const run = endsRun && s.run && s.run.status === 'running' ? { ...s.run, status: 'failed' as const } : s.run;
        const pending = m.runId !== undefined && s.pending?.runId !== m.runId ? s.pending : null;
        if (forRun) {
          set({ run, pending, runError: text, announcement: text });
        } else {
          set({
            run,
            pending: null,
            engine: { ...s.engine, status: 'error', progress: null, error: { code: m.code, message: m.message, action: m.action } },
            announcement: `Error: ${m.message}`,
          });
        }
        stopCompare();
        break;
      }
    }
  }

  function open(choice: BackendChoice) {
    if (!factory) return;
    stopCompare();
    unsubscribe?.();
    client?.terminate();
    client = factory();
    unsubscribe = client.subscribe(onMessage);
    const s = get();
    set({
      backendChoice: choice,
      pending: null,
      run: s.run && s.run.status === 'running' ? { ...s.run, status: 'failed' } : s.run,
      engine: { ...IDLE_ENGINE, status: 'loading' },
      announcement: 'Loading the model…',
    });
    client.send({ type: 'load', backend: choice });
  }

  return {
    form: opened.form ?? initialForm('').form,
    backendChoice: 'auto',
    engine: IDLE_ENGINE,
    run: null,
    pending: null,
    view: null,
    runError: null,
    announcement: '',
    compare: null,
    autoRun: opened.fromLink,

    setForm(patch) {
      set({ form: { ...get().form, ...patch } });
    },
    setSettings(patch) {
      const form = get().form;
      set({ form: { ...form, settings: { ...form.settings, ...patch } } });
    },
    connect(f, backend = 'auto') {
      factory = f;
      open(backend);
    },
    retry() {
      open(get().backendChoice);
    },
    setBackendChoice(choice) {
      open(choice);
    },
    generate() {
      const s = get();
      if (isBusy(s) || s.engine.status !== 'ready') return;
      const problems = formProblems(s.form, s.engine.model?.context);
      if (problems.length > 0) {
        set({ runError: problems.join(' '), announcement: problems.join(' ') });
        return;
      }
      set({ compare: null });
      send(segmentsOf(s.form), effectiveSettings(s.form).settings, null);
    },
    regenerate() {
      if (isBusy(get())) return;
      get().setSettings({ seed: randomSeed() });
      get().generate();
    },
    stop() {
      stopCompare();
      const s = get();
      const runId = s.pending?.runId ?? (s.run?.status === 'running' ? s.run.runId : null);
      if (runId !== null && client) client.send({ type: 'cancel', runId });
    },
    startCompare() {
      const s = get();
      if (isBusy(s) || s.engine.status !== 'ready') return;
      const problems = formProblems(s.form, s.engine.model?.context);
      if (problems.length > 0) {
        set({ runError: problems.join(' ') });
        return;
      }
      const base = effectiveSettings(s.form).settings;
      // The diffusion half needs a diffusion order; left-to-right is the other half.
      const settings: SamplerSettings = base.strategy === 'left-to-right' ? { ...base, strategy: DEFAULT_SETTINGS.strategy } : base;
      const segments = segmentsOf(s.form);
      set({ compare: { phase: 'diffusion', segments, settings, diffusion: null, leftToRight: null } });
      send(segments, settings, 'diffusion');
    },
    setView(step) {
      set({ view: step });
    },
  };
});

// Every change to the form is saved at once: nothing typed is lost to a crash or a reload.
useApp.subscribe((state, prev) => {
  if (state.form !== prev.form) saveForm(state.form);
});
