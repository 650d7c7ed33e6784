// The inspector's numbers against the engine's own: every step of real unmask runs on crafted
// logits, rebuilt from the frames alone, gives back the slots the step committed, the tokens it
// drew with their p, and its drafts; and q is the distribution drawToken walks, to 1e-6.
import { describe, expect, it } from 'vitest';
import { inspectPass, passOf, slotDistribution, stepWrites, writeOrder, writtenAt } from './inspect';
import { analyse, drawToken, prepareLogits, RowScratch } from './sampling';
import { DEFAULT_SETTINGS } from './settings';
import { canvas, collect, crafted, M, row, SPECIAL } from './testkit';
import type { SamplerSettings } from './types';
import { unmask } from './unmask';

// A row that depends on the canvas around the slot, so each step's pass differs from the last.
const rowAt = (i: number, ids: Int32Array) =>
  row({
    3: 1 + (i % 3),
    4: 2 + (ids[(i + 1) % ids.length] % 5),
    5: 0.5 + i * 0.1,
    6: 1.5,
    7: ids[Math.max(0, i - 1)] === 4 ? 3 : 0.7,
  });

const base: SamplerSettings = { ...DEFAULT_SETTINGS, steps: 4, refineRounds: 0 };
const CASES: [string, Partial<SamplerSettings>][] = [
  ['greedy confidence', { strategy: 'confidence', temperature: 0 }],
  ['confidence at T 0.8, top-p 0.9', { strategy: 'confidence', temperature: 0.8, topP: 0.9, seed: 7 }],
  ['margin at T 0.7, top-k 3, refined', { strategy: 'margin', temperature: 0.7, topK: 3, refineRounds: 2, seed: 3 }],
  ['random order at T 1', { strategy: 'random', temperature: 1, topP: 1, seed: 11 }],
  ['entropy with a repetition penalty', { strategy: 'entropy', temperature: 1.3, repetitionPenalty: 1.4, seed: 5 }],
  ['blocks of margin', { strategy: 'blocks', blockLength: 3, blockStrategy: 'margin', temperature: 0.9, seed: 2 }],
  ['left to right at T 0.5', { strategy: 'left-to-right', temperature: 0.5, seed: 9 }],
];

/** Every pass of one run rebuilt from its frames and checked against what the step did; returns how
 * many committed slots step 4 drew again (their written token is not the pass's draw). */
