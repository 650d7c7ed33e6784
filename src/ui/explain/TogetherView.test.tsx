// @vitest-environment happy-dom
// Written together, against a fake worker: the step-mates shown on the step's canvas, then two passes
// (the canvas as the token was drawn, the same with its step-mates written in) and what changed.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StepMate } from '../../engine/together';
import { readyClient, sentDenoises } from '../../store/fakeClient';
import { installMemoryStorage } from '../../store/memoryStorage';
import { resetApp } from '../../store/store';
import { TogetherView } from './TogetherView';

beforeEach(() => {
  installMemoryStorage();
  resetApp();
});
afterEach(cleanup);

const M = 1;
const PIECES = ['[PAD]', '[MASK]', '[EOS]', ' a', ' b', ' c', ' d'];
// Step 3 saw " a [MASK] [MASK] [MASK] c" and wrote " d" at slot 1, " b" at 2 and " c" at 3.
const ids = Int32Array.from([3, M, M, M, 5]);
const mates: StepMate[] = [
  { pos: 2, id: 4 },
  { pos: 3, id: 5 },
];
const piece = (id: number) => PIECES[id];

/** Answers the latest denoise request: slot 1 at `bits` for " d", the model's top choice `guess`. */
function answer(f: ReturnType<typeof readyClient>, bits: number, guess: number, guessProb: number) {
  const m = sentDenoises(f).at(-1)!;
  expect(m.targets[1]).toBe(6);
  const positions = Int32Array.from([...m.ids.keys()].filter((i) => m.ids[i] === M));
  act(() =>
    f.emit({
      type: 'denoised',
      id: m.id,
      positions,
      nll: Float64Array.from(positions, (p) => (p === 1 ? bits * Math.LN2 : 9)),
      guess: Int32Array.from(positions, (p) => (p === 1 ? guess : 3)),
      guessProb: Float64Array.from(positions, (p) => (p === 1 ? guessProb : 0.1)),
    }),
  );
}

const view = (m: StepMate[] = mates) =>
  render(<TogetherView ids={ids} slot={1} token={6} mates={m} step={3} maskId={M} piece={piece} />);

