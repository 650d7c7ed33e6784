import { describe, expect, it } from 'vitest';
import fixture from './quality.fixture.json';
import { generatedWords, parseWordList, qualityOf, repeatedCounts, words } from './quality';

describe('the page counts words and 3-grams as models/pipeline/quality.py does', () => {
  const vocab = new Set(fixture.vocab);
  it.each(fixture.cases.map((c) => [JSON.stringify(c.text), c] as const))('%s', (_, c) => {
    const ws = words(c.text);
    expect(ws).toEqual(c.words);
    expect(repeatedCounts(ws)).toEqual([c.repeated, c.trigrams]);
    expect(ws.filter((w) => !vocab.has(w)).length).toBe(c.invented);
  });
});

describe('the word list', () => {
  it('decodes the front-coded lines the pipeline writes', () => {
    expect([...parseWordList('0cat\n3ch\n3s\n0dog\n0internationalisation\n9onalist\n')]).toEqual([
      'cat',
      'catch',
      'cats',
      'dog',
      'internationalisation',
      'internationalist',
    ]);
  });
});

describe('a run measured', () => {
  it('counts invented words among the generated words only, 3-grams over the whole passage', () => {
    const vocab = parseWordList('0cat\n0sat\n0the\n');
    const q = qualityOf('The blorp sat the blorp sat the blorp', ['The blorp'], vocab);
    expect(q).toEqual({ words: 6, invented: 2, repeated: 3, trigrams: 6 });
    expect(generatedWords('Once upon a time there was', ['Once upon a time'])).toEqual(['there', 'was']);
  });
});
