// Shared types of the pure generation engine. No DOM, no ORT: see SAMPLING.md for the rules.

export type Strategy = 'confidence' | 'margin' | 'entropy' | 'random' | 'blocks' | 'left-to-right';
export type InnerStrategy = 'confidence' | 'margin' | 'entropy' | 'random';
export type Schedule = 'linear' | 'cosine';

export interface SamplerSettings {
  /** Requested number of denoising steps; clamped to 1..M (left-to-right uses M). */
  steps: number;
  /** 0 = greedy (argmax). */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
  seed: number;
  schedule: Schedule;
  strategy: Strategy;
  /** Masked slots per block for the blocks strategy. */
  blockLength: number;
  /** Strategy used inside a block. */
  blockStrategy: InnerStrategy;
  /** 1 = off; see SAMPLING.md step 2b. */
  repetitionPenalty: number;
  repetitionWindow: number;
}

/** A template segment: given text, or a blank of `length` masked tokens. */
export type Segment = { kind: 'text'; text: string } | { kind: 'blank'; length: number };

/** The canvas at the start of a run. */
export interface Canvas {
  ids: Int32Array;
  /** true where the token is given (prompt or template text) and never changes. */
  fixed: Uint8Array;
}

export interface Frame {
  /** 1-based step index. */
  step: number;
  totalSteps: number;
  ids: Int32Array;
  /** Positions resolved at this step, ascending. */
  resolved: number[];
  /** Confidence (model probability of the chosen token) of each resolved position, same order. */
  confidences: number[];
  /** Milliseconds the forward pass of this step took. */
  forwardMs: number;
}

/** Logits for one canvas: a row-major [N, V] array. */
export type LogitsFn = (ids: Int32Array) => Promise<Float32Array>;

export interface SpecialIds {
  pad: number;
  mask: number;
  eos: number;
}
