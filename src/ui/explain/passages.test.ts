import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePassages, passageLabel } from './passages';

const passage = { book: 'DNov/GE.txt', text: 'abc', ids: [3, 4, 5] };

describe('the noise panel names a passage by its book', () => {
  it('says title and author, a tale by its collection, an older file by its path', () => {
    expect(passageLabel({ ...passage, title: 'Great Expectations', author: 'Charles Dickens' })).toBe(
      'Great Expectations, by Charles Dickens',
    );
    expect(passageLabel({ ...passage, book: 'Grimm/the_masterthief.txt', title: 'The Masterthief' })).toBe(
      'The Masterthief (Grimm)',
    );
    expect(passageLabel(passage)).toBe('GE.txt · DNov');
  });

  it('refuses a file whose titles are not text', () => {
    const file = (p: object) => JSON.stringify({ passages: [{ ...passage, ...p }] });
    expect(parsePassages(file({ title: 'Emma' })).passages[0].title).toBe('Emma');
    expect(() => parsePassages(file({ title: 7 }))).toThrow('holds no passages');
    expect(() => parsePassages(file({ author: ['A', 'B'] }))).toThrow('holds no passages');
  });

  it('names every shipped passage by a title, not a file name', () => {
    const shipped = parsePassages(readFileSync('models/unmask-small/passages.json', 'utf8'));
    const labels = shipped.passages.map(passageLabel);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).not.toMatch(/\.txt/);
  });
});
