// @vitest-environment happy-dom
// What it leaned on, against a fake worker: one pass on the step's canvas, one per hidden token,
// the summary and shading from the answers; Cancel and a refused pass say so and keep the button.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readyClient, sentDenoises } from '../../store/fakeClient';
import { installMemoryStorage } from '../../store/memoryStorage';
import { resetApp } from '../../store/store';
import { LeaningView } from './LeaningView';

beforeEach(() => {
  installMemoryStorage();
  resetApp();
});
afterEach(cleanup);

const M = 1;
const PIECES = ['[PAD]', '[MASK]', '[EOS]', ' a', ' b', ' c', ' d'];
// The step saw " a b [MASK] c" and wrote " d" at slot 2.
const ids = Int32Array.from([3, 4, M, 5]);
const piece = (id: number) => PIECES[id];
// Bits of " d" at the slot by which token is hidden (none: the canvas as it was).
const BITS: Record<string, number> = { none: 1, 0: 4, 1: 1, 3: 0.5 };

/** Answers the latest denoise request as the worker would, from BITS. */
function answer(f: ReturnType<typeof readyClient>) {
  const m = sentDenoises(f).at(-1)!;
  const hidden = [0, 1, 3].find((i) => m.ids[i] === M);
  expect(m.targets[2]).toBe(6);
  const positions = Int32Array.from([...m.ids.keys()].filter((i) => m.ids[i] === M));
  const nll = Float64Array.from(positions, (p) => (p === 2 ? BITS[hidden ?? 'none'] * Math.LN2 : 9));
  act(() =>
    f.emit({
      type: 'denoised',
      id: m.id,
      positions,
      nll,
      guess: new Int32Array(positions.length),
      guessProb: new Float64Array(positions.length),
    }),
  );
}

const leaning = (stepKey = '1:3:2') => (
  <LeaningView key={stepKey} ids={ids} slot={2} token={6} maskId={M} piece={piece} />
);
const view = () => render(leaning());

describe('what it leaned on', () => {
  it('hides each token in turn and shades them by how much the written token needed them', async () => {
    const f = readyClient();
    view();
    const run = screen.getByTestId('lean-run');
    expect(run.textContent).toBe('Find what it leaned on (4 forward passes)');
    fireEvent.click(run);
    for (let k = 1; k <= 4; k++) {
      await act(async () => undefined);
      expect(sentDenoises(f)).toHaveLength(k);
      answer(f);
    }
    await act(async () => undefined);
    // The canvas as it was, then positions 0, 1 and 3 hidden one at a time.
    expect(sentDenoises(f).map((m) => Array.from(m.ids))).toEqual([
      [3, 4, M, 5],
      [M, 4, M, 5],
      [3, M, M, 5],
      [3, 4, M, M],
    ]);
    expect(screen.getByTestId('lean-summary').textContent).toBe(
      'The model gave “ d” p 50.0% on this canvas. It leaned most on “ a” (hidden: p 6.3%, 3.0 bits).',
    );
    const shaded = screen.getAllByTestId('lean-token');
    expect(shaded.map((s) => [s.getAttribute('data-pos'), Number(s.getAttribute('data-bits'))])).toEqual([
      ['0', 3],
      ['1', 0],
      ['3', -0.5],
    ]);
    expect(shaded[2].getAttribute('title')).toBe('Hidden: p of “ d” 70.7% (was 50.0%): 0.50 bits more likely');
    expect(screen.getByTestId('lean-slot').textContent).toBe(' d');
    expect(screen.getByTestId('lean-run').textContent).toBe('Run it again');
  });

  it('stops on Cancel, and says why when the engine refuses a pass', async () => {
    const f = readyClient();
    view();
    fireEvent.click(screen.getByTestId('lean-run'));
    await act(async () => undefined);
    const label = () => screen.getByTestId('lean-progress').closest('label')!.textContent;
    expect(label()).toBe('Scoring the canvas as it was… ');
    answer(f);
    await act(async () => undefined);
    expect(screen.getByTestId('lean-progress').getAttribute('value')).toBe('1');
    expect(label()).toBe('Hiding token 1 of 3… ');
    fireEvent.click(screen.getByTestId('lean-cancel'));
    await act(async () => undefined);
    expect(screen.getByTestId('lean-stopped').textContent).toBe(' Cancelled.');
    expect(screen.getByTestId('leaning').getAttribute('data-phase')).toBe('stopped');

    fireEvent.click(screen.getByTestId('lean-run'));
    await act(async () => undefined);
    const m = sentDenoises(f).at(-1)!;
    // The worker's refusal during a run (host.ts), made a sentence before what to do.
    const busy = 'A run is going on: this forward pass was not run';
    act(() => f.emit({ type: 'error', id: m.id, code: 'busy', message: busy, action: '' }));
    await act(async () => undefined);
    expect(screen.getByTestId('lean-stopped').textContent).toBe(` ${busy}. Run it again.`);
    expect((screen.getByTestId('lean-run') as HTMLButtonElement).disabled).toBe(false);
  });

  it('another token starts afresh: the passes for the old one stop and say nothing', async () => {
    const f = readyClient();
    const { rerender } = view();
    fireEvent.click(screen.getByTestId('lean-run'));
    await act(async () => undefined);
    answer(f);
    rerender(leaning('1:4:2'));
    await act(async () => undefined);
    await act(async () => undefined);
    expect(screen.getByTestId('leaning').getAttribute('data-phase')).toBe('idle');
    expect(screen.queryByTestId('lean-stopped')).toBeNull();
    expect(sentDenoises(f)).toHaveLength(1); // the one answered before the change; none after it
  });

  it('says there was nothing to lean on when the step saw only masked slots', () => {
    readyClient();
    render(<LeaningView ids={Int32Array.from([M, M, M])} slot={1} token={6} maskId={M} piece={piece} />);
    expect(screen.getByTestId('lean-nothing').textContent).toMatch(/Every other slot was masked/);
    expect((screen.getByTestId('lean-run') as HTMLButtonElement).disabled).toBe(true);
  });
});
