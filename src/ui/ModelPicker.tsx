// Which model runs: each shipped model with its download size and what it is good for. A model
// is downloaded only when picked; picking one mid-run stops the run (the note says so) and loads
// it. With one model in the build it is shown as a plain label, not as a choice of one.
import { useApp } from '../store/store';
import { currentModel, type ModelOption } from '../store/model';
import { mb } from './format';

const size = (m: ModelOption) => `${mb(m.downloadBytes)} MB download`;

export function ModelPicker() {
  const models = useApp((s) => s.models);
  const note = useApp((s) => s.modelNote);
  const status = useApp((s) => s.engine.status);
  const loading = useApp((s) => s.engine.progress?.model ?? null);
  // What the worker runs (or is loading) wins over the saved choice: it may have fallen back.
  const current = useApp(currentModel);
  const setModel = useApp((s) => s.setModel);
  if (models.length === 0) return null;
  const noteLine = note && (
    <p className="next-run" role="status" data-testid="model-note">
      {note}
    </p>
  );

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
        {noteLine}
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
        <label
          key={m.name}
          data-testid="model-option"
          data-model={m.name}
          data-current={m.name === current}
          style={{
            display: 'flex',
            gap: '0.5rem',
            alignItems: 'flex-start',
            marginBottom: '0.4rem',
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
      ))}
      {status === 'loading' && (
        <p className="hint">Loading {loading ?? 'the model'}; the other can be picked once it is ready.</p>
      )}
      {noteLine}
    </fieldset>
  );
}
