// Which pass the inspector reads for a slot at a step, on a real engine run with refinement.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, unmask } from '../../engine';
import { canvas, collect, crafted, M, row, SPECIAL } from '../../engine/testkit';
import { applyFrame, startRun } from '../../store/run';
import { inspectTarget, ordinal, visiblePiece, whyItWaits } from './inspectorData';

const settings = { ...DEFAULT_SETTINGS, steps: 3, temperature: 0, refineRounds: 1, refineFraction: 0.4 };

async function finishedRun() {
  const c = canvas([4, M, M, M, M, M]);
  const frames = await collect(
    unmask(
      c,
      crafted((i) => row({ 3: 1 + i, 4: 2, 5: 3 - i * 0.2 })),
      settings,
      SPECIAL,
    ),
  );
  let run = startRun(1, c.ids, c.fixed, frames[0].totalSteps, settings, null, 0);
  for (const f of frames) run = applyFrame(run, f, 0);
  return { run, frames };
}

describe('inspectTarget', () => {
  it('reads the step shown for a slot it resolved or left masked, and the resolving step for one resolved before', async () => {
    const { run, frames } = await finishedRun();
    const [first, second] = [frames[0], frames[1]];
    const resolvedFirst = first.resolved[0];
    const at2 = inspectTarget(run, 2, resolvedFirst);
    expect(at2).toMatchObject({ kind: 'pass', step: 1, how: 'earlier', written: { id: first.ids[resolvedFirst] } });
    const here = inspectTarget(run, 2, second.resolved[0]);
    expect(here).toMatchObject({ kind: 'pass', step: 2, how: 'here', committed: second.resolved.length });
    const left = [1, 2, 3, 4, 5].find((i) => second.ids[i] === M)!;
    const masked = inspectTarget(run, 2, left);
    expect(masked).toMatchObject({ kind: 'pass', step: 2, how: 'masked', written: null });
    if (masked.kind === 'pass') {
      expect(masked.draft?.id).toBe(second.draftIds[left]);
      // The canvas that pass saw: the first frame's.
      expect(Array.from(masked.pass.ids)).toEqual(Array.from(first.ids));
    }
    // Step 0: the first pass, which the slot enters masked.
    expect(inspectTarget(run, 0, resolvedFirst)).toMatchObject({ step: 1, how: 'here' });
    expect(inspectTarget(run, 0, left)).toMatchObject({ step: 1, how: 'masked' });
    expect(inspectTarget(run, 2, 0)).toMatchObject({ kind: 'none', why: /Given text/ });
  });

  it('sees a re-masked slot on its refinement step with that step as its pass', async () => {
    const { run, frames } = await finishedRun();
    const refine = frames.find((f) => f.remasked.length > 0)!;
    const slot = refine.remasked[0];
    const t = inspectTarget(run, refine.step, slot);
    expect(t).toMatchObject({ kind: 'pass', step: refine.step });
    if (t.kind === 'pass') expect(t.pass.ids[slot]).toBe(M);
  });

  it('writes ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101].map(ordinal)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '101st',
    ]);
  });
});

describe('whyItWaits', () => {
  const base = { top: 0.42, score: 0.1234, rank: 5, masked: 12, committed: 3, strategy: 'margin', threshold: null };
  it('names the place by score, or by block then score under Blocks', () => {
    expect(whyItWaits({ ...base, blocks: false })).toBe(
      'Its score by margin was 0.1234, 5th of the 12 masked slots; the schedule committed 3 at this step, so it waits.',
    );
    expect(whyItWaits({ ...base, blocks: true })).toBe(
      "Its score by margin was 0.1234, 5th of 12 in the step's order (earlier blocks first, then by margin); the schedule committed 3 slots at this step, so it waits.",
    );
  });

  it('under the adaptive schedule: below the threshold, or sure but in a later block', () => {
    const adaptive = { ...base, threshold: 0.9 };
    expect(whyItWaits({ ...adaptive, blocks: false })).toMatch(
      /^Its most likely token had p 42\.0%, below the adaptive threshold of 90%; the step committed the 3 slots that were sure/,
    );
    const later = whyItWaits({ ...adaptive, top: 0.95, blocks: true });
    expect(later).toMatch(/p 95\.0%, above the adaptive threshold of 90%, but it lies in a later block/);
    expect(later).not.toMatch(/below/);
    expect(whyItWaits({ ...adaptive, blocks: true })).toMatch(/below the adaptive threshold.*earlier blocks first/);
  });
});

describe('visiblePiece', () => {
  it('shows newlines and tabs as marks and quotes as they are', () => {
    expect(visiblePiece('?"')).toBe('?"');
    expect(visiblePiece('.\n\n')).toBe('.↵↵');
    expect(visiblePiece(' the\t')).toBe(' the⇥');
  });
});
