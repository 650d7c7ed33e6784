// Written together: what a token's step-mates would have changed. A step commits several slots from
// one forward pass, each drawn from its own row as if the others were still masked: the model never
// sees the tokens it writes beside each other in that step (the factorised, independent draw that lets
// a diffusion model write many tokens per pass, and the reason fewer steps read worse). Running the
// step's pass again with the other tokens it wrote already on the canvas asks the model what it
// thinks of this one once it can see them.
//   alone     bits = -log2 p(token | the step's canvas)                 (how it was drawn)
//   together  bits = -log2 p(token | that canvas with its step-mates)   (hindsight)
// together - alone above 0: seeing its step-mates, the model finds the token less likely (they clash);
// below 0: more likely (they agree). Whole-vocabulary probabilities, as in leaning.ts.
import { scoreSlot, slotScoreOf, type SlotScore } from './leaning';
import { cancellable, cancelled, type DenoiseFn } from './objective';

export interface StepMate {
  pos: number;
  id: number;
}

export interface Together {
  slot: number;
  token: number;
  alone: SlotScore;
  together: SlotScore;
  mates: StepMate[];
}

const WHAT = 'Asking what its step-mates change';

/** The slots a step wrote (`resolved`) and what it wrote there (the canvas after the step), by position. */
export function stepTokens(resolved: readonly number[], after: ArrayLike<number>): StepMate[] {
  return [...resolved].sort((a, b) => a - b).map((pos) => ({ pos, id: after[pos] }));
}

/** The other slots the step wrote beside `slot`. */
export const stepMates = (resolved: readonly number[], after: ArrayLike<number>, slot: number): StepMate[] =>
  stepTokens(resolved, after).filter((m) => m.pos !== slot);

/** The step's canvas with its step-mates written in: the slot stays masked. */
export function withMates(ids: Int32Array, mates: readonly StepMate[]): Int32Array {
  const out = ids.slice();
  for (const m of mates) out[m.pos] = m.id;
  return out;
}

/** Two forward passes: the step's canvas as it was, and the same with the step-mates written in. */
export async function measureTogether(
  denoise: DenoiseFn,
  ids: Int32Array,
  slot: number,
  token: number,
  mates: readonly StepMate[],
  o: { maskId: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Together> {
  if (ids[slot] !== o.maskId) throw new Error(`Slot ${slot} is not masked on that canvas`);
  const stray = mates.find((m) => m.pos === slot || ids[m.pos] !== o.maskId);
  if (stray) throw new Error(`Slot ${stray.pos} was not written by that step`);
  const alone = await scoreSlot(denoise, ids, slot, token, o.maskId, o.signal, WHAT);
  o.onProgress?.(1, 2);
  const together = await scoreSlot(denoise, withMates(ids, mates), slot, token, o.maskId, o.signal, WHAT);
  o.onProgress?.(2, 2);
  return { slot, token, alone, together, mates: [...mates] };
}

/** What the step-mates did to the token, in bits: above 0 they made it less likely. */
export const clashBits = (t: Together) => t.together.bits - t.alone.bits;

/** One token of a weighed step: what the step wrote there, scored alone and with the rest. */
export interface WeighedToken {
  pos: number;
  id: number;
  alone: SlotScore;
  together: SlotScore;
}

/** Every token a step wrote, weighed as `measureTogether` weighs one: one pass on the step's canvas
 * scores them all alone (each was masked there), then one pass per token with all the others
 * written in. `written`: the slots the step wrote and their tokens. */
export async function measureStep(
  denoise: DenoiseFn,
  ids: Int32Array,
  written: readonly StepMate[],
  o: { maskId: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<WeighedToken[]> {
  const stray = written.find((w) => ids[w.pos] !== o.maskId);
  if (stray) throw new Error(`Slot ${stray.pos} was not written by that step`);
  const total = written.length + 1;
  // Each written slot is scored on its own token; no other masked row is read.
  const targets = ids.map((id) => (id === o.maskId ? (written[0]?.id ?? 0) : id));
  for (const w of written) targets[w.pos] = w.id;
  const pass = (canvas: Int32Array) => cancellable(denoise(canvas, targets, o.signal), o.signal, WHAT);
  const first = await pass(ids);
  o.onProgress?.(1, total);
  const out: WeighedToken[] = [];
  for (const w of written) {
    if (o.signal?.aborted) throw cancelled(WHAT);
    const d = await pass(
      withMates(
        ids,
        written.filter((m) => m.pos !== w.pos),
      ),
    );
    out.push({ pos: w.pos, id: w.id, alone: slotScoreOf(first, w.pos), together: slotScoreOf(d, w.pos) });
    o.onProgress?.(out.length + 1, total);
  }
  return out;
}

/** Whether the model's first choice there turned away from the written token once it saw the rest:
 * it was the first choice alone, and is not with the others in view. */
export const turnedAway = (t: { id: number; alone: SlotScore; together: SlotScore }) =>
  t.alone.guess === t.id && t.together.guess !== t.id;
