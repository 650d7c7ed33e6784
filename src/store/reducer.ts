// The store's answer to each worker message, as a pure function: the state a message leads to,
// and what the store should do next (start the linked run, send the comparison's next half). A
// reply that names a request the store is not waiting for is ignored.
import { maskedCount, type SamplerSettings, type Segment } from '../engine';
import type { Backend, ErrorCode } from '../runtime/types';
import type { ModelInfo, WorkerOut } from '../worker/protocol';
import { compareRunDone, stopCompare, type CompareView } from './compare';
import { stopSweep, sweepRunDone, type SweepView } from './sweep';
import { pushHistory } from './edit';
import { applyFrame, startRun, type RunOrigin, type RunView } from './run';

export interface EngineView {
  /** 'cancelled': the user stopped the download; nothing loads until they start it again. */
  status: 'idle' | 'loading' | 'ready' | 'error' | 'cancelled';
  /** The id of the load request this view follows. */
  loadId: number;
  /** `model`: the model being loaded, once the worker has named it. */
  progress: {
    phase: 'download' | 'cache' | 'session';
    loaded: number;
    total: number;
    model?: string;
    /** The backend whose session is being opened, once one is (session phase). */
    backend?: Backend;
    /** What is coming over the network (download phase). */
    downloading?: readonly ('model' | 'engine')[];
  } | null;
  /** Bytes that came over the network in this load (not those read from the cache), so "ready" can say
   * how much was downloaded. */
  downloadedBytes: number;
  backend: Backend | null;
  reason: string;
  model: ModelInfo | null;
  /** The engine's own notices (the model it chose, a switch to WASM): the latest few. */
  notices: string[];
  error: { code: ErrorCode; message: string; action: string; detail?: string } | null;
}

export interface Pending {
  runId: number;
  settings: SamplerSettings;
  label: string | null;
  /** Given text and, for a re-imagine, the run it edits (restored by undo). */
  origin?: RunOrigin;
  edits?: RunView | null;
}

/** The part of the app state that worker messages change. */
export interface SessionState {
  engine: EngineView;
  run: RunView | null;
  pending: Pending | null;
  view: number | null;
  runError: string | null;
  announcement: string;
  compare: CompareView | null;
  /** The cost of steps (sweep.ts): its rows so far. */
  sweep: SweepView | null;
  /** Runs a re-imagine replaced, latest last: undo brings them back. */
  history: RunView[];
  /** Set when a share link was opened: run once the engine is ready. */
  autoRun: boolean;
  /** What the engine said of one run's request (a setting it adjusted): shown while that run is the
   * latest, so a later run without the problem does not keep the warning (`currentRunNotices`). */
  runNotices: { runId: number; messages: string[] } | null;
}

const NONE: readonly string[] = []; // one empty list, so a store selector returns the same value each time

/** The notices of the latest run (the one sent, else the one shown), none once another run was sent. */
export function currentRunNotices(s: Pick<SessionState, 'pending' | 'run' | 'runNotices'>): readonly string[] {
  const latest = s.pending?.runId ?? s.run?.runId;
  return s.runNotices && s.runNotices.runId === latest ? s.runNotices.messages : NONE;
}

/** True while the worker has a run going, or one was sent and not yet answered. */
export function isBusy(s: Pick<SessionState, 'pending' | 'run'>): boolean {
  return s.pending !== null || s.run?.status === 'running';
}

/** A run a comparison or a sweep asks the store to send next. */
export interface FollowUpRun {
  segments: Segment[];
  settings: SamplerSettings;
  label: string;
}

export type FollowUp = { kind: 'generate' } | { kind: 'send'; run: FollowUpRun } | null;

export const IDLE_ENGINE: EngineView = {
  status: 'idle',
  loadId: 0,
  progress: null,
  downloadedBytes: 0,
  backend: null,
  reason: '',
  model: null,
  notices: [],
  error: null,
};

