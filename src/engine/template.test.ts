import { describe, expect, it } from 'vitest';
import { buildCanvas, parseTemplate, TemplateError } from './template';
import type { Segment } from './types';

// A stand-in tokenizer: one token per character (id = char code + 10), so counts are easy to read.
const encode = (text: string) => [...text].map((c) => c.charCodeAt(0) + 10);
const MASK = 1;

describe('parseTemplate', () => {
  it('splits text and blanks, in order', () => {
    expect(parseTemplate('The [___] sat on the [3].')).toEqual([
      { kind: 'text', text: 'The' },
      { kind: 'blank', length: 8 },
      { kind: 'text', text: ' sat on the' },
      { kind: 'blank', length: 3 },
      { kind: 'text', text: '.' },
    ]);
  });

  it('uses the given default length for [___] and accepts any number of underscores', () => {
    expect(parseTemplate('[_][__________][ 5 ]', 4)).toEqual([
      { kind: 'blank', length: 4 },
      { kind: 'blank', length: 4 },
      { kind: 'blank', length: 5 },
    ]);
  });

  it('drops spaces before a blank but keeps newlines and spaces elsewhere', () => {
    expect(parseTemplate('  Hi \t[2]  there\n[2] ')).toEqual([
      { kind: 'text', text: '  Hi' },
      { kind: 'blank', length: 2 },
      { kind: 'text', text: '  there\n' },
      { kind: 'blank', length: 2 },
      { kind: 'text', text: ' ' },
    ]);
  });

  it('leaves brackets that are not blanks as text', () => {
    expect(parseTemplate('a [b] [1x] [] c')).toEqual([{ kind: 'text', text: 'a [b] [1x] [] c' }]);
    expect(parseTemplate('')).toEqual([]);
  });
});

describe('buildCanvas', () => {
  it('tokenizes text segments on their own and fills blanks with masks', () => {
    const seen: string[] = [];
    const c = buildCanvas(
      [
        { kind: 'text', text: 'ab' },
        { kind: 'blank', length: 3 },
        { kind: 'text', text: 'c' },
      ],
      (t) => (seen.push(t), encode(t)),
      MASK,
      128,
    );
    expect(seen).toEqual(['ab', 'c']);
    expect([...c.ids]).toEqual([107, 108, MASK, MASK, MASK, 109]);
    expect([...c.fixed]).toEqual([1, 1, 0, 0, 0, 1]);
  });

  it('builds prompt mode as text then a blank', () => {
    const c = buildCanvas(parseTemplate('Once[4]'), encode, MASK, 8);
    expect([...c.fixed]).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
  });

  it('fits exactly the context and refuses one token more', () => {
    expect(buildCanvas([{ kind: 'blank', length: 128 }], encode, MASK, 128).ids.length).toBe(128);
    const tooLong = () =>
      buildCanvas(
        [
          { kind: 'text', text: 'x' },
          { kind: 'blank', length: 128 },
        ],
        encode,
        MASK,
        128,
      );
    expect(tooLong).toThrow(TemplateError);
    expect(tooLong).toThrow(/The template needs 129 tokens.*at most 128\. Shorten the text or the blanks/);
  });

  it('speaks of the prompt and the length in prompt mode', () => {
    const segs = [
      { kind: 'text' as const, text: 'x' },
      { kind: 'blank' as const, length: 128 },
    ];
    expect(() => buildCanvas(segs, encode, MASK, 128, 'prompt')).toThrow(
      'The prompt and length need 129 tokens but the model reads at most 128. With this prompt (1 token) the length can be at most 127; or shorten the prompt.',
    );
    const long = [
      { kind: 'text' as const, text: 'x'.repeat(130) },
      { kind: 'blank' as const, length: 4 },
    ];
    expect(() => buildCanvas(long, (t) => [...t].map(() => 7), MASK, 128, 'prompt')).toThrow(
      'The prompt and length need 134 tokens but the model reads at most 128. The prompt alone is 130 tokens: shorten it.',
    );
  });

  it('refuses a huge blank without filling memory', () => {
    expect(() => buildCanvas([{ kind: 'blank', length: 1e12 }], encode, MASK, 128)).toThrow(TemplateError);
  });

  it.each([0, -1, 2.5, Number.NaN])('refuses a blank of %s tokens', (length) => {
    expect(() => buildCanvas([{ kind: 'blank', length }], encode, MASK, 128)).toThrow(TemplateError);
  });

  it('refuses an empty template', () => {
    expect(() => buildCanvas([], encode, MASK, 128)).toThrow(/empty/);
    expect(() => buildCanvas([{ kind: 'text', text: '' }], encode, MASK, 128)).toThrow(TemplateError);
  });

  it('refuses text that tokenizes to another reserved token, naming it', () => {
    const EOS = 2;
    const withEos = (t: string) => (t === 'end [EOS]' ? [40, EOS] : encode(t));
    const reserved = { '[EOS]': EOS, '[PAD]': 0 };
    const segs: Segment[] = [
      { kind: 'text', text: 'end [EOS]' },
      { kind: 'blank', length: 4 },
    ];
    expect(() => buildCanvas(segs, withEos, MASK, 128, 'prompt', reserved)).toThrow(
      'The text contains [EOS], a marker the model reserves for itself. Remove it, or write it another way, such as (EOS).',
    );
    // Without the reserved ids (an older caller) the same text passes: the check is what refuses it.
    expect(buildCanvas(segs, withEos, MASK, 128, 'prompt').ids.length).toBe(6);
  });

  it('refuses text that tokenizes to [MASK]', () => {
    const withMask = (t: string) => (t === '[MASK]' ? [MASK] : encode(t));
    expect(() => buildCanvas([{ kind: 'text', text: '[MASK]' }], withMask, MASK, 128)).toThrow(
      /contains the \[MASK\] token.*Use a blank such as \[___\]/,
    );
    // A prompt reads no blanks: its advice is to remove it, or to mark gaps in the fill mode.
    const prompt = [
      { kind: 'text' as const, text: '[MASK]' },
      { kind: 'blank' as const, length: 4 },
    ];
    expect(() => buildCanvas(prompt, withMask, MASK, 128, 'prompt')).toThrow(
      /Remove it; .*switch to Fill in the blanks/,
    );
  });

  it('allows a canvas without blanks (the run then has no step)', () => {
    const c = buildCanvas([{ kind: 'text', text: 'done' }], encode, MASK, 128);
    expect([...c.fixed]).toEqual([1, 1, 1, 1]);
  });
});
