import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { DEFAULT_FORM } from './form';
import { DEFAULT_VIEW, MAX_TEXT, parseForm, parseSettings, parseViewPrefs } from './schema';

describe('the form schema', () => {
  it('gives the defaults for a value that is not a form, and says so', () => {
    for (const raw of [null, 42, 'text', [1, 2]]) {
      const { value, problems } = parseForm(raw);
      expect(value).toEqual(DEFAULT_FORM);
      expect(problems).toEqual(['The saved form was not readable; using the defaults.']);
    }
    expect(parseForm(undefined).problems).toEqual([]);
  });

  it('replaces a null prompt (the blank-page case) and keeps every good field', () => {
    const { value, problems } = parseForm({ prompt: null, template: 'Mine [___]', mode: 'fill', length: 20 });
    expect(value.prompt).toBe(DEFAULT_FORM.prompt);
    expect(value.template).toBe('Mine [___]');
    expect(value.mode).toBe('fill');
    expect(value.length).toBe(20);
    expect(value.settings).toEqual(DEFAULT_SETTINGS);
    expect(problems).toEqual(['The saved prompt was not text; using the default.']);
  });

  it('falls back per field: unknown mode, non-numbers, unknown choices', () => {
    const { value, problems } = parseForm({
      mode: 'poem',
      blankLength: 'x',
      settings: { strategy: 'zigzag', schedule: 'cosine', steps: '8', temperature: Infinity, seed: 7, topK: null },
    });
    expect(value.mode).toBe('prompt');
    expect(value.blankLength).toBe(DEFAULT_FORM.blankLength);
    expect(value.settings).toEqual({ ...DEFAULT_SETTINGS, schedule: 'cosine', seed: 7 });
    const expected = [
      'Unknown mode "poem"; using prompt.',
      `The blank length "x" is not a number; using ${DEFAULT_FORM.blankLength}.`,
      `Steps "8" is not a number; using ${DEFAULT_SETTINGS.steps}.`,
      `Temperature null is not a number; using ${DEFAULT_SETTINGS.temperature}.`,
      `Top-k null is not a number; using ${DEFAULT_SETTINGS.topK}.`,
      `Unknown unmasking order "zigzag"; using ${DEFAULT_SETTINGS.strategy}.`,
    ];
    expect(problems).toHaveLength(expected.length);
    expect(problems).toEqual(expect.arrayContaining(expected));
  });

  it('keeps out-of-range numbers (the engine clamps and explains them when a run starts)', () => {
    const { value, problems } = parseSettings({ steps: 500, temperature: -2 });
    expect(value.steps).toBe(500);
    expect(value.temperature).toBe(-2);
    expect(problems).toEqual([]);
  });

  it('takes missing and wrong settings from the base it is given, not only the defaults', () => {
    const base = { ...DEFAULT_SETTINGS, strategy: 'entropy' as const, steps: 9 };
    const { value } = parseSettings({ strategy: 'nope' }, base);
    expect(value.strategy).toBe('entropy');
    expect(value.steps).toBe(9);
  });

  it('cuts a huge prompt to MAX_TEXT characters', () => {
    const { value, problems } = parseForm({ prompt: 'a'.repeat(MAX_TEXT + 10) });
    expect(value.prompt).toHaveLength(MAX_TEXT);
    expect(problems[0]).toMatch(/longer than/);
  });

  it('view preferences: a saved on/off is kept, anything else is the default (drafts on) with a sentence', () => {
    expect(DEFAULT_VIEW.showDraft).toBe(true);
    expect(parseViewPrefs(undefined)).toEqual({ value: { showDraft: true }, problems: [] });
    expect(parseViewPrefs({ showDraft: false })).toEqual({ value: { showDraft: false }, problems: [] });
    expect(parseViewPrefs({})).toEqual({ value: { showDraft: true }, problems: [] });
    expect(parseViewPrefs({ showDraft: 'no' })).toEqual({
      value: { showDraft: true },
      problems: ['The saved "Show the draft" value "no" is neither on nor off; using the default (on).'],
    });
    for (const raw of [null, 0, 'off', [false]]) {
      expect(parseViewPrefs(raw)).toEqual({
        value: { showDraft: true },
        problems: ['The saved view preferences were not readable; using the defaults.'],
      });
    }
  });
});
