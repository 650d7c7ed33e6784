// What the inspector looks at, from a run as the store keeps it (no DOM): for a slot and the step the
// timeline shows, which forward pass holds its numbers (the step shown, or for a slot resolved before
// it the step that resolved it), that pass's canvas, and what the frames themselves kept about it.
import { passOf, type PassInput } from '../../engine/inspect';
import type { InnerStrategy, Strategy } from '../../engine';
import { canvasAt, type RunView } from '../../store/run';

export type InspectTarget =
  | { kind: 'none'; why: string }
  | {
      kind: 'pass';
      /** The step whose pass the numbers come from (1-based). */
      step: number;
      /** 'here': resolved by that pass; 'earlier': resolved before the step shown, at `step`;
       * 'masked': left masked by that pass. */
      how: 'here' | 'earlier' | 'masked';
      /** For a slot the pass resolved: the token the run wrote and its p (the frame's confidence). */
      written: { id: number; p: number } | null;
      /** For a slot left masked: the draft the frame kept (the argmax of p) and its p. */
      draft: { id: number; p: number } | null;
      /** How many slots the schedule committed at that step. */
      committed: number;
      pass: PassInput;
    };

export function inspectTarget(run: RunView, shown: number, slot: number): InspectTarget {
  if (!(slot >= 0 && slot < run.ids.length)) return { kind: 'none', why: 'That token is not on this canvas.' };
  if (run.given[slot]) return { kind: 'none', why: 'Given text: you wrote this, the model did not draw it.' };
  if (run.fixed[slot])
    return { kind: 'none', why: 'Kept from the passage before this re-imagine: no step of this run drew it.' };
  if (run.frames.length === 0) return { kind: 'none', why: 'No step has run yet: the first pass is still to come.' };
  const at = canvasAt(run, shown);
  const masked = at.ids[slot] === run.maskId;
  // A slot masked on the canvas shown is left masked by the pass of the step shown; at step 0 (the
  // canvas before any pass) the first pass is the one to look at, and it may resolve the slot.
  const step = masked ? Math.max(1, at.step) : at.resolvedAt[slot];
  if (step < 1) return { kind: 'none', why: 'No step of this run resolved that token.' };
  const frame = run.frames[step - 1];
  const r = frame.resolved.indexOf(slot);
  const how = r < 0 ? 'masked' : step === Math.max(1, at.step) ? 'here' : 'earlier';
  const draftId = frame.draftIds?.[slot] ?? -1;
  return {
    kind: 'pass',
    step,
    how,
    written: r >= 0 ? { id: frame.ids[slot], p: frame.confidences[r] ?? 0 } : null,
    draft: r < 0 && draftId >= 0 ? { id: draftId, p: frame.draftProbs?.[slot] ?? 0 } : null,
    committed: frame.resolved.length,
    pass: passOf(run.initialIds, run.fixed, run.frames, step, run.settings, run.maskId),
  };
}

/** What the score of each strategy is, in words. */
export function scoreName(strategy: Strategy, inner: InnerStrategy): string {
  switch (strategy === 'blocks' ? inner : strategy) {
    case 'confidence':
      return 'confidence (p of its drawn token)';
    case 'margin':
      return 'margin (p of the top token minus p of the runner-up)';
    case 'entropy':
      return 'certainty (minus the entropy of p)';
    case 'random':
      return 'a random number (random order)';
    default:
      return 'position (leftmost first)';
  }
}

/** One plain sentence on why the drawn token need not be the most likely one. */
export function whyNotTheTop(temperature: number, topK: number, topP: number): string {
  if (temperature === 0) {
    return 'At temperature 0 the run always takes the most likely token; at any other temperature it draws at random in proportion to the second bars, so a less likely token is sometimes drawn, which keeps the text from looping on its safest words.';
  }
  const cuts = [
    topK > 0 ? `the top ${topK}` : '',
    topP < 1 ? `the fewest tokens holding ${Math.round(topP * 100)}% of it` : '',
  ].filter(Boolean);
  const only = cuts.length > 0 ? ` (only ${cuts.join(' and ')} can be drawn)` : '';
  return `The drawn token need not be the most likely one: at temperature ${temperature} the run draws at random in proportion to the second bars${only}, so a less likely token wins now and then.`;
}

/** Why a slot stayed masked at its step, in one sentence: its place in the step's order against what
 * the schedule committed. Under Blocks the order is by block first (strategy.ts), and only the current
 * block may commit early under the adaptive schedule, so a sure slot of a later block waits too. */
export function whyItWaits(o: {
  top: number;
  score: number;
  rank: number;
  masked: number;
  committed: number;
  strategy: string;
  threshold: number | null;
  blocks: boolean;
}): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const slots = `${o.committed} slot${o.committed === 1 ? '' : 's'}`;
  const place = o.blocks
    ? `${ordinal(o.rank)} of ${o.masked} in the step's order (earlier blocks first, then by ${o.strategy})`
    : `${ordinal(o.rank)} of ${o.masked} by ${o.strategy}`;
  if (o.threshold !== null) {
    const bar = `the adaptive threshold of ${(100 * o.threshold).toFixed(0)}%`;
    if (o.blocks && o.top >= o.threshold)
      return `Its most likely token had p ${pct(o.top)}, above ${bar}, but it lies in a later block: only the current block's slots may commit early. The step committed ${slots}, and this one was ${place}, so it waits.`;
    return `Its most likely token had p ${pct(o.top)}, below ${bar}; the step committed the ${slots} that were sure (or the even pace), and this one was ${place}, so it waits.`;
  }
  return o.blocks
    ? `Its score by ${o.strategy} was ${o.score.toFixed(4)}, ${place}; the schedule committed ${slots} at this step, so it waits.`
    : `Its score by ${o.strategy} was ${o.score.toFixed(4)}, ${ordinal(o.rank)} of the ${o.masked} masked slots; the schedule committed ${o.committed} at this step, so it waits.`;
}

/** A token's text as a reader sees it between quotes: newlines and tabs as marks, everything else as
 * written (JSON's escapes, as in "?\"", read like code). */
export function visiblePiece(text: string): string {
  return text.replace(/\r?\n/g, '↵').replace(/\t/g, '⇥');
}

/** A token named in a sentence: its visible text between quotes. */
export const quotedPiece = (text: string) => `“${visiblePiece(text)}”`;

/** 1 → "1st", 2 → "2nd", 11 → "11th", … */
export function ordinal(n: number): string {
  const t = n % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
