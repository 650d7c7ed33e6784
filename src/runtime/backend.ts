// Choosing where the model runs: WebGPU when a real adapter exists and a warm-up inference on the
// actual session gives finite logits, WASM otherwise; the reason is kept in words for the UI. Also
// the switch to WASM when the GPU device is lost in the middle of a run.
import type { LogitsFn } from '../engine/types';
import type { Backend, BackendChoice } from './types';
import { RuntimeError, ACTIONS, messageOf } from './errors';
import type { LogitsSession } from './session';
import { withTimeLimit } from './timeLimit';

/** The few WebGPU fields we read (TypeScript's DOM lib has no WebGPU types). */
export interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}
export interface AdapterLike {
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}

export interface BackendDeps {
  /** navigator.gpu, or undefined where the browser has none. */
  gpu: GpuLike | undefined;
  open(backend: Backend): Promise<LogitsSession>;
  /** Runs the session once and throws unless the logits are all finite. */
  warmUp(session: LogitsSession): Promise<void>;
}

export interface ChosenBackend {
  session: LogitsSession;
  reason: string;
}

/** onnxruntime-web's builds the worker can load: each brings its own wasm (see wasmBinary.ts). */
export type OrtBuild = 'webgpu' | 'wasm';

/** How long a load waits for the browser's adapter. The spec lets requestAdapter take its time, and
 * some browsers' GPU processes never answered it (or requestDevice) at all; without a limit the load
 * waited until the page's watchdog restarted it, on the same GPU. A real adapter answers in well
 * under a second. */
export const ADAPTER_WAIT_MS = 10_000;

/** navigator.gpu asking for its adapter once: the model, the build and the backend choice of one
 * load then all see the same answer (and the browser is asked once). An adapter that has not come
 * within `waitMs` counts as a failed request (the load goes on with WASM and says why). */
export function askOnce(gpu: GpuLike | undefined, waitMs = ADAPTER_WAIT_MS): GpuLike | undefined {
  if (!gpu) return undefined;
  let adapter: Promise<AdapterLike | null> | null = null;
  const ask = () =>
    withTimeLimit(
      gpu.requestAdapter(),
      waitMs,
      `the browser did not answer the request for it within ${waitMs / 1000} s`,
    );
  return { requestAdapter: () => (adapter ??= ask()) };
}

/**
 * The ORT build a load needs. WebGPU's build (26.8 MB wasm, which also runs the WASM provider, for
 * the failover) whenever chooseBackend will try WebGPU: not chosen away, and an adapter exists, a
 * software one included. Otherwise the plain WASM build: its wasm is 14.2 MB and compiles and
 * starts sessions about twice as fast.
 */
export async function ortBuildFor(choice: BackendChoice, gpu: GpuLike | undefined): Promise<OrtBuild> {
  if (choice === 'wasm' || !gpu) return 'wasm';
  try {
    return (await gpu.requestAdapter()) ? 'webgpu' : 'wasm';
  } catch {
    return 'wasm';
  }
}

function describe(adapter: AdapterLike): string {
  const i = adapter.info ?? {};
  return [i.vendor, i.architecture, i.description].filter((s) => s).join(' ') || 'unnamed adapter';
}

/** Runs `session` on a short all-[MASK] canvas; throws if anything is off. */
export async function warmUp(
  session: LogitsSession,
  maskId: number,
  context: number,
  vocabSize: number,
): Promise<void> {
  const n = Math.min(16, context);
  const out = await session.logits(new Int32Array(n).fill(maskId));
  if (out.length !== n * vocabSize) throw new Error(`warm-up gave ${out.length} logits, expected ${n * vocabSize}`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new Error(`warm-up gave a non-finite logit (${out[i]}) at index ${i}`);
  }
}

async function tryOpen(deps: BackendDeps, backend: Backend): Promise<LogitsSession> {
  const session = await deps.open(backend);
  try {
    await deps.warmUp(session);
    return session;
  } catch (err) {
    await session.release();
    throw err;
  }
}

