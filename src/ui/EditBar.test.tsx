// @vitest-environment happy-dom
// The re-imagine button against the real store: it offers only what the engine can do now.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE_ENGINE } from '../store/reducer';
import { resetApp, useApp } from '../store/store';
import { useCanvasView } from './canvasView';
import { EditBar } from './EditBar';
import type { Slot } from './passage';

const slots: Slot[] = [0, 1, 2].map((i) => ({
  index: i,
  state: 'resolved',
  text: ` w${i}`,
  draft: null,
  draftP: 0,
  word: i,
}));
const button = () => screen.getByTestId('reimagine') as HTMLButtonElement;

beforeEach(() => {
  resetApp();
  useCanvasView.getState().select([1]);
});
afterEach(() => {
  cleanup();
  useCanvasView.getState().clear();
});

describe('EditBar', () => {
  it('offers Re-imagine on a selection only while the engine is ready, and says why not otherwise', () => {
    useApp.setState({ engine: { ...IDLE_ENGINE, status: 'ready', loadId: 1 } });
    render(<EditBar editable slots={slots} />);
    expect(button().disabled).toBe(false);
    expect(screen.getByTestId('selection-status').textContent).toBe('1 word selected (1 token).');
    // Another model or backend loads (the run stays on screen), or the engine failed.
    for (const status of ['loading', 'error'] as const) {
      act(() => useApp.setState({ engine: { ...IDLE_ENGINE, status, loadId: 2 } }));
      expect(button().disabled).toBe(true);
      expect(screen.getByTestId('selection-status').textContent).toMatch(/^Re-imagine works once the model is ready/);
    }
  });
});
