// The worker's message protocol: one typed union in, one out. The worker owns the ORT session and
// the unmasking loop and is the single source of truth for whether a run is going on.
//
// Every request carries an `id` (unique per client) and every reply names the request it answers
// in `id`: progress and ready answer a load; started, frame, done and cancelled answer a generate
// (its id is the run's id); busy and bad-request errors answer the request they refuse. A reader
// can therefore never match a reply to the wrong request. 'pace' and 'step' get no reply but an
// error when malformed; the page sends them only when opened with ?pace=manual (see pace.ts).
import type { Frame, SamplerSettings, Segment } from '../engine/types';
import type { TokenBytes } from '../runtime/tokenizer';
import type { Backend, BackendChoice, ErrorCode } from '../runtime/types';
import type { PaceMode } from './pace';

export type GenerateRequest =
  | {
      /** Prompt mode is [text(prompt), blank(length)]; fill-in mode is any mix. */
      segments: Segment[];
      settings: SamplerSettings;
    }
  | {
      /** Re-imagine: a fill-in template at the id level. Fixed positions keep their id; every
       * other position starts masked (its id here is ignored). */
      ids: Int32Array;
      fixed: Uint8Array;
      settings: SamplerSettings;
    };

export type WorkerIn =
  /** `model`: a name the build ships; absent or null = the device's default (see runtime/models.ts). */
  | { type: 'load'; id: number; backend: BackendChoice; model?: string | null }
  | { type: 'generate'; id: number; request: GenerateRequest }
  /** Stops the run started by the generate whose id is `runId`. */
  | { type: 'cancel'; id: number; runId: number }
  /** For tests: 'manual' makes every run wait before each step until a 'step' lets it go. */
  | { type: 'pace'; id: number; mode: PaceMode }
  /** Under manual pace: `count` more steps may run. */
  | { type: 'step'; id: number; count: number };

export interface ModelInfo {
  name: string;
  vocabSize: number;
  context: number;
  params: number;
  /** Display string of every token id (decoded on its own), so frames can carry ids only. */
  pieces: string[];
  /** UTF-8 bytes of every id, so the page decodes runs of ids as the tokenizer does. */
  bytes?: TokenBytes;
  maskId: number;
  fromCache: boolean;
  /** WASM threads the runtime was configured with (the bench reads it instead of re-deriving it). */
  threads: number;
}

export interface RunStats {
  steps: number;
  forwardPasses: number;
  totalMs: number;
  msPerStep: number;
  tokensPerSecond: number;
  generatedTokens: number;
}

export type WorkerOut =
  /** `model`: the name of the model being loaded (absent before the load has chosen one). */
  | {
      type: 'progress';
      id: number;
      phase: 'download' | 'cache' | 'session';
      loaded: number;
      total: number;
      model?: string;
    }
  | { type: 'ready'; id: number; backend: Backend; reason: string; model: ModelInfo }
  | { type: 'started'; id: number; ids: Int32Array; fixed: Uint8Array; totalSteps: number }
  | { type: 'frame'; id: number; frame: Frame }
  | { type: 'done'; id: number; text: string; ids: Int32Array; stats: RunStats }
  | { type: 'cancelled'; id: number }
  /** A notice that does not stop anything, e.g. "WebGPU device lost, continuing on WASM". */
  | { type: 'notice'; id: number; message: string; backend?: Backend; reason?: string }
  /** `message` names the cause in plain words; `detail` is the engine's own text, for a report. */
  | { type: 'error'; id: number; code: ErrorCode; message: string; action: string; detail?: string };
