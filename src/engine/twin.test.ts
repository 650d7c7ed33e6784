// The TypeScript engine against its Python twin on synthetic logits, at every temperature, with and
// without refinement: positions, ids, confidences, drafts and re-masked positions.
// Cases come from models/tools/make_twin_cases.py; the logits are rebuilt here the same way.
import { describe, expect, it } from 'vitest';
import cases from './fixtures/twin_cases.json';
import { createRng } from './rng';
import { selectRows } from './rows';
import { SPECIAL } from './testkit';
import type { LogitsFn, SamplerSettings } from './types';
import { unmask } from './unmask';

const V = cases.vocab;

function syntheticLogits(tableSeed: number, n: number): LogitsFn {
  const rng = createRng(tableSeed);
  const table = Array.from({ length: n }, () => Array.from({ length: V }, () => rng() * 6 - 3));
  // The twin computes every row; the engine asks for the masked ones (identical rows).
  return async (ids, positions) => {
    const out = new Float32Array(n * V);
    for (let i = 0; i < n; i++) {
      const r = [...table[i]];
      r[ids[(i + 1) % n]] += 2.0;
      out.set(r, i * V); // float64 → float32 rounding, as numpy's astype(float32)
    }
    return positions ? selectRows(out, n, positions) : out;
  };
}

describe('the Python twin', () => {
  it('includes refinement cases', () => {
    expect(cases.cases.filter((c) => c.settings.refineRounds > 0).length).toBeGreaterThanOrEqual(12);
    expect(cases.cases.some((c) => c.frames.some((f) => f.remasked.length > 0))).toBe(true);
  });

  it('includes adaptive cases whose steps commit varying counts and that end before their budget', () => {
    const adaptive = cases.cases.filter(
      (c) => c.settings.schedule === 'adaptive' && c.settings.strategy !== 'left-to-right',
    );
    expect(adaptive.length).toBeGreaterThanOrEqual(10);
    expect(adaptive.some((c) => new Set(c.frames.map((f) => f.resolved.length)).size > 1)).toBe(true);
    expect(adaptive.some((c) => c.frames[0].total_steps > c.frames.length)).toBe(true);
  });

  it('includes cases with byte pieces, which no generated slot holds, some with one given in the canvas', () => {
    const withPieces = cases.cases.filter((c) => c.never.length > 0);
    expect(withPieces.length).toBeGreaterThanOrEqual(20);
    expect(withPieces.some((c) => c.ids.some((v) => c.never.includes(v)))).toBe(true);
    expect(withPieces.some((c) => c.settings.repetitionPenalty === 1)).toBe(true);
    expect(withPieces.some((c) => c.settings.repetitionPenalty !== 1)).toBe(true);
    for (const c of withPieces) {
      const generated = (f: { ids: number[] }) => f.ids.filter((_, i) => c.ids[i] === SPECIAL.mask);
      expect(c.frames.every((f) => generated(f).every((v) => !c.never.includes(v)))).toBe(true);
    }
  });

  it('includes cases with no repeated n-grams, many of which the rule changes', async () => {
    const banned = cases.cases.filter((c) => c.settings.noRepeatNgram > 0);
    expect(banned.length).toBeGreaterThanOrEqual(12);
    let changed = 0;
    for (const c of banned) {
      const ids = Int32Array.from(c.ids);
      const fixed = Uint8Array.from(c.ids.map((v) => (v === SPECIAL.mask ? 0 : 1)));
      const settings = { ...(c.settings as SamplerSettings), noRepeatNgram: 0 };
      let last: Int32Array = ids;
      for await (const f of unmask({ ids, fixed }, syntheticLogits(c.table_seed, ids.length), settings, {
        ...SPECIAL,
        never: c.never,
      }))
        last = f.ids;
      if (Array.from(last).join() !== c.frames[c.frames.length - 1].ids.join()) changed++;
    }
    expect(changed).toBeGreaterThanOrEqual(banned.length / 3);
  });

  it('includes cases where slots of one step would double an id, which the rule stops (step 4)', async () => {
    // Adjacent slots resolved by the same frame holding the same id.
    const doubles = (frames: { ids: ArrayLike<number>; resolved: number[] }[]) =>
      frames.reduce(
        (n, f) => n + f.resolved.filter((i) => f.resolved.includes(i + 1) && f.ids[i] === f.ids[i + 1]).length,
        0,
      );
    // Not the give-way cases (only ids 14 and 15 drawable, every bigram of them given): there the
    // rule leaves a slot its draw when every id would be banned.
    const banned = cases.cases.filter((c) => c.settings.noRepeatNgram > 0 && c.never.length < 11);
    let without = 0;
    for (const c of banned) {
      expect(doubles(c.frames)).toBe(0);
      const ids = Int32Array.from(c.ids);
      const fixed = Uint8Array.from(c.ids.map((v) => (v === SPECIAL.mask ? 0 : 1)));
      const settings = { ...(c.settings as SamplerSettings), noRepeatNgram: 0 };
      const frames = [];
      for await (const f of unmask({ ids, fixed }, syntheticLogits(c.table_seed, ids.length), settings, {
        ...SPECIAL,
        never: c.never,
      }))
        frames.push(f);
      without += doubles(frames);
    }
    expect(without).toBeGreaterThanOrEqual(10); // 14 when written
  });

  it.each(
    cases.cases.map(
      (c, k) => [`${k} ${c.settings.strategy} T=${c.settings.temperature} R=${c.settings.refineRounds}`, c] as const,
    ),
  )('gives the same frames: %s', async (_, c) => {
    const ids = Int32Array.from(c.ids);
    const fixed = Uint8Array.from(c.ids.map((v) => (v === SPECIAL.mask ? 0 : 1)));
    const frames = [];
    for await (const f of unmask(
      { ids, fixed },
      syntheticLogits(c.table_seed, ids.length),
      c.settings as SamplerSettings,
      { ...SPECIAL, never: c.never },
    )) {
      frames.push(f);
    }
    const exact = (
      f: { ids: ArrayLike<number>; resolved: number[]; remasked: number[]; round: number; phase: string },
      total: number,
      draft: ArrayLike<number>,
    ) => ({
      ids: [...Array.from(f.ids)],
      resolved: f.resolved,
      remasked: f.remasked,
      round: f.round,
      phase: f.phase,
      total,
      draft: Array.from(draft),
    });
    expect(frames.map((f) => exact(f, f.totalSteps, f.draftIds))).toEqual(
      c.frames.map((f) => exact(f, f.total_steps, f.draft_ids)),
    );
    frames.forEach((f, k) => {
      f.confidences.forEach((p, j) => expect(p).toBeCloseTo(c.frames[k].confidences[j], 12));
      // float32 on both sides, rounded from float64 values that agree to the last bits.
      f.draftProbs.forEach((p, i) => expect(p).toBeCloseTo(c.frames[k].draft_probs[i], 6));
    });
  });
});
