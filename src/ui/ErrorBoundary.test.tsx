// @vitest-environment happy-dom
// A render failure never leaves a blank page: the boundary shows the user's text and a reset.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FORM } from '../store/form';
import { cloneForm } from '../store/schema';
import { useApp } from '../store/store';
import { ErrorBoundary } from './ErrorBoundary';

afterEach(cleanup);

function Fragile() {
  // Throws while the saved strategy is one the page cannot show (as a bad saved form once did).
  if (useApp((s) => s.form.settings.strategy) === 'random') throw new Error('cannot draw this strategy');
  return <p data-testid="page">page</p>;
}

describe('ErrorBoundary', () => {
  it('shows the error, the kept text and a reset that brings the page back with the text', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    useApp.setState({
      form: {
        ...cloneForm(DEFAULT_FORM),
        prompt: 'My words',
        settings: { ...DEFAULT_FORM.settings, strategy: 'random' },
      },
    });
    render(
      <ErrorBoundary>
        <Fragile />
      </ErrorBoundary>,
    );
    expect(screen.getByTestId('crash').textContent).toMatch('cannot draw this strategy');
    expect((screen.getByTestId('kept-text') as HTMLTextAreaElement).value).toBe('My words');
    fireEvent.click(screen.getByTestId('reset-settings'));
    expect(screen.getByTestId('page')).toBeTruthy();
    expect(useApp.getState().form.prompt).toBe('My words');
    expect(useApp.getState().form.settings.strategy).toBe('margin');
  });
});
