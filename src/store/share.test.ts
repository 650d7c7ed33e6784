import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, type FormState } from './form';
import { decodeShare, encodeShare } from './share';

const form = (patch: Partial<FormState>): FormState => ({
  ...DEFAULT_FORM,
  ...patch,
  settings: { ...DEFAULT_FORM.settings, ...(patch.settings ?? {}) },
});

describe('share links', () => {
  it('round-trips a prompt-mode form with every setting', () => {
    const f = form({
      prompt: 'Once upon a time & "then" #1\nnext line',
      length: 40,
      settings: {
        ...DEFAULT_FORM.settings,
        steps: 12,
        temperature: 0,
        topK: 7,
        topP: 0.5,
        seed: 4242,
        schedule: 'cosine',
        strategy: 'blocks',
        blockLength: 5,
        blockStrategy: 'entropy',
        repetitionPenalty: 1.3,
        repetitionWindow: 9,
        noRepeatNgram: 4,
        refineRounds: 3,
        refineFraction: 0.35,
      },
    });
    expect(encodeShare(f)).toContain('refine=3');
    expect(encodeShare(f)).toContain('norep=4');
    expect(decodeShare('#' + encodeShare(f), DEFAULT_FORM)?.form).toEqual(f);
  });

  it('runs a link shared before no-repeated-n-grams existed without it, as it ran then', () => {
    const old = decodeShare('#mode=prompt&prompt=hi&length=12&steps=8&temp=0.8', DEFAULT_FORM);
    expect(DEFAULT_FORM.settings.noRepeatNgram).toBe(3);
    expect(old?.form.settings.noRepeatNgram).toBe(0);
    expect(old?.changed).toContain('no repeated phrases off (an older link: its run had none)');
    expect(decodeShare('#mode=prompt&prompt=hi&steps=8&norep=4', DEFAULT_FORM)?.form.settings.noRepeatNgram).toBe(4);
    // A link that names no settings at all (only a prompt) keeps the form's.
    expect(decodeShare('#prompt=hi', DEFAULT_FORM)?.form.settings.noRepeatNgram).toBe(3);
  });

  it('a length that is no count of tokens is said and replaced, as a non-number is', () => {
    const link = decodeShare('#prompt=x&length=-3&blank=2.5', DEFAULT_FORM);
    expect(link?.form.length).toBe(DEFAULT_FORM.length);
    expect(link?.problems).toEqual([
      `The blank length 2.5 is not a whole number of tokens, 1 or more; using ${DEFAULT_FORM.blankLength}.`,
      `The length -3 is not a whole number of tokens, 1 or more; using ${DEFAULT_FORM.length}.`,
    ]);
  });

  it('names the settings a link changed as the controls do', () => {
    const link = decodeShare('#prompt=x&steps=8&topk=40&norep=4&refine=0&strategy=entropy', DEFAULT_FORM);
    expect(link?.changed).toEqual(
      expect.arrayContaining([
        'top-k 40',
        'no repeated phrases of 4 tokens',
        'refinement off',
        'unmasking order entropy',
      ]),
    );
  });

  it('a link from before refinement (no refine) runs without it, as its run did', () => {
    expect(DEFAULT_FORM.settings.refineRounds).toBeGreaterThan(0);
    const old = decodeShare('#mode=prompt&prompt=hi&length=12&steps=8&temp=0.8', DEFAULT_FORM);
    expect(old?.form.settings.refineRounds).toBe(0);
    expect(old?.changed).toContain('refinement off (an older link: its run had none)');
    expect(decodeShare('#mode=prompt&prompt=hi&steps=8&refine=3', DEFAULT_FORM)?.form.settings.refineRounds).toBe(3);
    expect(decodeShare('#prompt=hi', DEFAULT_FORM)?.form.settings.refineRounds).toBe(
      DEFAULT_FORM.settings.refineRounds,
    );
  });

  it('carries the adaptive schedule and its threshold', () => {
    const f = form({ settings: { ...DEFAULT_FORM.settings, schedule: 'adaptive', threshold: 0.75 } });
    expect(encodeShare(f)).toContain('schedule=adaptive');
    expect(encodeShare(f)).toContain('tau=0.75');
    expect(decodeShare('#' + encodeShare(f), DEFAULT_FORM)?.form.settings).toMatchObject({
      schedule: 'adaptive',
      threshold: 0.75,
    });
    // A link from before the threshold existed keeps the form's own.
    const old = decodeShare(
      '#mode=prompt&prompt=hi&schedule=adaptive',
      form({ settings: { ...DEFAULT_FORM.settings, threshold: 0.6 } }),
    );
    expect(old?.form.settings.threshold).toBe(0.6);
  });

  it('round-trips a fill-mode template and keeps the base prompt', () => {
    const base = form({ prompt: 'kept' });
    const f = form({ mode: 'fill', template: 'A [___] and a [12].', blankLength: 5, prompt: 'kept' });
    const back = decodeShare(encodeShare(f), base)?.form;
    expect(back?.mode).toBe('fill');
    expect(back?.template).toBe('A [___] and a [12].');
    expect(back?.blankLength).toBe(5);
    expect(back?.prompt).toBe('kept');
  });

  it('is not a share link without any of its keys', () => {
    expect(decodeShare('#section-2', DEFAULT_FORM)).toBeNull();
    expect(decodeShare('', DEFAULT_FORM)).toBeNull();
  });

  it('keeps base values for fields that are not numbers', () => {
    const link = decodeShare('#mode=prompt&prompt=hi&steps=lots&seed=', DEFAULT_FORM);
    const back = link?.form;
    expect(back?.prompt).toBe('hi');
    expect(back?.settings.steps).toBe(DEFAULT_FORM.settings.steps);
    expect(back?.settings.seed).toBe(DEFAULT_FORM.settings.seed);
  });

  it('carries the model: a model this build offers is taken and named among the changes', () => {
    const f = form({ prompt: 'hi' });
    const hash = encodeShare(f, 'unmask-copy');
    expect(new URLSearchParams(hash).get('model')).toBe('unmask-copy');
    const models = { available: ['unmask-small', 'unmask-copy'], current: 'unmask-small' };
    const link = decodeShare('#' + hash, f, models);
    expect(link).toMatchObject({ model: 'unmask-copy', problems: [], changed: ['model unmask-copy'] });
    expect(link?.form).toEqual(f);
    // The same model as the current one is no change.
    expect(decodeShare(hash, f, { ...models, current: 'unmask-copy' })).toMatchObject({
      model: 'unmask-copy',
      changed: [],
    });
  });

  it('a model this build lacks keeps the current one and is reported; the rest of the link still applies', () => {
    const link = decodeShare('#prompt=hi&steps=3&model=unmask-huge', DEFAULT_FORM, {
      available: ['unmask-small'],
      current: 'unmask-small',
    });
    expect(link?.model).toBeNull();
    expect(link?.problems).toEqual(['The model "unmask-huge" is not in this version of the app; kept unmask-small.']);
    expect(link?.form.settings.steps).toBe(3);
    expect(link?.changed).not.toContain('model unmask-huge');
    expect(decodeShare('#model=x', DEFAULT_FORM)?.problems).toEqual([
      'The model "x" is not in this version of the app; kept the current model.',
    ]);
  });

  it('a link without a model (an older link, or one made before the model was known) leaves the model alone', () => {
    expect(encodeShare(DEFAULT_FORM)).not.toContain('model=');
    const link = decodeShare('#' + encodeShare(DEFAULT_FORM), DEFAULT_FORM, {
      available: ['unmask-small'],
      current: 'unmask-small',
    });
    expect(link).toMatchObject({ model: null, problems: [], changed: [] });
  });

  it('carries an explainer state: a step, an inspected slot, a noise level', () => {
    const hash = '#' + encodeShare(DEFAULT_FORM, null, { step: 6, slot: 11, noise: 0.35 });
    expect(hash).toContain('at=6');
    expect(decodeShare(hash, DEFAULT_FORM)).toMatchObject({
      explain: { step: 6, slot: 11, noise: 0.35 },
      problems: [],
      changed: [],
    });
    expect(encodeShare(DEFAULT_FORM)).not.toMatch(/at=|slot=|noise=/);
    expect(decodeShare('#' + encodeShare(DEFAULT_FORM), DEFAULT_FORM)?.explain).toEqual({
      step: null,
      slot: null,
      noise: null,
    });
    // A link with only an explainer key is still a link.
    expect(decodeShare('#noise=1', DEFAULT_FORM)?.explain.noise).toBe(1);
  });

  it('leaves out an explainer value it cannot use, and says so', () => {
    const link = decodeShare('#at=0&slot=2.5&noise=1.5', DEFAULT_FORM);
    expect(link?.explain).toEqual({ step: null, slot: null, noise: null });
    expect(link?.problems).toEqual([
      'The link\'s step "0" is not a whole number of 1 or more; left out.',
      'The link\'s inspected slot "2.5" is not a whole number of 0 or more; left out.',
      'The link\'s noise level "1.5" is not between 0 and 1; left out.',
    ]);
  });
});
