// The canvas as prose: what each slot shows at a step. Text is decoded over runs of ids the way
// the tokenizer's byte-level decoder does (a streaming UTF-8 decoder over the run's bytes), so a
// character split across tokens shows whole, on the token that completes it. Given text is the
// user's own, exactly as typed. Words are the units of selection: a token whose text starts with
// a space or follows a newline starts one.
import type { TokenBytes } from '../runtime/tokenizer';
import { canvasAt, stateAt, type CanvasAt, type RunView, type SlotState } from '../store/run';

export interface Slot {
  /** Position in the canvas (the first one of a given run). */
  index: number;
  state: SlotState;
  /** Given: the typed text; resolved: the decoded text, its leading space included; masked: ''. */
  text: string;
  /** The model's current guess for a masked slot (decoded with its masked neighbours), or null. */
  draft: string | null;
  draftP: number;
  /** First position of the word the slot belongs to. */
  word: number;
}

/** Streams bytes of consecutive ids to text; `flush` ends a run (an unfinished character shows as �). */
class RunDecoder {
  private dec = new TextDecoder('utf-8');
  constructor(
    private bytes: TokenBytes | null,
    private pieces: readonly string[],
  ) {}
  push(id: number): string {
    if (!this.bytes) return this.pieces[id] ?? '';
    const { data, offsets } = this.bytes;
    return this.dec.decode(data.subarray(offsets[id], offsets[id + 1]), { stream: true });
  }
  flush(): string {
    return this.bytes ? this.dec.decode() : '';
  }
}

export function buildPassage(run: RunView, at: CanvasAt, bytes: TokenBytes | null, pieces: readonly string[]): Slot[] {
  const out: Slot[] = [];
  const text = new RunDecoder(bytes, pieces);
  const draft = new RunDecoder(bytes, pieces);
  let lastText: Slot | null = null; // the slot the text decoder's pending bytes belong to
  let lastDraft: Slot | null = null;
  const endText = () => {
    const rest = text.flush();
    if (lastText && rest) lastText.text += rest;
    lastText = null;
  };
  const endDraft = () => {
    const rest = draft.flush();
    if (lastDraft && rest) lastDraft.draft += rest;
    lastDraft = null;
  };
  let givenRun = 0;
  for (let i = 0; i < at.ids.length; i++) {
    const state = stateAt(run, at, i);
    if (state === 'given') {
      endText();
      endDraft();
      let j = i;
      while (j + 1 < at.ids.length && run.given[j + 1]) j++;
      // The typed text when we have it; otherwise (a run restored without it) the decoded ids.
      let typed = run.givenText[givenRun++];
      if (typed === undefined) {
        typed = '';
        for (let k = i; k <= j; k++) typed += text.push(at.ids[k]);
        typed += text.flush();
      }
      out.push({ index: i, state, text: typed, draft: null, draftP: 0, word: i });
      i = j;
      continue;
    }
    if (state === 'masked') {
      endText();
      const id = at.draftIds?.[i] ?? -1;
      const slot: Slot = { index: i, state, text: '', draft: null, draftP: 0, word: i };
      if (id >= 0) {
        slot.draft = draft.push(id);
        slot.draftP = at.draftProbs?.[i] ?? 0;
        lastDraft = slot;
      } else endDraft();
      out.push(slot);
      continue;
    }
    endDraft();
    const slot: Slot = { index: i, state, text: text.push(at.ids[i]), draft: null, draftP: 0, word: i };
    lastText = slot;
    out.push(slot);
  }
  endText();
  endDraft();
  // Words: a resolved token joins the word before it unless it starts with white space or the
  // slot before it is given, masked, or ends a line.
  for (let k = 1; k < out.length; k++) {
    const s = out[k];
    const prev = out[k - 1];
    if (s.state === 'resolved' && prev.state === 'resolved' && !/^\s/.test(s.text) && !prev.text.endsWith('\n'))
      s.word = prev.word;
  }
  return out;
}

/** The passage as displayed (given text and resolved tokens; masked slots add nothing). */
export function passageText(slots: readonly Slot[]): string {
  let s = '';
  for (const slot of slots) s += slot.text;
  return s;
}

/** A token's text split into its leading spaces (outside the token's mark) and the rest. */
export function splitLead(text: string): { lead: string; body: string } {
  const lead = /^[ \t]*/.exec(text)?.[0] ?? '';
  return lead.length === text.length ? { lead: '', body: text } : { lead, body: text.slice(lead.length) };
}

/** The text of a run's latest canvas as the canvas shows it (what "Copy text" copies). */
export function runText(run: RunView, bytes: TokenBytes | null, pieces: readonly string[]): string {
  return passageText(buildPassage(run, canvasAt(run, run.frames.length), bytes, pieces));
}
