// SAMPLING.md 2b': the ids a masked slot may not take because they would write an n-gram of tokens
// the canvas already holds (the rule Hugging Face calls no_repeat_ngram_size, read both ways: a
// diffusion canvas fills in any order, so the slot may sit anywhere in the n-gram). Written by hand:
// no library bans n-grams on a canvas filled out of order. The canvas holds at most a context of
// ids (128), so a plain scan, O(N·n²) per slot, costs less than one pass over a row of logits.
import { isSpecial } from './sampling';
import type { SpecialIds } from './types';

/** Smallest and largest n the rule takes; 0 turns it off. */
export const MIN_NGRAM = 2;
export const MAX_NGRAM = 6;

/**
 * The ids that slot i may not take under `n` (0 = off): for each run of n positions holding i whose
 * other positions all hold known tokens (not [PAD], [MASK] or [EOS]), the id at i's place in every
 * other all-known run of the canvas that equals it everywhere else. Ascending, without repeats.
 */
export function repeatedNgramBans(ids: Int32Array, i: number, n: number, special: SpecialIds): number[] {
  if (n < MIN_NGRAM) return [];
  const N = ids.length;
  const bans = new Set<number>();
  for (let o = 0; o < n; o++) {
    const start = i - o; // the run ids[start .. start + n - 1], with i at offset o
    if (start < 0 || start + n > N) continue;
    let whole = true;
    for (let k = 0; k < n && whole; k++) whole = k === o || !isSpecial(ids[start + k], special);
    if (!whole) continue;
    for (let t = 0; t + n <= N; t++) {
      if (t === start || isSpecial(ids[t + o], special)) continue;
      let same = true;
      for (let k = 0; k < n && same; k++) same = k === o || ids[t + k] === ids[start + k];
      if (same) bans.add(ids[t + o]);
    }
  }
  return [...bans].sort((a, b) => a - b);
}
