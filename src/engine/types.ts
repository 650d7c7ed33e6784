// Shared types of the pure generation engine. No DOM, no ORT: see SAMPLING.md for the rules.

export type Strategy = 'confidence' | 'margin' | 'entropy' | 'random' | 'blocks' | 'left-to-right';
export type InnerStrategy = 'confidence' | 'margin' | 'entropy' | 'random';
/** How many slots a step commits: a fixed count per step (linear, cosine), or every slot the model is
 * sure enough of (adaptive: SAMPLING.md, "Adaptive unmasking"). */
export type Schedule = 'linear' | 'cosine' | 'adaptive';

export interface SamplerSettings {
  /** Requested number of denoising steps; clamped to 1..M (left-to-right uses M). With the adaptive
   * schedule, the most steps the run may take. */
  steps: number;
  /** 0 = greedy (argmax). */
  temperature: number;
  /** 0 = off. */
  topK: number;
  /** 1 = off. */
  topP: number;
  seed: number;
  schedule: Schedule;
  /** Adaptive schedule: a slot whose top probability reaches this commits at once (0..1). */
  threshold: number;
  strategy: Strategy;
  /** Masked slots per block for the blocks strategy. */
  blockLength: number;
  /** Strategy used inside a block. */
  blockStrategy: InnerStrategy;
  /** 1 = off; see SAMPLING.md step 2b. */
  repetitionPenalty: number;
  repetitionWindow: number;
  /** 0 = off; else n, 2..6: a draw may not repeat an n-gram of tokens the canvas holds (SAMPLING.md 2b'). */
  noRepeatNgram: number;
  /** Refinement rounds after unmasking, 0..16; 0 = off (SAMPLING.md, "Refinement"). */
  refineRounds: number;
  /** Share of the generated tokens re-masked per round, 0.01..1. */
  refineFraction: number;
}

export type Phase = 'unmask' | 'refine';

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
  // The fields below are always set by unmask() (see StepFrame). They are optional here only so
  // that hand-built frames from before refinement and drafts existed still type-check.
  /** 'unmask' for the S unmasking steps, 'refine' for the refinement rounds. */
  phase?: Phase;
  /** 0 while unmasking, 1..refineRounds during refinement. */
  round?: number;
  /** Positions set back to [MASK] just before this step's pass (ascending; never given
   * positions). Non-empty only on the first step of a refinement round. */
  remasked?: number[];
  /** Per position: the model's best guess (argmax id) for every slot still masked after this
   * step, -1 elsewhere. Length N. */
  draftIds?: Int32Array;
  /** Per position: the probability of draftIds[i] (the row's largest probability), 0 where
   * draftIds is -1. Length N. */
  draftProbs?: Float32Array;
}

/** A frame as unmask() yields it: every field present. */
export type StepFrame = Required<Frame>;

/**
 * Logits for one canvas at the positions asked for: a row-major [P, V] array whose row j belongs
 * to positions[j]. Without positions, every slot ([N, V]). The engine always asks for the slots
 * still masked (ascending): a step reads nothing else, so a graph that can compute the output head
 * at chosen slots only skips the rest (src/runtime/session.ts; `selectRows` for one that cannot).
 */
export type LogitsFn = (ids: Int32Array, positions?: Int32Array) => Promise<Logits>;

/**
 * The logits, and when the graph has one the row summary (models/pipeline/rowsummary.py): per row
 * j the facts a step scores with, computed by onnxruntime's vectorized kernels instead of a pass of
 * exponentials per row here. Special ids and byte pieces are excluded, as in SAMPLING.md 2a. Carried on the array
 * itself, so every consumer of plain logits keeps working.
 */
export type Logits = Float32Array & { summary?: RowSummary };

export interface RowSummary {
  /** [P, 2]: the largest and second largest logit of row j. */
  top2Logits: Float32Array;
  /** [P, 2]: their ids (the lower id first on a tie). */
  top2Ids: Int32Array;
  /** [P]: the largest probability of row j, p[argmax] = 1 / (softmax normaliser). */
  topProb: Float32Array;
}

export interface SpecialIds {
  pad: number;
  mask: number;
  eos: number;
  /** Further ids the sampler never emits (SAMPLING.md 2a): the model's byte pieces, ids whose bytes
   * alone are not whole UTF-8 characters (config.json `byte_pieces`). Drawn alone they would show as
   * U+FFFD; the small model's books spell only 0.002 % of their characters (accented letters) with them. */
  never?: number[];
}
