// On a phone the settings panel is far below the canvas: while the canvas is in view, this
// compact bar keeps steps, temperature and Stop at hand (hidden on wide screens by CSS).
import { isBusy, useApp } from '../store/store';

export function QuickBar() {
  const steps = useApp((s) => s.form.settings.steps);
  const temperature = useApp((s) => s.form.settings.temperature);
  const running = useApp((s) => s.run?.status === 'running' || s.pending !== null);
  const ready = useApp((s) => s.engine.status === 'ready' && !isBusy(s));
  const { setSettings, stop, generate } = useApp.getState();
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));
  return (
    <div className="quick-bar" data-testid="quick-bar" role="group" aria-label="Quick settings">
      <label>
        Steps{' '}
        <input
          type="number"
          data-testid="quick-steps"
          min={1}
          step={1}
          value={Number.isFinite(steps) ? steps : ''}
          onChange={(e) => Number.isFinite(num(e.target.value)) && setSettings({ steps: num(e.target.value) })}
        />
      </label>
      <label>
        Temp{' '}
        <input
          type="number"
          data-testid="quick-temperature"
          min={0}
          step={0.05}
          value={Number.isFinite(temperature) ? temperature : ''}
          onChange={(e) => Number.isFinite(num(e.target.value)) && setSettings({ temperature: num(e.target.value) })}
        />
      </label>
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
