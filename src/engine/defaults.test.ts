// The app's default settings and the Python twin's (models/pipeline/sampler.py, class Settings) are
// one set: the model card's figures are measured "under the app's defaults" with the Python side.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings';

function pythonDefaults(): Record<string, unknown> {
  const src = readFileSync(fileURLToPath(new URL('../../models/pipeline/sampler.py', import.meta.url)), 'utf8');
  const body = src.split(/^class Settings:\s*$/m)[1]?.split(/^\S/m)[0];
  if (!body) throw new Error('class Settings not found in sampler.py');
  const out: Record<string, unknown> = {};
  for (const m of body.matchAll(/^ {4}(\w+): [\w.| ]+ = ([^#\n]+?)\s*(#.*)?$/gm)) {
    const raw = m[2];
    out[m[1]] = /^["']/.test(raw) ? raw.slice(1, -1) : Number(raw);
  }
  return out;
}

describe('default settings', () => {
  it('are the same in the app and the Python twin', () => {
    const py = pythonDefaults();
    expect(Object.keys(py).length).toBeGreaterThanOrEqual(10);
    expect(py).toEqual({ ...DEFAULT_SETTINGS });
  });
});
