// Templates: the fill-in-the-blanks syntax users type, and the canvas a list of segments becomes
// (SAMPLING.md, "Canvas").
import type { Canvas, Segment } from './types';

/** A template the model cannot run; `message` is written for the user. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export const DEFAULT_BLANK = 8;

// "[___]" (any number of underscores) is a blank of the default length, "[12]" one of 12 tokens.
const BLANK = /\[\s*(_+|\d+)\s*\]/g;
// Spaces and tabs, not newlines: "\n" is a token of its own that the user meant to keep.
const TRAILING_SPACE = /[ \t]+$/;

/**
 * Splits typed text into text and blank segments. Never throws: lengths are checked by
 * buildCanvas, so the UI can parse on every keystroke.
 *
 * Spaces right before a blank are dropped. The tokenizer (byte-level BPE, GPT-2 style) puts a
 * word's space in front of it (" cat"), so "The [___]" would otherwise end its text with a lone
 * space token the model rarely saw, and the blank would be filled without the word's own space.
 */
/** How many slots of a canvas the model has to fill (the positions that are not given). */
export function maskedCount(fixed: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < fixed.length; i++) if (!fixed[i]) m++;
  return m;
}

/** Prompt mode: the prompt (spaces before the blank dropped, as in parseTemplate), then one blank. A
 * prompt of only spaces, tabs and newlines is no prompt: the model writes from nothing, as for an empty one. */
export function promptSegments(prompt: string, length: number): Segment[] {
  const text = prompt.trim() === '' ? '' : prompt.replace(TRAILING_SPACE, '');
  const segments: Segment[] = text.length > 0 ? [{ kind: 'text', text }] : [];
  segments.push({ kind: 'blank', length });
  return segments;
}

export function parseTemplate(text: string, defaultBlank: number = DEFAULT_BLANK): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(BLANK)) {
    const start = match.index;
    const before = text.slice(last, start).replace(TRAILING_SPACE, '');
    if (before.length > 0) segments.push({ kind: 'text', text: before });
    const spec = match[1];
    const length = spec.startsWith('_') ? defaultBlank : Number.parseInt(spec, 10);
    segments.push({ kind: 'blank', length });
    last = start + match[0].length;
  }
  const rest = text.slice(last);
  if (rest.length > 0) segments.push({ kind: 'text', text: rest });
  return segments;
}

/**
 * Tokenizes each text segment on its own, in order, and adds `length` masks per blank.
 * Throws TemplateError when the canvas is empty, a blank has no valid length, the text itself
 * contains the [MASK] token (or another reserved one), or the canvas does not fit the model's context.
 */
export function buildCanvas(
  segments: Segment[],
  encode: (text: string) => number[],
  maskId: number,
  context: number,
  /** 'prompt': the segments are a prompt and a length, and the messages speak of those. */
  mode: 'prompt' | 'fill' = 'fill',
  /** The model's other special tokens by name (`[EOS]`, `[PAD]`): typed text must not become them, or
   * the model would read a control token where the canvas shows the characters. */
  reserved: Readonly<Record<string, number>> = {},
): Canvas {
  // Measure first, fill second: a blank of a billion tokens fails here instead of filling memory.
  const parts: number[][] = [];
  let total = 0;
  for (const seg of segments) {
    if (seg.kind === 'text') {
      const tokens = encode(seg.text);
      if (tokens.includes(maskId)) {
        // A prompt has no blanks (its length is the masked part): there the way out is the fill mode.
        throw new TemplateError(
          mode === 'prompt'
            ? 'The prompt contains the [MASK] token, which the model reserves for the slots it fills. Remove it; to mark a gap inside the text, switch to Fill in the blanks and write a blank such as [___] or [12].'
            : 'The text contains the [MASK] token, which the model reserves for blanks. Use a blank such as [___] or [12] instead.',
        );
      }
      for (const [name, id] of Object.entries(reserved)) {
        if (tokens.includes(id)) {
          throw new TemplateError(
            `The text contains ${name}, a marker the model reserves for itself. Remove it, or write it another way, such as (${name.replace(/[[\]]/g, '')}).`,
          );
        }
      }
      parts.push(tokens);
      total += tokens.length;
    } else {
      const n = seg.length;
      if (!Number.isInteger(n) || n < 1) {
        throw new TemplateError(`A blank needs a whole number of tokens, 1 or more (got ${String(n)}).`);
      }
      total += n;
    }
  }
  if (total > context) {
    // A prompt's blank is its length: say the length that fits with this prompt, or that none does.
    const given = total - segments.reduce((n, seg) => n + (seg.kind === 'blank' ? seg.length : 0), 0);
    const fits = context - given;
    throw new TemplateError(
      mode === 'prompt'
        ? `The prompt and length need ${total} tokens but the model reads at most ${context}. ${
            fits >= 1
              ? `With this prompt (${given} token${given === 1 ? '' : 's'}) the length can be at most ${fits}; or shorten the prompt.`
              : `The prompt alone is ${given} tokens: shorten it.`
          }`
        : `The template needs ${total} tokens but the model reads at most ${context}. Shorten the text or the blanks.`,
    );
  }
  if (total === 0) {
    throw new TemplateError('The template is empty. Type some text or add a blank such as [___].');
  }
  const ids = new Int32Array(total);
  const fixed = new Uint8Array(total);
  let at = 0;
  let part = 0;
  for (const seg of segments) {
    if (seg.kind === 'text') {
      const tokens = parts[part++];
      ids.set(tokens, at);
      fixed.fill(1, at, at + tokens.length);
      at += tokens.length;
    } else {
      ids.fill(maskId, at, at + seg.length);
      at += seg.length;
    }
  }
  return { ids, fixed };
}
