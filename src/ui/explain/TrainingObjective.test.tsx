// @vitest-environment happy-dom
// The noise panel asks the engine again after a reload: a pass the reload refused is not kept as the
// canvas's answer (it left the panel saying "Run it again" with nothing to press).
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readyClient, sentDenoises, TEST_MODEL } from '../../store/fakeClient';
import { installMemoryStorage } from '../../store/memoryStorage';
import { resetApp, useApp } from '../../store/store';
import TrainingObjective from './TrainingObjective';

vi.mock('./passages', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./passages')>()),
  loadPassages: () =>
    Promise.resolve({
      cardBitsPerByte: null,
      passages: [
        {
          book: 'tales/fox.txt',
          title: 'The Fox',
          ids: Array.from({ length: 32 }, (_, i) => 3 + (i % 3)),
          text: 'abc'.repeat(11),
        },
      ],
    }),
}));

beforeEach(() => {
  installMemoryStorage();
  resetApp();
});
afterEach(cleanup);

describe('the noise panel across an engine reload', () => {
  it('asks again once the reloaded engine is ready, after the reload refused its pass', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const f = readyClient();
      render(<TrainingObjective />);
      await act(async () => undefined); // the passages arrive
      expect(screen.getByRole('option', { name: '1. The Fox (tales)' })).toBeTruthy();
      await act(async () => void (await vi.advanceTimersByTimeAsync(200)));
      expect(sentDenoises(f)).toHaveLength(1);
      // A backend change while the pass is owed. Outside act(), as in the browser: the refusal settles
      // (a microtask) before React renders the reload, so the panel still takes it for this canvas.
      useApp.getState().setBackendChoice('webgpu');
      await act(async () => void (await vi.advanceTimersByTimeAsync(200)));
      expect(screen.getByTestId('noise-loss').textContent).toMatch(/runs once the model has loaded/);
      const load = f.sent.filter((m) => m.type === 'load').at(-1)!;
      act(() => f.emit({ type: 'ready', id: load.id, backend: 'webgpu', reason: 'test', model: TEST_MODEL }));
      await act(async () => void (await vi.advanceTimersByTimeAsync(200)));
      expect(sentDenoises(f)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
