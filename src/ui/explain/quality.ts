// The reader's measures of the model card (models/pipeline/quality.py), computed in the page: words are
// lower-cased runs of the letters a to z (Python's str.lower and re "[a-z]+"; quality.fixture.json holds
// the two together), a 3-gram is repeated when it occurred earlier in the same passage, and a word is
// invented when the training books never had it (the list in models/unmask-small/words.txt).

const WORD = /[a-z]+/g;

export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** [repeated 3-grams, 3-grams] of one passage (quality.py `repeated_counts`). */
export function repeatedCounts(ws: readonly string[], n = 3): [number, number] {
  const seen = new Set<string>();
  let rep = 0;
  for (let j = 0; j + n <= ws.length; j++) {
    const g = ws.slice(j, j + n).join(' ');
    if (seen.has(g)) rep++;
    seen.add(g);
  }
  return [rep, Math.max(ws.length - n + 1, 0)];
}

/** The words a run wrote: the passage's words less one of each word of the given text (prompt or template). */
export function generatedWords(passage: string, given: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const w of given.flatMap(words)) left.set(w, (left.get(w) ?? 0) + 1);
  return words(passage).filter((w) => {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    return n === 0;
  });
}

export interface Quality {
  words: number;
  invented: number;
  repeated: number;
  trigrams: number;
}

/** Both measures of one run's passage (prompt included for the 3-grams, as the card counts them). */
export function qualityOf(passage: string, given: readonly string[], vocab: ReadonlySet<string>): Quality {
  const gen = generatedWords(passage, given);
  const [repeated, trigrams] = repeatedCounts(words(passage));
  return { words: gen.length, invented: gen.filter((w) => !vocab.has(w)).length, repeated, trigrams };
}

/** The word list as the page fetches it: one word a line. */
/** The front-coded list (models/pipeline/quality.py, front_code): each line is one digit, the letters
 * shared with the word before, then the rest of the word. */
export function parseWordList(text: string): Set<string> {
  const out = new Set<string>();
  let prev = '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    prev = prev.slice(0, Number(line[0])) + line.slice(1);
    out.add(prev);
  }
  return out;
}
