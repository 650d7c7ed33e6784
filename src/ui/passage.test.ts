// The canvas text against the real tokenizer: runs of ids decode as the tokenizer decodes them,
// characters split across tokens show whole, given text stays as typed, words group pieces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { loadTokenizer } from '../runtime/tokenizer';
import { MODEL_DIR, readConfig } from '../runtime/testModel';
import { applyFrame, canvasAt, startRun } from '../store/run';
import { buildPassage, passageText } from './passage';

const config = readConfig();
const tok = loadTokenizer(readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8'), config.vocab_size);
const bytes = tok.bytes();
const pieces = tok.pieces();
const MASK = config.special_ids.mask;

/** A finished run: `given` typed, then `generated` as the model's tokens. */
function finished(given: string, generated: string) {
  const g = tok.encode(given);
  const x = tok.encode(generated);
  const ids = Int32Array.from([...g, ...x.map(() => MASK)]);
  const fixed = Uint8Array.from(ids, (_, i) => (i < g.length ? 1 : 0));
  let run = startRun(1, ids, fixed, 1, DEFAULT_SETTINGS, null, 0, { givenText: [given], kept: null });
  const done = Int32Array.from([...g, ...x]);
  run = applyFrame(
    run,
    {
      step: 1,
      totalSteps: 1,
      ids: done,
      resolved: x.map((_, k) => g.length + k),
      confidences: x.map(() => 0.5),
      forwardMs: 1,
    },
    1,
  );
  return { run, g, x };
}

describe('the passage', () => {
  it('decodes generated runs as the tokenizer does, multi-byte characters whole', () => {
    const generated = ' était très naïve 🙂 日本語 ça';
    const { run, g, x } = finished('Le café “quoted”', generated);
    // Some character really is split across tokens here, or the test proves nothing.
    expect(x.some((id) => pieces[id].includes('\uFFFD'))).toBe(true);
    const slots = buildPassage(run, canvasAt(run, 1), bytes, pieces);
    expect(passageText(slots)).toBe('Le café “quoted”' + tok.decode(x));
    expect(slots.some((s) => s.text.includes('\uFFFD'))).toBe(false);
    expect(slots[0]).toMatchObject({ state: 'given', text: 'Le café “quoted”' });
    expect(slots).toHaveLength(1 + x.length);
    expect(g.length).toBeGreaterThan(1);
  });

  it('groups the pieces of a word and starts a word at a space', () => {
    const { run } = finished('Once', ' extraordinarily wonderful');
    const slots = buildPassage(run, canvasAt(run, 1), bytes, pieces).filter((s) => s.state === 'resolved');
    const words = new Map<number, string>();
    for (const s of slots) words.set(s.word, (words.get(s.word) ?? '') + s.text);
    expect([...words.values()]).toEqual([' extraordinarily', ' wonderful']);
  });

  it('shows drafts for masked slots, decoded together, and masked slots add no text', () => {
    const { run, g, x } = finished('The', ' naïve fox');
    const n = g.length + x.length;
    const draftIds = new Int32Array(n).fill(-1);
    const draftProbs = new Float32Array(n);
    x.forEach((id, k) => {
      draftIds[g.length + k] = id;
      draftProbs[g.length + k] = 0.4;
    });
    const ids = Int32Array.from([...g, ...x.map(() => MASK)]);
    const at = { ...canvasAt(run, 1), ids, draftIds, draftProbs };
    const slots = buildPassage(run, at, bytes, pieces);
    expect(
      slots
        .filter((s) => s.state === 'masked')
        .map((s) => s.draft)
        .join(''),
    ).toBe(' naïve fox');
    expect(passageText(slots)).toBe('The');
  });
});
