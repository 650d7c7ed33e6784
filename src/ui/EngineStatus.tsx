// Where the model stands: download progress (MB of MB), then the backend and why it was chosen,
// then ready; or the error and a Retry button.
import { useEffect, useState } from 'react';
import { reloadForCurrentFiles } from '../pwa/update';
import { ACTIONS } from '../runtime/errors';
import { currentRunNotices, useApp } from '../store/store';
import { LOAD_SILENCE_FACTOR, SILENCE_LIMIT_MS } from '../worker/watchdog';
import { mb } from './format';

/** Opening the engine takes a few seconds; past this, the page says it is still waiting and what it will do. */
export const SLOW_START_MS = 10_000;
/** When the watchdog steps in: a load may be silent this long (the opening phase posts nothing more). */
const STEP_IN_S = (SILENCE_LIMIT_MS * LOAD_SILENCE_FACTOR) / 1000;

/** Whole seconds since `key` last changed, counted while `active` (0 otherwise). */
function useSecondsSince(key: string, active: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    setSeconds(0);
    if (!active) return;
    const start = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - start) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [key, active]);
  return seconds;
}

/** What the bar is downloading: the engine's WebAssembly comes with the model on a first visit, or alone
 * when the device has the model but not this backend's build of the engine. */
function downloadLabel(parts: readonly string[] = ['model']): string {
  if (!parts.includes('engine')) return PHASES.download;
  return parts.includes('model') ? 'Downloading the model and the engine' : 'Downloading the engine';
}

const PHASES = {
  download: 'Downloading the model',
  cache: 'Loading the model from cache',
  session: 'Starting the engine',
} as const;

export function EngineStatus() {
  const engine = useApp((s) => s.engine);
  const retry = useApp((s) => s.retry);
  const note = useApp((s) => s.engineNote);
  const cancel = useApp((s) => s.cancelLoad);
  const runNotices = useApp(currentRunNotices);
  // The model this load fetches (the saved choice, else the first the build ships) and its size.
  const choice = useApp((s) => s.engine.progress?.model ?? s.modelChoice ?? s.models[0]?.name ?? '');
  const models = useApp((s) => s.models);
  const bytesOf = (name: string | undefined) => models.find((m) => m.name === name)?.downloadBytes ?? 0;
  const size = bytesOf(choice);
  const loadedSize = bytesOf(engine.model?.name);
  const opening = engine.status === 'loading' && engine.progress?.phase === 'session';
  const waited = useSecondsSince(`${engine.loadId}`, opening);

  // Why the engine is starting again, after its worker died: shown while it loads and once it is ready.
  const restarted = note ? (
    <p className="notice" role="status" data-testid="engine-note">
      {note}
    </p>
  ) : null;

  if (engine.status === 'error' && engine.error) {
    return (
      <div className="engine error-box" role="alert" data-testid="engine-error">
        <p data-testid="engine-error-message">
          <strong>Something went wrong:</strong> {engine.error.message}
        </p>
        {engine.error.action && <p data-testid="engine-error-action">{engine.error.action}.</p>}
        {engine.error.detail && (
          <details className="hint">
            <summary>Technical details</summary>
            <code>{engine.error.detail}</code>
          </details>
        )}
        <p className="hint">Your prompt and settings are kept.</p>
        {/* A file a deploy replaced: a plain reload would get the old page from the old service worker. */}
        {engine.error.action === ACTIONS.missingFile && (
          <>
            <button
              type="button"
              className="primary"
              data-testid="reload-current"
              onClick={() =>
                void reloadForCurrentFiles(
                  async () => navigator.serviceWorker?.getRegistration(),
                  () => location.reload(),
                )
              }
            >
              Reload for the current version
            </button>{' '}
          </>
        )}
        <button
          type="button"
          className={engine.error.action === ACTIONS.missingFile ? undefined : 'primary'}
          data-testid="retry"
          onClick={retry}
        >
          Retry
        </button>
      </div>
    );
  }

  if (engine.status === 'cancelled') {
    return (
      <div className="engine cancelled" role="status" data-testid="engine-cancelled">
        <p>Download cancelled. Files already downloaded and checked stay on this device.</p>
        <button type="button" className="primary" data-testid="download-again" onClick={retry}>
          {size ? `Download the model (${mb(size)} MB)` : 'Download the model'}
        </button>
      </div>
    );
  }

  if (engine.status !== 'ready') {
    const p = engine.progress;
    const known = p && p.total > 0;
    const label = p ? (p.phase === 'download' ? downloadLabel(p.downloading) : PHASES[p.phase]) : 'Starting';
    return (
      <div className="engine loading" data-testid="engine-loading">
        {restarted}
        <label htmlFor="load-progress">
          {label}
          {p?.model ? ` (${p.model})` : ''}
          {p && p.phase === 'download' && known ? ` — ${mb(p.loaded)} of ${mb(p.total)} MB` : '…'}
        </label>
        {!p && size > 0 && (
          <p className="hint" data-testid="download-size">
            {choice}: {mb(size)} MB to download, unless this device already has it.
          </p>
        )}
        {opening && waited * 1000 >= SLOW_START_MS && (
          <p className="hint" data-testid="slow-start" role="status">
            Still starting after {waited} s (it usually takes a few). If it has not started {STEP_IN_S} s in, the page
            steps in by itself: it restarts the engine (on WASM, if the GPU was the one not answering), then offers
            Retry.
          </p>
        )}
        {p?.phase === 'download' && (
          <button type="button" data-testid="cancel-download" onClick={cancel}>
            Cancel download
          </button>
        )}
        <progress
          id="load-progress"
          data-testid={p?.phase === 'download' ? 'download-progress' : 'load-progress'}
          value={known ? p.loaded : undefined}
          max={known ? p.total : undefined}
        />
      </div>
    );
  }

  const m = engine.model!;
  return (
    <div className="engine ready">
      <p data-testid="backend" className="backend">
        <span className="badge">{engine.backend}</span> {engine.reason}
        {engine.backend === 'wasm' && (
          <span data-testid="threads">
            {' '}
            · {m.threads} {m.threads === 1 ? 'thread' : 'threads'}
          </span>
        )}
      </p>
      <p className="model-facts" data-testid="load-status">
        {m.name} · {(m.params / 1e6).toFixed(2)} M parameters · reads {m.context} tokens ·{' '}
        {m.fromCache ? 'loaded from cache' : `downloaded ${mb(engine.downloadedBytes)} MB`}
        {/* The first visit also fetches the engine's WebAssembly: say so, or the total reads as the model's. */}
        {!m.fromCache && loadedSize > 0 && engine.downloadedBytes > loadedSize * 1.05
          ? ` (the model ${mb(loadedSize)} MB, the rest the engine's WebAssembly, once)`
          : ''}
      </p>
      {restarted}
      {[...engine.notices, ...runNotices].map((n, i) => (
        <p key={i} className="notice" role="status">
          {n}
        </p>
      ))}
    </div>
  );
}