describe('written together', () => {
  it('outlines the step-mates, then scores the token without and with them in view', async () => {
    const f = readyClient();
    view();
    expect(screen.getAllByTestId('together-mate').map((e) => [e.getAttribute('data-pos'), e.textContent])).toEqual([
      ['2', ' b (written in the same step)'],
      ['3', ' c (written in the same step)'],
    ]);
    expect(screen.getByTestId('together').textContent).toMatch(
      'Step 3 wrote 3 tokens from one forward pass: this “ d” and the 2 underlined below.',
    );
    const run = screen.getByTestId('together-run');
    expect(run.textContent).toBe('What if it had seen them? (2 forward passes)');
    fireEvent.click(run);
    await act(async () => undefined);
    answer(f, 1, 6, 0.5);
    await act(async () => undefined);
    answer(f, 3, 4, 0.6);
    await act(async () => undefined);
    // The canvas as the token was drawn, then the same with its step-mates written in.
    expect(sentDenoises(f).map((m) => Array.from(m.ids))).toEqual([
      [3, M, M, M, 5],
      [3, M, 4, 5, 5],
    ]);
    expect(screen.getByTestId('together-summary').textContent).toBe(
      'Drawn without seeing them, “ d” had p 50.0%. With its 2 step-mates in view, p 12.5%: 2.0 bits less likely. ' +
        'Seeing them, the model doubts it: written in one step, they clash. Its first choice would now be “ b” (p 60.0%).',
    );
    expect(screen.getByTestId('together-run').textContent).toBe('Run it again');
  });

  it('says when the step-mates agree with it, or change little', async () => {
    const f = readyClient();
    view();
    fireEvent.click(screen.getByTestId('together-run'));
    await act(async () => undefined);
    answer(f, 2, 3, 0.4);
    await act(async () => undefined);
    answer(f, 0.5, 6, 0.7);
    await act(async () => undefined);
    expect(screen.getByTestId('together-summary').textContent).toMatch(
      "1.5 bits more likely. Seeing them, the model is surer of it: they agree. With them in view it becomes the model's first choice (alone it was not: the run's temperature or rules chose it).",
    );
    fireEvent.click(screen.getByTestId('together-run'));
    await act(async () => undefined);
    answer(f, 2, 6, 0.4);
    await act(async () => undefined);
    answer(f, 2.25, 6, 0.4);
    await act(async () => undefined);
    expect(screen.getByTestId('together-summary').textContent).toMatch(
      '0.25 bits less likely, under a bit either way: its step-mates change little.',
    );
  });

  it('stops on Cancel, and says why when the engine refuses a pass', async () => {
    const f = readyClient();
    view();
    fireEvent.click(screen.getByTestId('together-run'));
    await act(async () => undefined);
    answer(f, 1, 6, 0.5);
    await act(async () => undefined);
    expect(screen.getByTestId('together-progress').getAttribute('value')).toBe('1');
    fireEvent.click(screen.getByTestId('together-cancel'));
    await act(async () => undefined);
    expect(screen.getByTestId('together-stopped').textContent).toBe(' Cancelled.');

    fireEvent.click(screen.getByTestId('together-run'));
    await act(async () => undefined);
    const m = sentDenoises(f).at(-1)!;
    const busy = 'A run is going on: this forward pass was not run';
    act(() => f.emit({ type: 'error', id: m.id, code: 'busy', message: busy, action: '' }));
    await act(async () => undefined);
    expect(screen.getByTestId('together-stopped').textContent).toBe(` ${busy}. Run it again.`);
    expect((screen.getByTestId('together-run') as HTMLButtonElement).disabled).toBe(false);
  });

  it('says the token was written alone when its step wrote nothing else', () => {
    readyClient();
    view([]);
    expect(screen.getByTestId('together-alone').textContent).toMatch('Step 3 wrote “ d” alone');
    expect(screen.queryByTestId('together-run')).toBeNull();
  });

  it('weighs every token of the step, shades each by what the others did to it, and sums it up', async () => {
    const f = readyClient();
    view();
    const run = screen.getByTestId('step-weigh-run');
    expect(run.textContent).toBe('Weigh all 3 tokens of step 3 (4 forward passes)');
    fireEvent.click(run);
    // Bits per slot for what the step wrote there (slot 1 " d", 2 " b", 3 " c"): alone, then with the
    // other two written in; the first choice with them in view.
    const ALONE: Record<number, number> = { 1: 1, 2: 2, 3: 1 };
    const TOGETHER: Record<number, number> = { 1: 3, 2: 0.5, 3: 1.25 };
    // First choices: what the step wrote, alone; with the others in view, slots 1 and 3 turn away.
    const GUESS_ALONE: Record<number, number> = { 1: 6, 2: 4, 3: 5 };
    const GUESS_TOGETHER: Record<number, number> = { 1: 4, 2: 4, 3: 3 };
    for (let k = 0; k < 4; k++) {
      await act(async () => undefined);
      const m = sentDenoises(f).at(-1)!;
      expect(Array.from(m.targets.slice(1, 4))).toEqual([6, 4, 5]);
      const positions = Int32Array.from([...m.ids.keys()].filter((i) => m.ids[i] === M));
      const [table, guess] = k === 0 ? [ALONE, GUESS_ALONE] : [TOGETHER, GUESS_TOGETHER];
      act(() =>
        f.emit({
          type: 'denoised',
          id: m.id,
          positions,
          nll: Float64Array.from(positions, (p) => table[p] * Math.LN2),
          guess: Int32Array.from(positions, (p) => guess[p]),
          guessProb: Float64Array.from(positions, () => 0.5),
        }),
      );
    }
    await act(async () => undefined);
    // The step's canvas, then each token masked alone with the other two written in.
    expect(sentDenoises(f).map((m) => Array.from(m.ids))).toEqual([
      [3, M, M, M, 5],
      [3, M, 4, 5, 5],
      [3, 6, M, 5, 5],
      [3, 6, 4, M, 5],
    ]);
    expect(screen.getByTestId('step-weigh-summary').textContent).toBe(
      'Seeing each other, 1 of the 3 tokens step 3 wrote became at least a bit less likely and 1 at least a bit more ' +
        "likely (median +0.3 bits). Of the 3 that were the model's first choice alone, 2 no longer are once it sees the " +
        'others. ' +
        'With more steps, each step writes fewer tokens, and fewer of them can clash.',
    );
    expect(screen.getAllByTestId('together-mate').map((e) => Number(e.getAttribute('data-bits')))).toEqual([
      -1.5, 0.25,
    ]);
    expect(screen.getByTestId('together-canvas').getAttribute('data-weighed')).toBe('true');
    expect(screen.getByTestId('step-weigh-run').textContent).toBe('Weigh the step again');
  });
});
