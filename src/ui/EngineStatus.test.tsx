// @vitest-environment happy-dom
// While the engine opens (the phase that posts no progress), the page says after a while that it is
// still waiting and that it will step in by itself; nothing of the kind while a download moves.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ACTIONS } from '../runtime/errors';
import { IDLE_ENGINE } from '../store/reducer';
import { useApp } from '../store/store';
import { EngineStatus, SLOW_START_MS } from './EngineStatus';

const loading = (phase: 'download' | 'session', loadId = 1) =>
  useApp.setState({
    engine: { ...IDLE_ENGINE, status: 'loading', loadId, progress: { phase, loaded: 0, total: 1, model: 'm' } },
  });
const hint = () => screen.queryByTestId('slow-start');

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('a slow engine start', () => {
  it('is named after 10 s of opening, with the seconds waited and what the page will do', () => {
    loading('session');
    render(<EngineStatus />);
    act(() => void vi.advanceTimersByTime(SLOW_START_MS - 1000));
    expect(hint()).toBeNull();
    act(() => void vi.advanceTimersByTime(2000));
    expect(hint()?.textContent).toMatch(/Still starting after 11 s/);
    expect(hint()?.textContent).toMatch(
      /not started 60 s in, the page steps in by itself: it restarts the engine \(on WASM, if the GPU was the one not answering\), then offers Retry/,
    );
    // A new load (the page's restart) counts from zero again.
    act(() => loading('session', 2));
    expect(hint()).toBeNull();
    act(() => void vi.advanceTimersByTime(SLOW_START_MS + 1000));
    expect(hint()).not.toBeNull();
    act(() =>
      useApp.setState({
        engine: { ...IDLE_ENGINE, status: 'error', error: { code: 'internal', message: 'x', action: 'Retry' } },
      }),
    );
    expect(hint()).toBeNull();
  });

  it('is not named while the model downloads, however long that takes', () => {
    loading('download');
    render(<EngineStatus />);
    act(() => void vi.advanceTimersByTime(5 * SLOW_START_MS));
    expect(hint()).toBeNull();
  });
});

describe('the download label', () => {
  it('names what is coming over the network: the model, the engine, or both', () => {
    const at = (downloading?: ('model' | 'engine')[]) =>
      act(() =>
        useApp.setState({
          engine: {
            ...IDLE_ENGINE,
            status: 'loading',
            loadId: 1,
            progress: { phase: 'download', loaded: 2e6, total: 4e6, model: 'm', downloading },
          },
        }),
      );
    const label = () => document.querySelector('label[for="load-progress"]')?.textContent;
    at(['model', 'engine']);
    render(<EngineStatus />);
    expect(label()).toBe('Downloading the model and the engine (m) — 2.00 of 4.00 MB');
    at(['engine']); // the model is on this device, this backend's build of the engine is not
    expect(label()).toBe('Downloading the engine (m) — 2.00 of 4.00 MB');
    at(['model']);
    expect(label()).toBe('Downloading the model (m) — 2.00 of 4.00 MB');
    at(undefined);
    expect(label()).toBe('Downloading the model (m) — 2.00 of 4.00 MB');
  });
});

describe('the loaded model line', () => {
  const model = { name: 'm', vocabSize: 6, context: 16, params: 1e6, pieces: [], maskId: 1, threads: 2 };
  const ready = (fromCache: boolean, downloadedBytes: number) =>
    useApp.setState({
      models: [{ name: 'm', downloadBytes: 11_200_000, description: '' }],
      engine: { ...IDLE_ENGINE, status: 'ready', loadId: 1, model: { ...model, fromCache }, downloadedBytes },
    });

  it("splits a first visit's download into the model and the engine's WebAssembly", () => {
    ready(false, 25_400_000);
    render(<EngineStatus />);
    expect(screen.getByTestId('load-status').textContent).toMatch(
      /downloaded 25\.4 MB \(the model 11\.2 MB, the rest the engine's WebAssembly, once\)$/,
    );
  });

  it('names the model alone where only the model came (the engine was already here), and the cache', () => {
    ready(false, 11_200_000);
    const { unmount } = render(<EngineStatus />);
    expect(screen.getByTestId('load-status').textContent).toMatch(/downloaded 11\.2 MB$/);
    unmount();
    ready(true, 0);
    render(<EngineStatus />);
    expect(screen.getByTestId('load-status').textContent).toMatch(/loaded from cache$/);
  });
});

describe('a model file the site no longer has', () => {
  it('offers a reload for the current version beside Retry, and only for that error', () => {
    const failed = (action: string) =>
      useApp.setState({
        engine: {
          ...IDLE_ENGINE,
          status: 'error',
          error: { code: 'download-failed', message: 'model-abc.onnx is not on the server', action },
        },
      });
    failed(ACTIONS.missingFile);
    const { rerender } = render(<EngineStatus />);
    expect(screen.getByTestId('reload-current').textContent).toBe('Reload for the current version');
    expect(screen.getByTestId('engine-error-action').textContent).toMatch('press Reload for the current version');
    expect(screen.getByTestId('retry').className).toBe('');
    act(() => failed(ACTIONS.retryDownload));
    rerender(<EngineStatus />);
    expect(screen.queryByTestId('reload-current')).toBeNull();
    expect(screen.getByTestId('retry').className).toBe('primary');
  });
});
