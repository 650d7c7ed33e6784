// @vitest-environment happy-dom
// The model picker against the real store: one model is a label, two are a choice with sizes and
// descriptions; the current model is the one the engine runs; picking is off while loading.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE_ENGINE } from '../store/reducer';
import { useApp } from '../store/store';
import { ModelPicker } from './ModelPicker';

const small = { name: 'unmask-small', downloadBytes: 5_398_000, description: 'Fast on any device.' };
const base = { name: 'unmask-base', downloadBytes: 21_400_000, description: 'Clearer English on WebGPU.' };
const readyOn = (name: string) =>
  useApp.setState({
    engine: {
      ...IDLE_ENGINE,
      status: 'ready',
      model: { name, vocabSize: 4, context: 8, params: 1, pieces: [], maskId: 1, fromCache: true, threads: 1 },
    },
  });
const radios = () => screen.queryAllByRole('radio') as HTMLInputElement[];

let picked: string[] = [];
beforeEach(() => {
  picked = [];
  useApp.setState({ modelChoice: null, modelNote: null, setModel: (n: string) => void picked.push(n) });
});
afterEach(cleanup);

describe('ModelPicker', () => {
  it('shows a single model as a label with its size and description, no choice', () => {
    useApp.setState({ models: [small] });
    readyOn('unmask-small');
    render(<ModelPicker />);
    expect(radios()).toHaveLength(0);
    expect(screen.getByTestId('model-picker').textContent).toBe(
      'Modelunmask-small · 5.40 MB downloadFast on any device.',
    );
  });

  it('offers two models, marks the one running, and picks the other', () => {
    useApp.setState({ models: [small, base], modelChoice: null });
    readyOn('unmask-base');
    render(<ModelPicker />);
    const [a, b] = radios();
    expect(a.checked).toBe(false);
    expect(b.checked).toBe(true);
    expect(screen.getAllByTestId('model-option')[1].textContent).toBe(
      'unmask-base · 21.4 MB downloadClearer English on WebGPU.',
    );
    fireEvent.click(a);
    expect(picked).toEqual(['unmask-small']);
  });

  it('while loading: the loading model is marked, the choice is off, and the note is shown', () => {
    useApp.setState({
      models: [small, base],
      modelChoice: 'unmask-small',
      modelNote: 'The run was stopped to switch to unmask-base; press Generate once it has loaded.',
      engine: {
        ...IDLE_ENGINE,
        status: 'loading',
        progress: { phase: 'download', loaded: 1, total: 2, model: 'unmask-base' },
      },
    });
    render(<ModelPicker />);
    expect(radios().map((r) => [r.checked, r.disabled])).toEqual([
      [false, true],
      [true, true],
    ]);
    expect(screen.getByTestId('model-note').textContent).toMatch(/stopped to switch to unmask-base/);
  });
});