export async function chooseBackend(choice: BackendChoice, deps: BackendDeps): Promise<ChosenBackend> {
  let why: string;
  if (choice === 'wasm') {
    why = 'WASM chosen in the settings';
  } else {
    const asked = choice === 'webgpu' ? 'WebGPU was chosen, but ' : '';
    let adapter: AdapterLike | null = null;
    let adapterError = '';
    if (deps.gpu) {
      try {
        adapter = await deps.gpu.requestAdapter();
      } catch (err) {
        adapterError = messageOf(err);
      }
    }
    const fallback = adapter && (adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false);
    if (!deps.gpu) {
      why = `${asked}${asked ? 'this browser has no WebGPU' : 'No WebGPU in this browser'} (navigator.gpu missing); using WASM`;
    } else if (!adapter) {
      const detail = adapterError ? `: ${adapterError}` : '';
      why = `${asked}${asked ? 'no' : 'No'} WebGPU adapter is available${detail}; using WASM`;
    } else {
      try {
        const session = await tryOpen(deps, 'webgpu');
        // A software adapter (e.g. SwiftShader) is still WebGPU and is used, as the product promises
        // "WebGPU first"; it runs on the CPU, so the reason says how to compare with WASM.
        const reason = fallback
          ? `Software WebGPU adapter found (${describe(adapter)}) and warm-up passed; it runs on the CPU ` +
            'and may be slower than WASM: choose WASM under Backend to compare'
          : `WebGPU adapter found (${describe(adapter)}) and warm-up passed`;
        return { session, reason };
      } catch (err) {
        why = `WebGPU could not start (${messageOf(err)}); using WASM`;
      }
    }
  }
  try {
    return { session: await tryOpen(deps, 'wasm'), reason: why };
  } catch (err) {
    throw new RuntimeError(
      'no-backend',
      `The model cannot run in this browser (${why}; WASM failed too: ${messageOf(err)})`,
      ACTIONS.noBackend,
      { cause: err },
    );
  }
}

export interface Failover {
  /** The LogitsFn to hand to the engine: survives the loss of the GPU device. */
  logits: LogitsFn;
  current(): LogitsSession;
  /** Forward passes run so far, each try counted: a failed WebGPU pass retried on WASM is two. */
  passes(): number;
  /** Call when the GPU device reports it was lost: the next forward pass runs on WASM. */
  deviceLost(reason: string): void;
  release(): Promise<void>;
}

/**
 * Wraps a session so that a failing WebGPU forward pass (or a lost device) moves the run to a new
 * WASM session, retrying the same pass; `onSwitch` tells the user. A WASM failure is thrown as-is.
 */
export function withWasmFailover(
  initial: LogitsSession,
  openWasm: () => Promise<LogitsSession>,
  onSwitch: (reason: string) => void,
): Failover {
  let session = initial;
  let lostReason: string | null = null;
  let switching: Promise<void> | null = null;
  let passes = 0;

  const switchToWasm = (reason: string): Promise<void> => {
    switching ??= (async () => {
      const old = session;
      try {
        session = await openWasm();
      } catch (err) {
        throw new RuntimeError(
          'device-lost',
          `The GPU stopped working (${reason}) and the WASM fallback failed: ${messageOf(err)}`,
          ACTIONS.reload,
          { cause: err },
        );
      } finally {
        switching = null;
      }
      lostReason = null;
      void old.release();
      onSwitch(reason);
    })();
    return switching;
  };

  const logits: LogitsFn = async (ids, positions) => {
    if (session.backend === 'webgpu' && lostReason !== null) await switchToWasm(lostReason);
    try {
      passes++;
      const out = await session.logits(ids, positions);
      // A GPU that returns NaN/Inf (driver bug, lost precision) is as broken as one that throws:
      // retry the pass on WASM instead of failing the run in the sampler.
      if (session.backend === 'webgpu' && !out.every(Number.isFinite)) throw new Error('non-finite logits');
      return out;
    } catch (err) {
      if (session.backend !== 'webgpu') throw err;
      await switchToWasm(`WebGPU forward pass failed: ${messageOf(err)}`);
      passes++;
      return session.logits(ids, positions);
    }
  };

  return {
    logits,
    current: () => session,
    passes: () => passes,
    deviceLost(reason) {
      if (session.backend === 'webgpu') lostReason = `WebGPU device lost: ${reason}`;
    },
    release: () => session.release(),
  };
}
