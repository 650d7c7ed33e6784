// The inspect request on the real model in the real host: the pass it recomputes from a run's frames
// gives back what that step did (the slots it committed, the tokens it drew and their p, its
// drafts) within P_TOL, at temperature 0 and with sampling and refinement; it is refused during a
// run, and a run after it is the same run as before it.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Frame, type SamplerSettings } from '../engine';
import { passOf, slotDistribution, writeOrder, writtenAt } from '../engine/inspect';
import type { createHost } from './host';
import type { WorkerOut } from './protocol';
import { samplerIds } from '../runtime/config';
import { config, readyHost } from './testHost';

// What the run left out (2a): the specials and the model's byte pieces.
const special = samplerIds(config);
// A step's p comes from the graph's row summary (a float32 softmax in onnxruntime); the inspector's
// from its own softmax over the logits row. They agree to float32 rounding, which reached 1.1e-6 on
// the 8-layer model: 1e-5 keeps a margin and still catches a wrong temperature or top-p (1e-3 and up).
const P_TOL = 1e-5;
const segments = [
  { kind: 'text' as const, text: 'The king said' },
  { kind: 'blank' as const, length: 10 },
];

async function run(host: ReturnType<typeof createHost>, out: WorkerOut[], id: number, settings: SamplerSettings) {
  host.handle({ type: 'generate', id, request: { segments, settings } });
  await host.idle();
  const started = out.find((m) => m.type === 'started' && m.id === id);
  if (started?.type !== 'started') throw new Error('no start');
  const frames = out.flatMap((m) => (m.type === 'frame' && m.id === id ? [m.frame] : []));
  return { ids: started.ids, fixed: started.fixed, frames };
}

async function inspect(
  host: ReturnType<typeof createHost>,
  out: WorkerOut[],
  id: number,
  r: { ids: Int32Array; fixed: Uint8Array; frames: Frame[] },
  step: number,
  slot: number,
  settings: SamplerSettings,
) {
  const pass = passOf(r.ids, r.fixed, r.frames, step, settings, special.mask);
  host.handle({ type: 'inspect', id, ids: pass.ids, fixed: r.fixed, slot, settings, rngDraws: pass.rngDraws });
  await host.idle();
  const reply = out.find((m) => m.id === id);
  if (reply?.type !== 'inspected') throw new Error(`no inspected reply: ${JSON.stringify(reply)}`);
  return { pass, reply };
}

describe('inspect requests', () => {
  const cases: [string, SamplerSettings][] = [
    ['greedy confidence', { ...DEFAULT_SETTINGS, steps: 4, temperature: 0, strategy: 'confidence', refineRounds: 0 }],
    [
      'the defaults: margin at T 0.7, top-p 0.95, no repeated 3-grams, refined',
      { ...DEFAULT_SETTINGS, steps: 4, seed: 5 },
    ],
  ];
  for (const [name, settings] of cases) {
    it(`gives back what each step did (${name})`, async () => {
      const { host, out } = await readyHost();
      const r = await run(host, out, 2, settings);
      let id = 10;
      for (const frame of r.frames) {
        const pass = passOf(r.ids, r.fixed, r.frames, frame.step, settings, special.mask);
        // A slot the step committed and one it left masked (when there is one).
        const left = Array.from(pass.masked).find((i) => !frame.resolved.includes(i));
        for (const slot of [frame.resolved[0], ...(left === undefined ? [] : [left])]) {
          const { reply } = await inspect(host, out, id++, r, frame.step, slot, settings);
          const rep = reply.report;
          expect(reply.special).toEqual(special); // the inspector leaves out what the run left out
          const committed = Array.from(rep.order.slice(0, frame.resolved.length), (j) => rep.masked[j]);
          expect(committed.sort((a, b) => a - b)).toEqual(frame.resolved);
          // A slot the step drew again when it wrote its slots in order (SAMPLING.md 4) differs from the
          // pass's draw for a reason the frame alone gives (writtenAt); its numbers are then the row
          // without the ids step 4 took away.
          const order = writeOrder(rep, frame.resolved);
          const write = (i: number) =>
            writtenAt(pass.ids, frame, order, i, rep.token[rep.masked.indexOf(i)], settings.noRepeatNgram, special);
          const redrawn = (i: number) =>
            frame.resolved.includes(i) && rep.token[rep.masked.indexOf(i)] !== frame.ids[i];
          frame.resolved.forEach((i, k) => {
            const j = rep.masked.indexOf(i);
            if (redrawn(i)) return expect(write(i).why).not.toBeNull();
            expect(rep.token[j]).toBe(frame.ids[i]);
            expect(Math.abs(rep.confidence[j] - frame.confidences[k])).toBeLessThan(P_TOL);
          });
          const j = rep.masked.indexOf(slot);
          const drawn = frame.resolved.includes(slot) ? frame.ids[slot] : rep.token[j];
          const bans = redrawn(slot) ? write(slot).bans : undefined;
          const d = slotDistribution(reply.row, pass.ids, slot, settings, special, drawn, undefined, bans);
          expect(d.candidates.length).toBeGreaterThanOrEqual(8);
          const x = d.candidates.find((c) => c.id === drawn)!;
          expect(x.q).toBeGreaterThan(0);
          if (frame.resolved.includes(slot)) {
            expect(Math.abs(x.p - frame.confidences[frame.resolved.indexOf(slot)])).toBeLessThan(P_TOL);
          } else {
            expect(d.argmax).toBe(frame.draftIds![slot]);
            expect(Math.abs(d.candidates[0].p - frame.draftProbs![slot])).toBeLessThan(P_TOL);
          }
          if (settings.temperature === 0) expect(d.candidates[0]).toMatchObject({ id: drawn, q: 1 });
        }
      }
    });
  }

  it('is refused during a run and for a slot that is not masked, and a run after it is the same run', async () => {
    const { host, out } = await readyHost();
    const settings = { ...DEFAULT_SETTINGS, steps: 3, seed: 9, refineRounds: 1 };
    const first = await run(host, out, 2, settings);
    const pass = passOf(first.ids, first.fixed, first.frames, 2, settings, special.mask);
    // During a run: busy, and the run goes on to the end.
    host.handle({ type: 'generate', id: 3, request: { segments, settings } });
    host.handle({
      type: 'inspect',
      id: 4,
      ids: pass.ids,
      fixed: first.fixed,
      slot: pass.masked[0],
      settings,
      rngDraws: 0,
    });
    await host.idle();
    expect(out.find((m) => m.id === 4)).toMatchObject({ type: 'error', code: 'busy' });
    expect(out.filter((m) => m.type === 'done').map((m) => m.id)).toEqual([2, 3]);
    // A given slot is not one to inspect.
    host.handle({ type: 'inspect', id: 5, ids: pass.ids, fixed: first.fixed, slot: 0, settings, rngDraws: 0 });
    await host.idle();
    expect(out.find((m) => m.id === 5)).toMatchObject({ type: 'error', code: 'bad-request' });
    // An inspect, then the same run again: the same frames.
    await inspect(host, out, 6, first, 2, pass.masked[0], settings);
    const again = await run(host, out, 7, settings);
    expect(again.frames.map((f) => Array.from(f.ids))).toEqual(first.frames.map((f) => Array.from(f.ids)));
  });
});
