// @vitest-environment happy-dom
// The comparison's two halves: running, waiting its turn, or stopped before a result.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../engine';
import { beginCompare } from '../store/compare';
import { resetApp, useApp } from '../store/store';
import { ComparePanel } from './ComparePanel';

beforeEach(() => resetApp());
afterEach(cleanup);

const halves = () => screen.getAllByTestId('compare-half-state').map((e) => e.textContent);

describe('ComparePanel', () => {
  it('says which half runs, which waits, and that a stopped comparison left them without a result', () => {
    const { compare } = beginCompare([{ kind: 'blank', length: 8 }], DEFAULT_SETTINGS);
    useApp.setState({ compare });
    const { rerender } = render(<ComparePanel />);
    expect(halves()).toEqual(['Running…', 'Waiting…']);
    useApp.setState({ compare: { ...compare, phase: 'stopped' } });
    rerender(<ComparePanel />);
    expect(screen.getByText('The comparison was stopped.')).toBeTruthy();
    expect(halves()).toEqual(['No result: the comparison was stopped.', 'No result: the comparison was stopped.']);
  });
});
