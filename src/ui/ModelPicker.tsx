// Which model runs: each shipped model with its download size, what it is good for, and whether
// it is stored on this device (with Remove to free the space). A model is downloaded only when
// picked; picking one mid-run stops the run (the note says so) and loads it. With one model in
// the build it is shown as a plain label, not as a choice of one.
import { useEffect, useRef } from 'react';
import { useApp } from '../store/store';
import { currentModel, useDeviceStorage, type ModelOption } from '../store/model';
import { mb } from './format';

const size = (m: ModelOption) => `${mb(m.downloadBytes)} MB download`;

export function ModelPicker() {
  const models = useApp((s) => s.models);
  const note = useApp((s) => s.modelNote);
  const status = useApp((s) => s.engine.status);
  const loading = useApp((s) => s.engine.progress?.model ?? null);
  const ready = useApp((s) => (s.engine.status === 'ready' ? s.engine.model : null));
  // What the worker runs (or is loading) wins over the saved choice: it may have fallen back.
  const current = useApp(currentModel);
  const setModel = useApp((s) => s.setModel);

  // What is stored changes when a load ends (it stored its files) and on a removal; check then.
  useEffect(() => {
    const device = useDeviceStorage.getState();
    if (ready) void device.modelReady(ready.name, ready.fromCache);
    else if (status !== 'loading') void device.checkStorage();
  }, [status, ready]);

  if (models.length === 0) return null;
  const noteLine = note && (
    <p className="next-run" role="status" data-testid="model-note">
      {note}
    </p>
  );
  // The worker may be writing the files it downloads: no removal until the load has ended.
  const busy = status === 'loading' || status === 'idle';
  const stored = (m: ModelOption) => <StoredRow model={m} inUse={m.name === current} busy={busy} />;

  if (models.length === 1) {
    const m = models[0];
    return (
      <div className="field" data-testid="model-picker" data-count={1}>
        <span className="prompt-label">Model</span>
        <p data-testid="model-option" data-model={m.name} style={{ margin: 0, overflowWrap: 'anywhere' }}>
          <strong>{m.name}</strong> · {size(m)}
        </p>
        <p className="hint" style={{ margin: '0.15rem 0 0' }}>
          {m.description}
        </p>
        {stored(m)}
        {noteLine}
        <StorageLine />
      </div>
    );
  }

  return (
    <fieldset
      className="field"
      data-testid="model-picker"
      data-count={models.length}
      style={{ border: 0, padding: 0, margin: '0 0 0.75rem', minWidth: 0 }}
    >
      <legend className="prompt-label" style={{ padding: 0 }}>
        Model
      </legend>
      {models.map((m) => (
        <div key={m.name} style={{ marginBottom: '0.4rem' }}>
          <label
            data-testid="model-option"
            data-model={m.name}
            data-current={m.name === current}
            style={{
              display: 'flex',
              gap: '0.5rem',
              alignItems: 'flex-start',
              overflowWrap: 'anywhere',
            }}
          >
            <input
              type="radio"
              name="model"
              value={m.name}
              checked={m.name === current}
              disabled={status === 'loading' || status === 'idle'}
              onChange={() => setModel(m.name)}
            />
            <span>
              <strong>{m.name}</strong> · {size(m)}
              <span className="hint" style={{ display: 'block' }}>
                {m.description}
              </span>
            </span>
          </label>
          {stored(m)}
        </div>
      ))}
      {status === 'loading' && (
        <p className="hint">Loading {loading ?? 'the model'}; the other can be picked once it is ready.</p>
      )}
      {noteLine}
      <StorageLine />
    </fieldset>
  );
}

/** Whether the model's files are on this device, Remove, and the question before removing the one in use. */
function StoredRow({ model, inUse, busy }: { model: ModelOption; inUse: boolean; busy: boolean }) {
  const stored = useDeviceStorage((s) => s.stored?.[model.name] ?? null);
  const confirming = useDeviceStorage((s) => s.confirming === model.name);
  const removing = useDeviceStorage((s) => s.removing);
  const removal = useDeviceStorage((s) => (s.removal?.name === model.name ? s.removal : null));
  const { askRemove, keepModel, removeModel } = useDeviceStorage.getState();
  const keep = useRef<HTMLButtonElement>(null);
  // The Remove button gives way to the question: focus its safe answer, not the page's start.
  useEffect(() => {
    if (confirming) keep.current?.focus();
  }, [confirming]);
  // Where the Cache API is missing nothing is known about the device: say nothing.
  if (stored === null) return null;

  const done = removal && (
    <p className="next-run" role="status" data-testid="model-removed">
      {'error' in removal
        ? `${model.name} could not be removed: ${removal.error}.`
        : removal.inUse
          ? `Removed ${model.name} from this device. It keeps working until you reload; the next visit downloads it again.`
          : `Removed ${model.name} from this device (${mb(removal.freed)} MB freed). Picking it downloads it again.`}
    </p>
  );
  if (confirming) {
    return (
      <div
        className="model-stored confirm"
        role="group"
        aria-label="Remove the model in use?"
        data-testid="model-remove-confirm"
      >
        <p>{`Remove the model in use? It keeps working until you reload; the next visit downloads it again (${mb(model.downloadBytes)} MB).`}</p>
        <button type="button" onClick={() => void removeModel(model.name, true)}>
          Remove
        </button>
        <button type="button" ref={keep} onClick={keepModel}>
          Keep
        </button>
      </div>
    );
  }
  return (
    <>
      <div className="model-stored">
        <span className="hint" data-testid="model-stored" data-model={model.name} data-stored={stored}>
          {stored ? `Stored on this device (${mb(model.downloadBytes)} MB)` : 'Not stored on this device'}
        </span>
        {stored && (
          <button
            type="button"
            data-testid="model-remove"
            aria-label={`Remove ${model.name} from this device`}
            disabled={busy || removing !== null}
            onClick={() => askRemove(model.name, inUse)}
          >
            {removing === model.name ? 'Removing…' : 'Remove'}
          </button>
        )}
      </div>
      {done}
    </>
  );
}

/** How much the app keeps on this device and whether the browser may clear it; nothing where it cannot say. */
function StorageLine() {
  const facts = useDeviceStorage((s) => s.facts);
  if (!facts) return null;
  const amount = facts.usage < 1e6 ? 'under 1 MB' : `about ${Math.round(facts.usage / 1e6)} MB`;
  const kept =
    facts.persisted === null
      ? ''
      : facts.persisted
        ? '; kept until you remove it'
        : '; the browser may clear it when space runs low';
  return (
    <p className="hint" data-testid="storage-line" data-persisted={facts.persisted ?? undefined}>
      The app uses {amount} on this device{kept}.
    </p>
  );
}