async function checkRun(patch: Partial<SamplerSettings>): Promise<number> {
  const settings = { ...base, ...patch };
  const c = canvas([4, M, M, 5, M, M, M, M, M, 3, M]);
  const logits = crafted(rowAt);
  const frames = await collect(unmask(c, logits, settings, SPECIAL));
  expect(frames.length).toBeGreaterThan(1);
  let redrawn = 0;
  for (const frame of frames) {
    const pass = passOf(c.ids, c.fixed, frames, frame.step, settings, M);
    const out = await logits(pass.ids, pass.masked);
    const report = inspectPass(out, pass.ids, c.fixed, pass.masked, settings, SPECIAL, pass.rngDraws);
    const committed = Array.from(report.order.slice(0, frame.resolved.length), (j) => pass.masked[j]);
    expect(committed.sort((a, b) => a - b)).toEqual(frame.resolved);
    expect(pass.resolved).toEqual(frame.resolved);
    const writes = stepWrites(pass.resolved, out, pass.ids, c.fixed, pass.masked, settings, SPECIAL, pass.rngDraws);
    frame.resolved.forEach((i, r) => {
      expect(writes.token[r]).toBe(frame.ids[i]);
      expect(Math.abs(writes.confidence[r] - frame.confidences[r])).toBeLessThan(1e-12);
      const j = pass.masked.indexOf(i);
      // Replayed from the frame alone, step 4 finds why it drew the slot again, and the row without
      // the ids it took away gives the written token the frame's confidence.
      const w = writtenAt(
        pass.ids,
        frame,
        writeOrder(report, frame.resolved),
        i,
        report.token[j],
        settings.noRepeatNgram,
        SPECIAL,
      );
      if (writes.token[r] === report.token[j]) return expect(w.why).toBeNull();
      redrawn++;
      expect(w.why).not.toBeNull();
      const d = slotDistribution(
        out.subarray(j * 8, (j + 1) * 8),
        pass.ids,
        i,
        settings,
        SPECIAL,
        frame.ids[i],
        8,
        w.bans,
      );
      const x = d.candidates.find((cand) => cand.id === frame.ids[i])!;
      expect(Math.abs(x.p - frame.confidences[r])).toBeLessThan(1e-6);
      expect(d.candidates.map((cand) => cand.id)).not.toContain(report.token[j]);
    });
    for (const i of pass.masked) {
      const j = pass.masked.indexOf(i);
      if (!frame.resolved.includes(i)) {
        expect(report.draftIds[i]).toBe(frame.draftIds[i]);
        expect(report.draftProbs[i]).toBe(frame.draftProbs[i]);
      }
      // The slot's p and q from its row alone: p of the drawn token is the engine's confidence.
      const rowJ = out.subarray(j * 8, (j + 1) * 8);
      const d = slotDistribution(rowJ, pass.ids, i, settings, SPECIAL, report.token[j], 8);
      const x = d.candidates.find((cand) => cand.id === report.token[j])!;
      expect(Math.abs(x.p - report.confidence[j])).toBeLessThan(1e-6);
      expect(x.q).toBeGreaterThan(0);
      if (settings.temperature === 0) expect(x.q).toBe(1);
      const sum = (k: 'p' | 'q') => d.candidates.reduce((a, cand) => a + cand[k], d.rest[k]);
      expect(sum('p')).toBeCloseTo(1, 12);
      expect(sum('q')).toBeCloseTo(1, 12);
      expect(d.candidates.some((cand) => [0, 1, 2].includes(cand.id))).toBe(false);
    }
  }
  return redrawn;
}

describe('inspecting a step from its frames', () => {
  for (const [name, patch] of CASES) {
    it(`rebuilds every pass of a run (${name}) and agrees with what the step did`, async () => {
      await checkRun(patch);
    });
  }

  it('meets a slot that step 4 drew again in one of these runs', async () => {
    let redrawn = 0;
    for (const [, patch] of CASES) redrawn += await checkRun(patch);
    expect(redrawn).toBeGreaterThan(0);
  });
});

describe('inspecting a step of an adaptive run', () => {
  it('finds what the threshold committed: every sure slot, then the best of the rest in order', async () => {
    const settings: SamplerSettings = {
      ...base,
      schedule: 'adaptive',
      threshold: 0.3,
      steps: 8,
      temperature: 0.8,
      seed: 4,
    };
    const c = canvas([4, M, M, 5, M, M, M, M, M, 3, M]);
    const logits = crafted(rowAt);
    const frames = await collect(unmask(c, logits, settings, SPECIAL));
    let several = false;
    for (const frame of frames) {
      const pass = passOf(c.ids, c.fixed, frames, frame.step, settings, M);
      const out = await logits(pass.ids, pass.masked);
      const report = inspectPass(out, pass.ids, c.fixed, pass.masked, settings, SPECIAL, pass.rngDraws);
      const sure = Array.from(pass.masked).filter((_, j) => report.top[j] >= settings.threshold);
      const rest = Array.from(report.order, (j) => pass.masked[j]).filter((i) => !sure.includes(i));
      const committed = [...sure, ...rest.slice(0, frame.resolved.length - sure.length)].sort((a, b) => a - b);
      expect(committed).toEqual(frame.resolved);
      const writes = stepWrites(pass.resolved, out, pass.ids, c.fixed, pass.masked, settings, SPECIAL, pass.rngDraws);
      frame.resolved.forEach((i, r) => {
        expect(writes.token[r]).toBe(frame.ids[i]);
        expect(Math.abs(writes.confidence[r] - frame.confidences[r])).toBeLessThan(1e-12);
      });
      several ||= frame.resolved.length > 1;
    }
    expect(several).toBe(true);
  });
});

