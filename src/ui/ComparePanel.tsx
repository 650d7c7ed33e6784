// The same prompt in diffusion order and then left to right, one run after the other, with the
// forward passes each needed side by side.
import { useApp, type CompareResult } from '../store/store';

function Half({
  title,
  result,
  active,
  stopped,
}: {
  title: string;
  result: CompareResult | null;
  active: boolean;
  stopped: boolean;
}) {
  return (
    <div className="compare-half">
      <h3>{title}</h3>
      {result ? (
        <>
          <p className="big">
            <span data-testid={`${title === 'Left to right' ? 'ltr' : 'diffusion'}-passes`}>
              {result.forwardPasses}
            </span>{' '}
            forward passes
          </p>
          <p className="hint">
            {result.steps} steps, {(result.totalMs / 1000).toFixed(2)} s
          </p>
          <p className="compare-text">{result.text}</p>
        </>
      ) : (
        <p className="hint" data-testid="compare-half-state">
          {active ? 'Running…' : stopped ? 'No result: the comparison was stopped.' : 'Waiting…'}
        </p>
      )}
    </div>
  );
}

export function ComparePanel() {
  const compare = useApp((s) => s.compare);
  if (!compare) return null;
  return (
    <section className="panel compare" aria-labelledby="compare-title" data-testid="compare-panel">
      <h2 id="compare-title">Diffusion order vs left to right</h2>
      {compare.phase === 'stopped' && <p className="note">The comparison was stopped.</p>}
      <div className="compare-grid">
        <Half
          title={`Diffusion (${compare.settings.strategy})`}
          result={compare.diffusion}
          active={compare.phase === 'diffusion'}
          stopped={compare.phase === 'stopped'}
        />
        <Half
          title="Left to right"
          result={compare.leftToRight}
          active={compare.phase === 'left-to-right'}
          stopped={compare.phase === 'stopped'}
        />
      </div>
    </section>
  );
}
