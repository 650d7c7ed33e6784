// @vitest-environment happy-dom
// The settings panel rendered against the real store: what it shows is what a run would use.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { DEFAULT_FORM } from '../store/form';
import { VIEW_KEY } from '../store/persist';
import { cloneForm } from '../store/schema';
import { useApp } from '../store/store';
import { Controls } from './Controls';

const byTestId = (id: string) => screen.getByTestId(id) as HTMLInputElement & HTMLSelectElement;

beforeEach(() => {
  useApp.setState({ form: { ...cloneForm(DEFAULT_FORM), prompt: 'hi', length: 16 }, run: null, pending: null });
});
afterEach(cleanup);

describe('Controls', () => {
  it('shows the form settings and writes changes to the store', () => {
    render(<Controls />);
    expect(byTestId('steps').value).toBe(String(DEFAULT_SETTINGS.steps));
    expect(byTestId('strategy').value).toBe(DEFAULT_SETTINGS.strategy);
    fireEvent.change(byTestId('strategy'), { target: { value: 'entropy' } });
    expect(useApp.getState().form.settings.strategy).toBe('entropy');
    fireEvent.change(byTestId('temperature'), { target: { value: '1.25' } });
    expect(useApp.getState().form.settings.temperature).toBe(1.25);
  });

  it('says under each select what the chosen schedule and order do', () => {
    render(<Controls />);
    const hintOf = (id: string) => document.getElementById(byTestId(id).getAttribute('aria-describedby') ?? '');
    fireEvent.change(byTestId('schedule'), { target: { value: 'cosine' } });
    expect(hintOf('schedule')?.textContent).toBe('Few tokens in the first steps, many at the end.');
    fireEvent.change(byTestId('schedule'), { target: { value: 'adaptive' } });
    expect(hintOf('schedule')?.textContent).toMatch('every slot the model is sure of');
    fireEvent.change(byTestId('strategy'), { target: { value: 'left-to-right' } });
    expect(hintOf('strategy')?.textContent).toMatch('like a normal language model');
    fireEvent.change(byTestId('strategy'), { target: { value: 'blocks' } });
    expect(hintOf('strategy')?.textContent).toMatch('in the order chosen below');
    fireEvent.change(byTestId('block-strategy'), { target: { value: 'margin' } });
    expect(hintOf('block-strategy')?.textContent).toMatch('clearest winner');
    // The options themselves stay short enough for a narrow select.
    for (const o of [...byTestId('schedule').options, ...byTestId('strategy').options]) {
      expect(o.textContent!.length).toBeLessThanOrEqual(13);
    }
  });

  it('follows a change from outside (a share link) in every control', () => {
    render(<Controls />);
    act(() => useApp.getState().setSettings({ strategy: 'random', steps: 4, seed: 77 }));
    expect(byTestId('strategy').value).toBe('random');
    expect(byTestId('steps').value).toBe('4');
    expect(byTestId('seed').value).toBe('77');
  });

  it('says how steps are clamped for the masked tokens, in the engine’s words', () => {
    render(<Controls />);
    fireEvent.change(byTestId('steps'), { target: { value: '500' } });
    expect(byTestId('settings-warnings').textContent).toMatch('500 steps for 16 masked tokens');
  });

  it('counts steps and tokens in the singular where there is one', () => {
    render(<Controls />);
    act(() => useApp.getState().setSettings({ steps: 1, refineRounds: 2, refineFraction: 0.05 }));
    expect(document.getElementById(byTestId('steps').id + '-hint')?.textContent).toBe(
      '1 step for 16 masked tokens + 2 × 1 refinement step = 3.',
    );
    act(() => useApp.getState().setSettings({ refineRounds: 0 }));
    act(() => useApp.getState().setForm({ length: 1 }));
    expect(document.getElementById(byTestId('steps').id + '-hint')?.textContent).toBe('1 step for 1 masked token.');
  });

  it('shows the block controls only for the blocks strategy', () => {
    render(<Controls />);
    expect(screen.queryByTestId('block-length')).toBeNull();
    fireEvent.change(byTestId('strategy'), { target: { value: 'blocks' } });
    expect(byTestId('block-length').value).toBe(String(DEFAULT_SETTINGS.blockLength));
  });

  it('the dice sets a fresh non-zero seed', () => {
    render(<Controls />);
    fireEvent.click(screen.getByTestId('dice'));
    const seed = useApp.getState().form.settings.seed;
    expect(Number.isInteger(seed) && seed >= 1 && seed < 2_147_483_647).toBe(true);
    expect(byTestId('seed').value).toBe(String(seed));
  });

  it('during a run, a changed setting is marked for the next run and the backend cannot change', () => {
    const sent = { ...DEFAULT_SETTINGS, steps: 16 };
    useApp.setState({ pending: { runId: 1, settings: sent, label: null } });
    render(<Controls />);
    expect(screen.queryByText(/Changes apply to the next run/)).toBeNull();
    fireEvent.change(byTestId('temperature'), { target: { value: '1.5' } });
    expect(screen.getByText(/Changes apply to the next run/)).toBeTruthy();
    expect(byTestId('backend-choice').disabled).toBe(true);
  });

  it('Show the draft is the saved preference: unchecked after a reload that saved it off, and saved when toggled', () => {
    localStorage.clear();
    localStorage.setItem(VIEW_KEY, JSON.stringify({ showDraft: false }));
    useApp.getState().startApp({ hash: '' });
    render(<Controls />);
    expect(byTestId('draft-toggle').checked).toBe(false);
    fireEvent.click(byTestId('draft-toggle'));
    expect(byTestId('draft-toggle').checked).toBe(true);
    expect(useApp.getState().viewPrefs.showDraft).toBe(true);
    expect(JSON.parse(localStorage.getItem(VIEW_KEY)!)).toEqual({ showDraft: true });
    localStorage.clear();
  });
});
