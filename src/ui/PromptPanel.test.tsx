// @vitest-environment happy-dom
// The prompt panel against the real store: typing, modes, and when the run buttons work.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORM } from '../store/form';
import { IDLE_ENGINE } from '../store/reducer';
import { cloneForm } from '../store/schema';
import { useApp } from '../store/store';
import { PromptPanel } from './PromptPanel';

const model = { name: 't', vocabSize: 6, context: 64, params: 1, pieces: [], maskId: 1, fromCache: true, threads: 1 };
const byTestId = (id: string) => screen.getByTestId(id) as HTMLInputElement & HTMLButtonElement & HTMLTextAreaElement;

beforeEach(() => {
  useApp.setState({
    form: { ...cloneForm(DEFAULT_FORM), prompt: 'Once', template: 'A [___] b' },
    engine: { ...IDLE_ENGINE, status: 'ready', model },
    run: null,
    pending: null,
    runError: null,
  });
});
afterEach(cleanup);

describe('PromptPanel', () => {
  it('edits the prompt in prompt mode and the template in fill mode, keeping each', () => {
    render(<PromptPanel />);
    fireEvent.change(byTestId('prompt'), { target: { value: 'The fox' } });
    expect(useApp.getState().form.prompt).toBe('The fox');
    fireEvent.click(byTestId('mode-fill'));
    expect(byTestId('prompt').value).toBe('A [___] b');
    expect(screen.getByTestId('blank-length')).toBeTruthy();
    fireEvent.change(byTestId('prompt'), { target: { value: 'X [4] y' } });
    fireEvent.click(byTestId('mode-prompt'));
    expect(byTestId('prompt').value).toBe('The fox');
    expect(useApp.getState().form.template).toBe('X [4] y');
  });

  it('Insert blank puts [___] into the template', () => {
    useApp.getState().setForm({ mode: 'fill', template: 'ab' });
    render(<PromptPanel />);
    fireEvent.click(byTestId('insert-blank'));
    expect(useApp.getState().form.template).toContain('[___]');
  });

  it('run buttons work only when the model is ready and nothing runs; Stop only while running', () => {
    useApp.setState({ engine: { ...IDLE_ENGINE, status: 'loading' } });
    render(<PromptPanel />);
    expect(byTestId('generate').disabled).toBe(true);
    expect(byTestId('compare').disabled).toBe(true);
    expect(byTestId('stop').disabled).toBe(true);
    act(() => useApp.setState({ engine: { ...IDLE_ENGINE, status: 'ready', model } }));
    expect(byTestId('generate').disabled).toBe(false);
    act(() => useApp.setState({ pending: { runId: 3, settings: useApp.getState().form.settings, label: null } }));
    expect(byTestId('generate').disabled).toBe(true);
    expect(byTestId('stop').disabled).toBe(false);
  });

  it('a form problem is shown instead of sending a run', () => {
    useApp.getState().setForm({ mode: 'fill', template: 'no blank here' });
    render(<PromptPanel />);
    fireEvent.click(byTestId('generate'));
    expect(byTestId('run-error').textContent).toMatch(/no blank/);
    expect(useApp.getState().pending).toBeNull();
  });
});
