// Tokenizer parity: the TS tokenizer must give exactly the ids the Python pipeline gave, or the
// model sees different input in the browser than in training.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { loadTokenizer } from './tokenizer';
import { MODEL_DIR, readConfig } from './testModel';

const config = readConfig();
const json = readFileSync(`${MODEL_DIR}/tokenizer.json`, 'utf8');
const tok = loadTokenizer(json, config.vocab_size);
// The tokenizer's own normalizer (NFC, quote folding): decoding gives the normalized text.
const rawNormalizer = new Tokenizer(JSON.parse(json), {}).normalizer;
const normalize = (text: string) => (rawNormalizer ? rawNormalizer.normalize(text) : text);
const cases: { text: string; ids: number[] }[] = JSON.parse(
  readFileSync(`${MODEL_DIR}/fixtures/tokenizer_cases.json`, 'utf8'),
);

describe('tokenizer parity with the pipeline', () => {
  it('has cases to check', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('encodes %s to the pipeline ids', (_, c) => {
    expect(tok.encode(c.text)).toEqual(c.ids);
  });

  it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))('decodes the ids of %s back to the text', (_, c) => {
    const text = tok.decode(c.ids);
    expect(text).toBe(normalize(c.text));
    expect(tok.encode(text)).toEqual(c.ids);
  });

  it('gives one display piece per id, specials by name, newline as a newline', () => {
    const pieces = tok.pieces();
    expect(pieces).toHaveLength(config.vocab_size);
    expect(pieces[config.special_ids.mask]).toBe('[MASK]');
    expect(pieces[config.newline_id]).toBe('\n');
    expect(tok.decode([config.special_ids.eos])).toBe('');
  });

  it('gives each id its bytes: decoding a run of ids from them equals the decode of the tokenizer', () => {
    const { data, offsets } = tok.bytes();
    expect(offsets).toHaveLength(config.vocab_size + 1);
    const viaBytes = (ids: number[]) =>
      new TextDecoder().decode(
        Uint8Array.from(ids.flatMap((id) => Array.from(data.subarray(offsets[id], offsets[id + 1])))),
      );
    const texts = [...cases.map((c) => c.text), 'Le café était très naïve 🙂 日本語, ça va?\nЁлка'];
    for (const text of texts) {
      const ids = tok.encode(text);
      expect(viaBytes(ids)).toBe(tok.decode(ids));
    }
    expect(offsets[config.special_ids.mask + 1] - offsets[config.special_ids.mask]).toBe(0);
    expect(viaBytes([config.newline_id])).toBe('\n');
  });
});
