// @vitest-environment happy-dom
// The update toast: the page reloads for an update only when it asked, asks first over work going on,
// and says so when another tab's update took it over (the plugin would have reloaded it unasked).
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const sw = vi.hoisted(() => ({
  options: null as null | { onNeedReload?: () => void },
  update: vi.fn(async () => undefined),
}));
vi.mock('virtual:pwa-register/react', () => ({
  useRegisterSW: (options: { onNeedReload?: () => void }) => {
    sw.options = options;
    return {
      needRefresh: [true, () => undefined],
      offlineReady: [false, () => undefined],
      updateServiceWorker: sw.update,
    };
  },
}));

/** A fresh page: the store, and the module that remembers whether this page asked for the update. */
async function page() {
  vi.resetModules();
  const { useApp } = await import('../store/store');
  const { UpdatePrompt } = await import('./Pwa');
  const update = await import('../pwa/update');
  return { useApp, UpdatePrompt, update };
}

let reloads = 0;
beforeEach(() => {
  sw.update.mockClear();
  reloads = 0;
  vi.spyOn(window.location, 'reload').mockImplementation(() => void reloads++);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('UpdatePrompt', () => {
  it('asks before reloading over a run, and reloads once asked', async () => {
    const { useApp, UpdatePrompt } = await page();
    useApp.setState({ pending: { runId: 7 } as never });
    render(<UpdatePrompt />);
    fireEvent.click(screen.getByTestId('update-reload'));
    expect(screen.getByTestId('update-text').textContent).toBe(
      'An update is available, but a run is going on: reloading now stops it (your text and settings are kept).',
    );
    expect(screen.getByTestId('update-reload').textContent).toBe('Reload anyway');
    expect(sw.update).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('update-reload'));
    await act(async () => undefined);
    expect(sw.update).toHaveBeenCalledTimes(1);
    expect(reloads).toBe(1); // no worker controls this page: it reloads itself (update.ts)
    // A take-over by the new worker reloads it too: it asked.
    act(() => sw.options!.onNeedReload!());
    expect(reloads).toBe(2);
  });

  it('with nothing going on, updates at once', async () => {
    const { UpdatePrompt } = await page();
    render(<UpdatePrompt />);
    fireEvent.click(screen.getByTestId('update-reload'));
    await act(async () => undefined);
    expect(sw.update).toHaveBeenCalledTimes(1);
  });

  it('taken over by another tab’s update, it says so instead of reloading', async () => {
    const { UpdatePrompt } = await page();
    render(<UpdatePrompt />);
    act(() => sw.options!.onNeedReload!());
    expect(reloads).toBe(0);
    expect(screen.getByTestId('updated-elsewhere').textContent).toMatch('Unmask was updated in another tab');
    fireEvent.click(screen.getByText('Reload now'));
    expect(reloads).toBe(1);
  });

  it('after Reload for the current version (the error box), the take-over reloads: this page asked', async () => {
    const { UpdatePrompt, update } = await page();
    render(<UpdatePrompt />);
    const waiting = { state: 'activated', addEventListener: () => undefined, postMessage: () => undefined };
    await update.reloadForCurrentFiles(
      async () => ({ update: async () => undefined, waiting, installing: null }),
      () => undefined,
    );
    act(() => sw.options!.onNeedReload!());
    expect(reloads).toBe(1);
    expect(screen.queryByTestId('updated-elsewhere')).toBeNull();
  });
});