/** Every kept id's share of [0, 1) as drawToken walks it, checked at both ends of its interval. */
function expectQIsTheDraw(logits: Float32Array, settings: Partial<SamplerSettings>) {
  const s = { ...DEFAULT_SETTINGS, ...settings };
  const ids = new Int32Array(1).fill(M);
  const d = slotDistribution(logits, ids, 0, s, SPECIAL, null, logits.length);
  const scratch = new RowScratch(logits.length);
  prepareLogits(logits, ids, 0, SPECIAL, 1, 0, scratch);
  analyse(scratch, s.temperature, false);
  const kept = d.candidates.filter((c) => c.q > 0);
  expect(kept.length).toBe(d.kept);
  let from = 0;
  let checked = 0;
  for (const c of kept) {
    const to = from + c.q;
    if (c.q > 3e-6 && checked < 200) {
      expect(drawToken(scratch, s.topK, s.topP, from + 1e-6)).toBe(c.id);
      expect(drawToken(scratch, s.topK, s.topP, to - 1e-6)).toBe(c.id);
      checked++;
    }
    from = to;
  }
  expect(from).toBeCloseTo(1, 9);
  expect(checked).toBeGreaterThan(2);
}

describe('q is the distribution the draw walks', () => {
  // A vocabulary of the shipped model's size with spread logits: the draw's buckets all come into play.
  const big = Float32Array.from({ length: 4096 }, (_, v) => Math.sin(v * 12.9898) * 6 + (v % 7) * 0.3);
  it('at T 0.8 with top-p 0.9', () => expectQIsTheDraw(big, { temperature: 0.8, topP: 0.9 }));
  it('at T 1.7 with top-k 40', () => expectQIsTheDraw(big, { temperature: 1.7, topK: 40, topP: 1 }));
  it('at T 0.3 with nothing cut', () => expectQIsTheDraw(big, { temperature: 0.3, topP: 1 }));
  it('is one-hot on the argmax at T 0, and p does not depend on the temperature', () => {
    const ids = new Int32Array(1).fill(M);
    const cold = slotDistribution(big, ids, 0, { temperature: 0 }, SPECIAL);
    const warm = slotDistribution(big, ids, 0, { temperature: 1.5, topP: 1 }, SPECIAL);
    expect(cold.candidates[0]).toMatchObject({ id: cold.argmax, q: 1 });
    expect(cold.rest.q).toBe(0);
    expect(cold.candidates.length).toBeGreaterThanOrEqual(8);
    cold.candidates.forEach((c, k) => expect(Math.abs(c.p - warm.candidates[k].p)).toBeLessThan(1e-12));
    expect(warm.candidates[0].q).toBeLessThan(1);
  });
  it('lists the drawn token even when it is far down the list', () => {
    const ids = new Int32Array(1).fill(M);
    const d = slotDistribution(big, ids, 0, { temperature: 1, topP: 1 }, SPECIAL);
    const last = slotDistribution(big, ids, 0, { temperature: 1, topP: 1 }, SPECIAL, 4095 - (4095 % 7), 10);
    expect(last.candidates).toHaveLength(11);
    expect(last.candidates.at(-1)!.id).toBe(4095 - (4095 % 7));
    expect(d.candidates).toHaveLength(10);
  });
});

describe("the slot's banned ids (SAMPLING.md 2b')", () => {
  // Slot 8 follows "5 6"; the canvas holds "5 6 7" and "5 6 3" already.
  const ids = Int32Array.from([5, 6, 7, 5, 6, 3, 5, 6, M]);
  const logits = Float32Array.from(row({ 3: 2, 4: 1, 7: 4 }));
  it('lists them, and gives them no probability, when no repeated 3-grams is on', () => {
    const d = slotDistribution(logits, ids, 8, { temperature: 1, topP: 1, noRepeatNgram: 3 }, SPECIAL);
    expect(d.banned).toEqual([3, 7]);
    expect(d.argmax).toBe(4);
    expect(d.candidates.map((c) => c.id)).toEqual([4]);
    expect(slotDistribution(logits, ids, 8, { temperature: 1, topP: 1, noRepeatNgram: 0 }, SPECIAL).banned).toEqual([]);
  });
  it('lists none when the rule gives way', () => {
    const only = Float32Array.from(row({ 7: 1 }));
    const d = slotDistribution(only, ids, 8, { noRepeatNgram: 3 }, SPECIAL);
    expect(d.banned).toEqual([]);
    expect(d.argmax).toBe(7);
  });
});

