// @vitest-environment happy-dom
// The model picker against the real store: one model is a label, two are a choice with sizes and
// descriptions; the current model is the one the engine runs; picking is off while loading.
// Each model says whether it is stored on this device; Remove frees it (the model in use after an
// inline question), and a line says how much the app keeps and whether the browser may clear it.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useDeviceStorage, type DeviceStorageState } from '../store/model';
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
let calls: string[] = [];
const initialDevice = useDeviceStorage.getState();
beforeEach(() => {
  picked = [];
  calls = [];
  useApp.setState({ modelChoice: null, modelNote: null, setModel: (n: string) => void picked.push(n) });
  // The device's storage as the test says; the actions record what the picker asked for.
  useDeviceStorage.setState({
    ...initialDevice,
    checkStorage: async () => void calls.push('check'),
    modelReady: async (name: string, fromCache: boolean) => void calls.push(`ready ${name} ${fromCache}`),
    removeModel: async (name: string, inUse: boolean) => void calls.push(`remove ${name} ${inUse}`),
  });
});
afterEach(cleanup);
const device = (s: Partial<DeviceStorageState>) => act(() => useDeviceStorage.setState(s));

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

  it('says nothing about storage where the browser cannot tell (no Cache API, no estimate)', () => {
    useApp.setState({ models: [small, base] });
    readyOn('unmask-small');
    render(<ModelPicker />);
    expect(calls).toEqual(['ready unmask-small true']);
    expect(screen.queryAllByTestId('model-stored')).toHaveLength(0);
    expect(screen.queryByTestId('model-remove')).toBeNull();
    expect(screen.queryByTestId('storage-line')).toBeNull();
  });

  it('marks each model stored or not, with its size, and a Remove only for stored ones', () => {
    useApp.setState({ models: [small, base] });
    readyOn('unmask-small');
    render(<ModelPicker />);
    device({ stored: { 'unmask-small': true, 'unmask-base': false } });
    expect(screen.getAllByTestId('model-stored').map((e) => [e.dataset.stored, e.textContent])).toEqual([
      ['true', 'Stored on this device (5.40 MB)'],
      ['false', 'Not stored on this device'],
    ]);
    expect(screen.getAllByTestId('model-remove')).toHaveLength(1);
    // The option itself reads as before: storage sits beside it, not in the radio's name.
    expect(screen.getAllByTestId('model-option')[0].textContent).toBe(
      'unmask-small · 5.40 MB downloadFast on any device.',
    );
  });

  it('removes a model not in use at once, and says what it freed', () => {
    useApp.setState({ models: [small, base] });
    readyOn('unmask-small');
    useDeviceStorage.setState({ stored: { 'unmask-small': true, 'unmask-base': true } });
    render(<ModelPicker />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove unmask-base from this device' }));
    expect(calls).toContain('remove unmask-base false');
    expect(screen.queryByTestId('model-remove-confirm')).toBeNull();
    device({
      stored: { 'unmask-small': true, 'unmask-base': false },
      removal: { name: 'unmask-base', inUse: false, freed: 21_400_000 },
    });
    expect(screen.getByTestId('model-removed').textContent).toBe(
      'Removed unmask-base from this device (21.4 MB freed). Picking it downloads it again.',
    );
  });

  it('asks before removing the model in use: Keep keeps it, Remove removes it and says what happens', () => {
    useApp.setState({ models: [small] });
    readyOn('unmask-small');
    useDeviceStorage.setState({ stored: { 'unmask-small': true } });
    render(<ModelPicker />);
    fireEvent.click(screen.getByTestId('model-remove'));
    const confirm = screen.getByTestId('model-remove-confirm');
    expect(confirm.textContent).toBe(
      'Remove the model in use? It keeps working until you reload; the next visit downloads it again (5.40 MB).RemoveKeep',
    );
    expect(document.activeElement?.textContent).toBe('Keep');
    expect(calls.filter((c) => c.startsWith('remove'))).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Keep' }));
    expect(screen.queryByTestId('model-remove-confirm')).toBeNull();
    expect(screen.getByTestId('model-stored').dataset.stored).toBe('true');

    fireEvent.click(screen.getByTestId('model-remove'));
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    expect(calls).toContain('remove unmask-small true');
    // What the store's removeModel leaves (see model.test.ts).
    device({
      confirming: null,
      stored: { 'unmask-small': false },
      removal: { name: 'unmask-small', inUse: true, freed: 5_398_000 },
    });
    expect(screen.getByTestId('model-stored').dataset.stored).toBe('false');
    expect(screen.getByTestId('model-removed').textContent).toBe(
      'Removed unmask-small from this device. It keeps working until you reload; the next visit downloads it again.',
    );
  });

  it('no removal while a model loads (the worker may be writing its files)', () => {
    useApp.setState({
      models: [small, base],
      engine: {
        ...IDLE_ENGINE,
        status: 'loading',
        progress: { phase: 'download', loaded: 1, total: 2, model: 'unmask-base' },
      },
    });
    useDeviceStorage.setState({ stored: { 'unmask-small': true, 'unmask-base': false } });
    render(<ModelPicker />);
    expect(calls).toEqual([]);
    expect((screen.getByTestId('model-remove') as HTMLButtonElement).disabled).toBe(true);
  });

  it('says how much the app keeps and whether the browser may clear it', () => {
    useApp.setState({ models: [small] });
    readyOn('unmask-small');
    render(<ModelPicker />);
    device({ facts: { usage: 31_400_000, persisted: true } });
    expect(screen.getByTestId('storage-line').textContent).toBe(
      'The app uses about 31 MB on this device; kept until you remove it.',
    );
    device({ facts: { usage: 31_600_000, persisted: false } });
    expect(screen.getByTestId('storage-line').textContent).toBe(
      'The app uses about 32 MB on this device; the browser may clear it when space runs low.',
    );
    device({ facts: { usage: 400_000, persisted: null } });
    expect(screen.getByTestId('storage-line').textContent).toBe('The app uses under 1 MB on this device.');
  });
});
