// config.json's byte pieces: checked on load, and the list the pipeline wrote is exactly the ids the
// JS tokenizer cannot decode alone (the sampler's 2a, SAMPLING.md, depends on the two agreeing).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelConfig, samplerIds } from './config';
import { MODEL_DIR, readConfig } from './testModel';
import { loadTokenizer } from './tokenizer';

const shipped = readConfig();

describe('byte_pieces in config.json', () => {
  it('refuses ids outside the vocabulary, special ids and non-lists, and names the field', () => {
    for (const bad of [[shipped.vocab_size], [shipped.special_ids.mask], [-1], [1.5], 'all']) {
      expect(() => parseModelConfig({ ...shipped, byte_pieces: bad })).toThrow(/byte_pieces/);
    }
    expect(parseModelConfig({ ...shipped, byte_pieces: [] }).byte_pieces).toEqual([]);
  });

  it('is optional: a model shipped before the rule samples with the special ids alone', () => {
    const { byte_pieces: _, ...older } = shipped;
    expect(samplerIds(parseModelConfig(older))).toEqual({ ...shipped.special_ids, never: [] });
  });

  it('lists exactly the ids the tokenizer decodes alone to U+FFFD', () => {
    const tok = loadTokenizer(readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8'), shipped.vocab_size);
    const special = new Set(Object.values(shipped.special_ids));
    const undecodable: number[] = [];
    for (let id = 0; id < shipped.vocab_size; id++) {
      if (!special.has(id) && tok.decode([id]).includes('\uFFFD')) undecodable.push(id);
    }
    expect(undecodable.length).toBeGreaterThan(0); // a byte-level vocabulary always has some
    expect(shipped.byte_pieces).toEqual(undecodable);
    expect(samplerIds(shipped).never).toEqual(undecodable);
  });
});
