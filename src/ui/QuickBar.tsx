// On a phone the settings panel is far below the canvas: while the canvas is in view, this
// compact bar keeps steps, temperature and Stop at hand (hidden on wide screens by CSS).
import { isBusy, useApp } from '../store/store';

export function QuickBar() {
  const steps = useApp((s) => s.form.settings.steps);
  const temperature = useApp((s) => s.form.settings.temperature);
  const running = useApp((s) => s.run?.status === 'running' || s.pending !== null);
  const ready = useApp((s) => s.engine.status === 'ready' && !isBusy(s));
  const { setSettings, stop, generate } = useApp.getState();
  return (
    <div className="quick-bar" data-testid="quick-bar" role="group" aria-label="Quick settings">
      <QuickNumber
        label="Steps"
        testId="quick-steps"
        min={1}
        step={1}
        value={steps}
        onValue={(v) => setSettings({ steps: v })}
      />
      <QuickNumber
        label="Temp"
        testId="quick-temperature"
        min={0}
        step={0.05}
        value={temperature}
        onValue={(v) => setSettings({ temperature: v })}
      />
      {running ? (
        <button type="button" data-testid="quick-stop" onClick={stop}>
          Stop
        </button>
      ) : (
        <button type="button" className="primary" data-testid="quick-generate" disabled={!ready} onClick={generate}>
          Generate
        </button>
      )}
    </div>
  );
}

/** A compact number input that passes on only finite values (an empty box while typing changes nothing). */
function QuickNumber(p: {
  label: string;
  testId: string;
  min: number;
  step: number;
  value: number;
  onValue(v: number): void;
}) {
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  return (
    <label>
      {p.label}{' '}
      <input
        type="number"
        data-testid={p.testId}
        min={p.min}
        step={p.step}
        value={Number.isFinite(p.value) ? p.value : ''}
        onChange={(e) => Number.isFinite(num(e.target.value)) && p.onValue(num(e.target.value))}
      />
    </label>
  );
}
