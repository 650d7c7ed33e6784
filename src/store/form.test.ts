import { describe, expect, it } from 'vitest';
import { DEFAULT_FORM, effectiveSettings, formProblems, maskedCountOf, segmentsOf, type FormState } from './form';

const form = (patch: Partial<FormState>): FormState => ({ ...DEFAULT_FORM, ...patch });

describe('form to request', () => {
  it('prompt mode is the prompt (without trailing spaces) then one blank', () => {
    expect(segmentsOf(form({ prompt: 'Hello there  ', length: 9 }))).toEqual([
      { kind: 'text', text: 'Hello there' },
      { kind: 'blank', length: 9 },
    ]);
    expect(segmentsOf(form({ prompt: '', length: 4 }))).toEqual([{ kind: 'blank', length: 4 }]);
    expect(segmentsOf(form({ prompt: '   \n\t  ', length: 4 }))).toEqual([{ kind: 'blank', length: 4 }]);
    expect(segmentsOf(form({ prompt: '\n  Indented', length: 4 }))[0]).toEqual({ kind: 'text', text: '\n  Indented' });
  });

  it('fill mode uses the template syntax and the chosen blank length', () => {
    const f = form({ mode: 'fill', template: 'a [___] b [3]', blankLength: 5 });
    expect(maskedCountOf(f)).toBe(8);
  });

  it('clamps steps to the masked count and says so', () => {
    const { settings, warnings } = effectiveSettings(
      form({ length: 10, settings: { ...DEFAULT_FORM.settings, steps: 50 } }),
    );
    expect(settings.steps).toBe(10);
    expect(warnings.join(' ')).toMatch(/10/);
  });

  it('reports a template without blanks and a length beyond the context', () => {
    expect(formProblems(form({ mode: 'fill', template: 'no blanks here' }), 64)).toHaveLength(1);
    expect(formProblems(form({ length: 200 }), 64)[0]).toMatch(/64/);
    expect(formProblems(form({ length: 32 }), 64)).toEqual([]);
  });
});
