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
      {run.settings.schedule === 'adaptive' && run.settings.strategy !== 'left-to-right' && (
        <CommitCounts counts={run.frames.map((f) => f.resolved.length)} threshold={run.settings.threshold} />
      )}
    </div>
  );
}

/** An adaptive run's steps as bars: how many slots each one committed (the threshold decides). */
function CommitCounts({ counts, threshold }: { counts: number[]; threshold: number }) {
  const most = Math.max(1, ...counts);
  const label = `Slots committed per step (adaptive, sure at ${threshold}): ${counts.join(', ') || 'none yet'}`;
  return (
    <figure className="commit-counts" data-testid="commit-counts" data-counts={counts.join(',')}>
      <figcaption>
        Slots per step (sure at {threshold}): {counts.length} steps, at most {most} in one
      </figcaption>
      <svg
        viewBox={`0 0 ${Math.max(counts.length, 1) * 4} 20`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
      >
        {counts.map((c, k) => (
          <rect key={k} x={k * 4 + 0.5} y={20 - (20 * c) / most} width={3} height={(20 * c) / most} />
        ))}
      </svg>
    </figure>
  );
}
