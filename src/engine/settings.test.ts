import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, normalizeSettings, SETTING_NAMES } from './settings';

describe('normalizeSettings', () => {
  it('fills every field from the defaults without a warning', () => {
    expect(normalizeSettings({})).toEqual({ settings: DEFAULT_SETTINGS, warnings: [] });
  });

  it('returns valid settings unchanged', () => {
    const valid = {
      ...DEFAULT_SETTINGS,
      steps: 12,
      temperature: 0,
      topK: 40,
      topP: 0.5,
      seed: 123,
      schedule: 'cosine' as const,
      strategy: 'blocks' as const,
      blockLength: 4,
      blockStrategy: 'random' as const,
      repetitionPenalty: 1.3,
      repetitionWindow: 0,
      noRepeatNgram: 6,
      refineRounds: 16,
      refineFraction: 1,
    };
    expect(normalizeSettings(valid, 64)).toEqual({ settings: valid, warnings: [] });
  });

  it('keeps a temperature above the slider, and says what it does', () => {
    const { settings, warnings } = normalizeSettings({ temperature: 99 });
    expect(settings.temperature).toBe(99);
    expect(warnings).toEqual([
      "Temperature 99 is above 2, the slider's top: the draws come close to uniform over the tokens kept, so expect noise.",
    ]);
    expect(normalizeSettings({ temperature: 2 }).warnings).toEqual([]);
  });

  it.each([
    [{ temperature: -0.5 }, 'temperature', 0],
    [{ topP: 1.5 }, 'topP', 1],
    [{ topP: -1 }, 'topP', 0],
    [{ topK: -3 }, 'topK', 0],
    [{ topK: 2.6 }, 'topK', 3],
    [{ steps: 0 }, 'steps', 1],
    [{ steps: Number.NaN }, 'steps', DEFAULT_SETTINGS.steps],
    [{ temperature: Number.POSITIVE_INFINITY }, 'temperature', DEFAULT_SETTINGS.temperature],
    [{ seed: -1 }, 'seed', 4294967295],
    [{ seed: 7.9 }, 'seed', 7],
    [{ repetitionPenalty: 0.5 }, 'repetitionPenalty', 1],
    [{ repetitionWindow: -2 }, 'repetitionWindow', 0],
    [{ noRepeatNgram: 1 }, 'noRepeatNgram', 2],
    [{ noRepeatNgram: 9 }, 'noRepeatNgram', 6],
    [{ noRepeatNgram: -1 }, 'noRepeatNgram', 0],
    [{ noRepeatNgram: 2.5 }, 'noRepeatNgram', 3],
    [{ strategy: 'blocks', blockLength: 0 }, 'blockLength', 1],
    [{ strategy: 'sideways' }, 'strategy', DEFAULT_SETTINGS.strategy],
    [{ schedule: 'quadratic' }, 'schedule', DEFAULT_SETTINGS.schedule],
    [{ strategy: 'blocks', blockStrategy: 'blocks' }, 'blockStrategy', DEFAULT_SETTINGS.blockStrategy],
    [{ refineRounds: -1 }, 'refineRounds', 0],
    [{ refineRounds: 17 }, 'refineRounds', 16],
    [{ refineRounds: 2.4 }, 'refineRounds', 2],
    [{ refineFraction: 0 }, 'refineFraction', 0.01],
    [{ refineFraction: 1.5 }, 'refineFraction', 1],
    [{ refineFraction: Number.NaN }, 'refineFraction', DEFAULT_SETTINGS.refineFraction],
    [{ schedule: 'adaptive', threshold: 1.2 }, 'threshold', 1],
    [{ schedule: 'adaptive', threshold: -0.1 }, 'threshold', 0],
    [{ schedule: 'adaptive', threshold: Number.NaN }, 'threshold', DEFAULT_SETTINGS.threshold],
  ] as const)('clamps %o and says so', (input, key, expected) => {
    const { settings, warnings } = normalizeSettings(input as never);
    expect(settings[key]).toBe(expected);
    expect(warnings).toHaveLength(1);
    // Named as the controls name it (a field's note shows it), never by its field name.
    expect(warnings[0].toLowerCase()).toContain(SETTING_NAMES[key]);
    if (/[A-Z]/.test(key)) expect(warnings[0]).not.toContain(key);
  });

  it('makes a setting the run does not use valid without a warning the controls could not show', () => {
    const linear = normalizeSettings({ schedule: 'linear', threshold: 5, strategy: 'margin', blockLength: 0 });
    expect([linear.settings.threshold, linear.settings.blockLength]).toEqual([1, 1]);
    expect(linear.warnings).toEqual([]);
  });

  it('limits steps to the masked count when it is given', () => {
    const { settings, warnings } = normalizeSettings({ steps: 200 }, 64);
    expect(settings.steps).toBe(64);
    expect(warnings[0]).toMatch(/64/);
    expect(normalizeSettings({ steps: 200 }).settings.steps).toBe(200);
  });

  it('is idempotent', () => {
    const once = normalizeSettings({ steps: 3.7, temperature: -1, seed: -5, strategy: 'x' as never }, 2).settings;
    expect(normalizeSettings(once, 2)).toEqual({ settings: once, warnings: [] });
  });

  it('cannot be changed through DEFAULT_SETTINGS', () => {
    expect(() => {
      (DEFAULT_SETTINGS as { steps: number }).steps = 5;
    }).toThrow(TypeError);
  });
});