/** A session before any worker message: the store starts here, and so do the reducer's tests. */
export const INITIAL_SESSION: SessionState = {
  engine: IDLE_ENGINE,
  run: null,
  pending: null,
  view: null,
  runError: null,
  announcement: '',
  compare: null,
  sweep: null,
  history: [],
  autoRun: false,
  runNotices: null,
};

/** Whether a reply answers a request this state is waiting for. */
function concernsUs(s: SessionState, m: WorkerOut): boolean {
  return m.id === s.engine.loadId || m.id === s.pending?.runId || m.id === s.run?.runId;
}

const errorText = (message: string, action: string) =>
  action ? `${message} ${action}.`.replace(/\.\.$/, '.') : message;

export function reduce(s: SessionState, m: WorkerOut, now: number): { state: SessionState; then: FollowUp } {
  const same = { state: s, then: null };
  if (!concernsUs(s, m)) return same;
  switch (m.type) {
    case 'progress':
      // Only a load reports progress; one arriving after its ready must not show the page loading again.
      if (m.id !== s.engine.loadId || s.engine.status !== 'loading') return same;
      return {
        state: {
          ...s,
          engine: {
            ...s.engine,
            status: 'loading',
            progress: {
              phase: m.phase,
              loaded: m.loaded,
              total: m.total,
              model: m.model ?? s.engine.progress?.model,
              ...(m.phase === 'session' ? { backend: m.backend ?? s.engine.progress?.backend } : {}),
              ...(m.phase === 'download' && m.downloading ? { downloading: m.downloading } : {}),
            },
            downloadedBytes: m.downloaded ?? s.engine.downloadedBytes,
          },
        },
        then: null,
      };
    case 'ready': {
      if (m.id !== s.engine.loadId) return same;
      const state: SessionState = {
        ...s,
        engine: {
          ...s.engine,
          status: 'ready',
          progress: null,
          backend: m.backend,
          reason: m.reason,
          model: m.model,
          error: null,
        },
        announcement: `Model ready on ${m.backend === 'webgpu' ? 'WebGPU' : 'WASM'}${m.model.fromCache ? ', loaded from cache' : ''}.`,
        autoRun: false,
      };
      return { state, then: s.autoRun ? { kind: 'generate' } : null };
    }
    case 'started': {
      if (s.pending?.runId !== m.id) return same;
      const { settings, label, origin, edits } = s.pending;
      const run = startRun(m.id, m.ids, m.fixed, m.totalSteps, settings, label, now, origin);
      // A re-imagine keeps the run it edits for undo; a fresh run starts a fresh history.
      const history = edits ? pushHistory(s.history, edits) : [];
      // An adaptive run announces its budget: it may well end sooner.
      const upTo = settings.schedule === 'adaptive' && settings.strategy !== 'left-to-right' ? 'up to ' : '';
      const what = edits
        ? `Re-imagining ${maskedCount(m.fixed)} tokens in ${upTo}${m.totalSteps} steps…`
        : `Generating ${upTo}${m.totalSteps} steps…`;
      return { state: { ...s, run, history, pending: null, view: null, announcement: what }, then: null };
    }
    case 'frame':
      if (s.run?.runId !== m.id || s.run.status !== 'running') return same;
      return { state: { ...s, run: applyFrame(s.run, m.frame, now) }, then: null };
    case 'done': {
      if (s.run?.runId !== m.id) return same;
      const result = {
        runId: m.id,
        text: m.text,
        forwardPasses: m.stats.forwardPasses,
        steps: m.stats.steps,
        totalMs: m.stats.totalMs,
      };
      // At most one of them is going on; the other one keeps what it showed.
      const compared = compareRunDone(s.compare, result);
      const swept = sweepRunDone(s.sweep, result);
      const next = compared.run || compared.announcement ? compared : swept;
      const engineReady = s.engine.status === 'ready';
      return {
        state: {
          ...s,
          run: { ...s.run, status: 'done', ids: m.ids, stats: m.stats, text: m.text },
          // A link's run waits for a model that is still loading (its 'ready' starts it).
          autoRun: next.run || !engineReady ? s.autoRun : false,
          compare: compared.compare,
          sweep: swept.sweep,
          announcement:
            next.announcement ??
            `Done: ${m.stats.generatedTokens} tokens in ${m.stats.steps} steps, ${m.stats.forwardPasses} forward passes.`,
        },
        // A comparison's second half or a sweep's next row first; then a share link opened during the run.
        then: next.run ? { kind: 'send', run: next.run } : s.autoRun && engineReady ? { kind: 'generate' } : null,
      };
    }
    case 'cancelled': {
      if (m.id === s.engine.loadId && s.engine.status === 'loading') {
        const text = 'Download cancelled. Files already downloaded and checked stay on this device.';
        return {
          state: { ...s, engine: { ...IDLE_ENGINE, status: 'cancelled', loadId: m.id }, announcement: text },
          then: null,
        };
      }
      let state: SessionState = { ...s, compare: stopCompare(s.compare), sweep: stopSweep(s.sweep) };
      if (s.pending?.runId === m.id) state = { ...state, pending: null };
      if (s.run?.runId === m.id && s.run.status === 'running') {
        state = {
          ...state,
          run: { ...s.run, status: 'cancelled' },
          announcement: `Stopped at step ${s.run.frames.length} of ${s.run.totalSteps}.`,
        };
      }
      // A share link opened during the run runs now that it has stopped.
      if (s.autoRun && s.engine.status === 'ready')
        return { state: { ...state, autoRun: false }, then: { kind: 'generate' } };
      return { state, then: null };
    }
    case 'inspected':
    case 'denoised':
      return same; // the explainer views' own replies (src/ui/explain): no session state changes
    case 'notice': {
      if (m.id !== s.engine.loadId && !m.backend) {
        // A run's request (a setting adjusted): kept with that run, replaced by the next run's. A switch
        // of backend mid-run is the engine's, whichever request it names.
        const kept = s.runNotices?.runId === m.id ? s.runNotices.messages : [];
        const runNotices = { runId: m.id, messages: [...kept.filter((n) => n !== m.message), m.message] };
        return { state: { ...s, runNotices, announcement: m.message }, then: null };
      }
      return {
        state: {
          ...s,
          engine: {
            ...s.engine,
            // The latest few, without repeats.
            notices: [...s.engine.notices.filter((n) => n !== m.message), m.message].slice(-3),
            backend: m.backend ?? s.engine.backend,
            reason: m.reason ?? s.engine.reason,
          },
          announcement: m.message,
        },
        then: null,
      };
    }
    case 'error': {
      // busy / bad-request refuse one request and leave the run going on alone; anything else
      // (a failed load, internal, device-lost) means the engine may be wedged, so it becomes an
      // engine error with Retry (the form is kept either way).
      const refusal = (m.code === 'bad-request' || m.code === 'busy') && m.id !== s.engine.loadId;
      const endsRun = !refusal || m.id === s.run?.runId;
      const run = endsRun && s.run?.status === 'running' ? { ...s.run, status: 'failed' as const } : s.run;
      const pending = s.pending?.runId === m.id || !refusal ? null : s.pending;
      const text = errorText(m.message, m.action);
      const stopped = { ...s, run, pending, compare: stopCompare(s.compare), sweep: stopSweep(s.sweep, text) };
      if (refusal) {
        // A share link that waited for this request's run: nothing is going on now, so it runs (as after
        // 'cancelled'); left waiting, it would start with the next run's end, one nobody asked for.
        const ownRequest = m.id === s.pending?.runId || m.id === s.run?.runId;
        const linkNow =
          s.autoRun && ownRequest && s.engine.status === 'ready' && pending === null && run?.status !== 'running';
        return {
          state: {
            ...stopped,
            runError: text,
            announcement: text,
            autoRun: s.autoRun && !linkNow,
          },
          then: linkNow ? { kind: 'generate' } : null,
        };
      }
      return {
        state: {
          ...stopped,
          engine: {
            ...s.engine,
            status: 'error',
            progress: null,
            error: { code: m.code, message: m.message, action: m.action, detail: m.detail },
          },
          announcement: `Error: ${m.message}`,
        },
        then: null,
      };
    }
  }
}
