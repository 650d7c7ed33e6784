// Live numbers of the run: step k / S with a progress bar, ms per step, tokens/s, forward passes.
import { liveStats } from '../store/run';
import { useApp } from '../store/store';
import { fixed } from './format';

const STATUS = {
  running: 'Running',
  done: 'Done',
  cancelled: 'Stopped',
  failed: 'Failed',
} as const;

export function RunStats() {
  const run = useApp((s) => s.run);
  const pending = useApp((s) => s.pending !== null);
  if (!run) {
    return (
      <div className="stats" aria-label="Run statistics">
        <span data-testid="step-counter">step 0 / 0</span>
        {pending && <span>Starting…</span>}
      </div>
    );
  }
  const st = liveStats(run);
  return (
    <div className="stats" aria-label="Run statistics">
      <div className="stat-main">
        <span data-testid="step-counter">
          step {st.step} / {st.totalSteps}
        </span>
        <progress value={st.step} max={Math.max(st.totalSteps, 1)} aria-label="Run progress" />
        <span className={`run-status ${run.status}`} data-testid="run-status">
          {pending ? 'Starting…' : STATUS[run.status]}
          {run.label ? ` · ${run.label}` : ''}
        </span>
      </div>
      <dl className="stat-list">
        <div>
          <dt>ms / step</dt>
          <dd data-testid="ms-per-step">{fixed(st.msPerStep, 1)}</dd>
        </div>
        <div>
          <dt>tokens / s</dt>
          <dd data-testid="tokens-per-second">{fixed(st.tokensPerSecond, 0)}</dd>
        </div>
        <div>
          <dt>forward passes</dt>
          <dd data-testid="forward-passes">{st.forwardPasses}</dd>
        </div>
        <div>
          <dt>resolved</dt>
          <dd data-testid="resolved-count">
            {st.resolved} / {st.generated}
          </dd>
        </div>
      </dl>
    </div>
  );
}
