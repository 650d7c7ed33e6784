// The worker's message protocol: one typed union in, one out. The worker owns the ORT session and
// the unmasking loop and is the single source of truth for whether a run is going on.
import type { Frame, SamplerSettings, Segment } from '../engine/types';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';
export type Backend = 'webgpu' | 'wasm';

export interface GenerateRequest {
  runId: number;
  /** Prompt mode is [text(prompt), blank(length)]; fill-in mode is any mix. */
  segments: Segment[];
  settings: SamplerSettings;
}

export type WorkerIn =
  | { type: 'load'; backend: BackendChoice }
  | { type: 'generate'; request: GenerateRequest }
  | { type: 'cancel'; runId: number };

export interface ModelInfo {
  name: string;
  vocabSize: number;
  context: number;
  params: number;
  /** Display string of every token id (decoded on its own), so frames can carry ids only. */
  pieces: string[];
  maskId: number;
  fromCache: boolean;
}

export interface RunStats {
  steps: number;
  forwardPasses: number;
  totalMs: number;
  msPerStep: number;
  tokensPerSecond: number;
  generatedTokens: number;
}

export type ErrorCode =
  | 'no-backend'
  | 'download-failed'
  | 'corrupt-model'
  | 'bad-request'
  | 'busy'
  | 'device-lost'
  | 'internal';

export type WorkerOut =
  | { type: 'progress'; phase: 'download' | 'cache' | 'session'; loaded: number; total: number }
  | { type: 'ready'; backend: Backend; reason: string; model: ModelInfo }
  | { type: 'started'; runId: number; ids: Int32Array; fixed: Uint8Array; totalSteps: number }
  | { type: 'frame'; runId: number; frame: Frame }
  | { type: 'done'; runId: number; text: string; ids: Int32Array; stats: RunStats }
  | { type: 'cancelled'; runId: number }
  /** A notice that does not stop anything, e.g. "WebGPU device lost, continuing on WASM". */
  | { type: 'notice'; message: string; backend?: Backend; reason?: string }
  | { type: 'error'; runId?: number; code: ErrorCode; message: string; action: string };