describe('step 4 replayed from a frame (writtenAt)', () => {
  // One step resolves every slot at T 0; the run's frame against the recomputed pass's draws.
  async function oneStep(ids: number[], rowAt: (i: number) => number[], noRepeatNgram: number) {
    const s = { ...base, steps: 1, temperature: 0, strategy: 'confidence' as const, noRepeatNgram };
    const c = canvas(ids);
    const logits = crafted(rowAt);
    const [frame] = await collect(unmask(c, logits, s, SPECIAL));
    const pass = passOf(c.ids, c.fixed, [frame], 1, s, M);
    const out = await logits(pass.ids, pass.masked);
    const report = inspectPass(out, pass.ids, c.fixed, pass.masked, s, SPECIAL, 0);
    const order = writeOrder(report, frame.resolved);
    return {
      frame,
      at: (slot: number) =>
        writtenAt(pass.ids, frame, order, slot, report.token[pass.masked.indexOf(slot)], noRepeatNgram, SPECIAL),
      row: (slot: number) => out.subarray(pass.masked.indexOf(slot) * 8, (pass.masked.indexOf(slot) + 1) * 8),
      pass,
      s,
    };
  }

  it('names a token the step had written beside the slot, and takes it away from the row shown', async () => {
    const r = await oneStep([3, M, M], (i) => (i === 2 ? row({ 4: 0.9, 5: 0.1 }) : row({ 4: 0.6, 6: 0.4 })), 3);
    expect(Array.from(r.frame.ids)).toEqual([3, 6, 4]);
    expect(r.at(1)).toEqual({ bans: [4], why: 'doubled' });
    expect(r.at(2)).toEqual({ bans: [], why: null }); // written first, as drawn
    // The row it was drawn from: 4 gone, 6 the top, with the frame's confidence.
    const d = slotDistribution(r.row(1), r.pass.ids, 1, r.s, SPECIAL, 6, 8, r.at(1).bans);
    expect(d.candidates[0]).toMatchObject({ id: 6, q: 1 });
    expect(d.candidates.map((c) => c.id)).not.toContain(4);
    expect(d.banned).toEqual([4]);
    expect(Math.abs(d.candidates[0].p - r.frame.confidences[0])).toBeLessThan(1e-6);
    const off = await oneStep([3, M, M], (i) => (i === 2 ? row({ 4: 0.9, 5: 0.1 }) : row({ 4: 0.6, 6: 0.4 })), 0);
    expect(off.at(1)).toEqual({ bans: [], why: null });
  });

  it('reads only the slots written before this one: a repeat, though a later slot wrote the same token beside it', async () => {
    // "5 6" is given. Slot 3 writes 5 first; slot 4's 6 would repeat "5 6", so it takes 7; slot 5,
    // written last, writes 6 beside it: the reason at slot 4 is the repeat, not a double.
    const rows: Record<number, number[]> = {
      3: row({ 5: 0.9, 3: 0.1 }),
      4: row({ 6: 0.6, 7: 0.4 }),
      5: row({ 6: 0.55, 3: 0.45 }),
    };
    const r = await oneStep([5, 6, 4, M, M, M], (i) => rows[i], 2);
    expect(Array.from(r.frame.ids)).toEqual([5, 6, 4, 5, 7, 6]);
    expect(r.at(4)).toEqual({ bans: [5, 6], why: 'repeat' }); // 5: written beside it by slot 3
    expect(r.at(5).why).toBeNull();
  });
});
