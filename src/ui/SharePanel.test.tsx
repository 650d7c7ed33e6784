// @vitest-environment happy-dom
// The share button against the real store: the link names the model in use, and a link made
// before the worker has named a model leaves it out (the recipient keeps theirs).
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FORM } from '../store/form';
import { IDLE_ENGINE } from '../store/reducer';
import { cloneForm } from '../store/schema';
import { useApp } from '../store/store';
import { SharePanel } from './SharePanel';

const models = [
  { name: 'unmask-small', downloadBytes: 1, description: 'a' },
  { name: 'unmask-copy', downloadBytes: 2, description: 'b' },
];
const info = (name: string) => ({
  name,
  vocabSize: 4,
  context: 8,
  params: 1,
  pieces: [],
  maskId: 1,
  fromCache: true,
  threads: 1,
});

async function linkParams(): Promise<URLSearchParams> {
  fireEvent.click(screen.getByTestId('share'));
  const input = await waitFor(() => screen.getByTestId('share-url') as HTMLInputElement);
  return new URLSearchParams(new URL(input.value).hash.slice(1));
}

beforeEach(() => {
  useApp.setState({
    form: { ...cloneForm(DEFAULT_FORM), prompt: 'hi' },
    run: null,
    models,
    modelChoice: 'unmask-small',
  });
});
afterEach(cleanup);

describe('SharePanel', () => {
  it('puts the running model in the link, not the saved choice', async () => {
    useApp.setState({ engine: { ...IDLE_ENGINE, status: 'ready', model: info('unmask-copy') } });
    render(<SharePanel />);
    const p = await linkParams();
    expect(p.get('model')).toBe('unmask-copy');
    expect(p.get('prompt')).toBe('hi');
  });

  it('leaves the model out while it is not known', async () => {
    useApp.setState({ engine: IDLE_ENGINE, modelChoice: null });
    render(<SharePanel />);
    expect((await linkParams()).has('model')).toBe(false);
  });
});
