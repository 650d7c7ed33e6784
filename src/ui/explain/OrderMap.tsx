// The order map: the whole run in one picture. Generated positions across, steps down; each token's cell
// sits at the step it last resolved and is coloured by that step (or, on the toggle, by the model's
// confidence); a cross marks a resolution that refinement undid. Beside it the same slots in reading
// order against the left-to-right diagonal, and two small charts: masked slots left after each step
// (the schedule) and the mean confidence of what each step committed. Clicking a cell moves the
// timeline to that step and opens the inspector on that token. Plain SVG: a few hundred rectangles need no chart library.
import { useMemo, useState } from 'react';
import { useApp } from '../../store/store';
import { CONFIDENCE_STEPS, confidenceStep, percent } from '../confidence';
import { useInspector } from './inspectorState';
import { orderMapOf } from './orderMap';

const CELL = 8;

/** Early steps dark, late steps light: viridis by the share of the run. */
function stepColour(step: number, steps: number): string {
  const share = steps <= 1 ? 1 : (step - 1) / (steps - 1);
  return CONFIDENCE_STEPS[confidenceStep(Math.min(0.999, share))].background;
}

export default function OrderMap() {
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const inspect = useInspector((s) => s.inspect);
  const [byConfidence, setByConfidence] = useState(false);
  const map = useMemo(() => (run ? orderMapOf(run) : null), [run]);
  if (!run || !map) return <p className="hint">Generate a passage to see the order in which it was written.</p>;
  const cols = map.columns.length;
  const rows = Math.max(1, run.totalSteps);
  const shown = view ?? map.steps;
  const width = cols * CELL;
  const height = rows * CELL;
  const chartH = 40;
  const maxMasked = Math.max(1, ...map.maskedLeft, cols);
  return (
    <div className="order-map" data-testid="order-map">
      <p className="hint">
        Positions across, steps down: each cell is a token at the step it was written. A left-to-right model would fill
        the diagonal; a diffusion model writes wherever it is surest first. Click a cell to see that step and look
        inside that token.
      </p>
      <label>
        <input type="checkbox" checked={byConfidence} onChange={(e) => setByConfidence(e.target.checked)} /> Colour by
        confidence instead of step
      </label>
      <div className="order-map-row">
        <svg
          role="img"
          aria-label={`Order of resolution: ${cols} tokens over ${map.steps} steps`}
          viewBox={`0 0 ${width} ${height}`}
          width={Math.min(width, 640)}
          height={Math.min(width, 640) * (height / Math.max(1, width))}
          preserveAspectRatio="none"
        >
          <line x1={0} y1={0} x2={width} y2={height} className="diagonal" />
          {shown > 0 && <rect x={0} y={(shown - 1) * CELL} width={width} height={CELL} className="current-step" />}
          {map.columns.map((c, x) => (
            <g key={c.position}>
              {c.undone.map((u, k) => (
                <text
                  key={k}
                  x={x * CELL + CELL / 2}
                  y={u.resolvedAt * CELL - 1}
                  className="undone"
                  textAnchor="middle"
                >
                  ×
                </text>
              ))}
              {c.step > 0 && (
                <rect
                  data-testid="order-cell"
                  data-position={c.position}
                  data-step={c.step}
                  x={x * CELL}
                  y={(c.step - 1) * CELL}
                  width={CELL}
                  height={CELL}
                  fill={
                    byConfidence ? CONFIDENCE_STEPS[confidenceStep(c.confidence)].background : stepColour(c.step, rows)
                  }
                  onClick={() => {
                    setView(c.step);
                    inspect(c.position);
                  }}
                >
                  <title>{`Position ${c.position}: step ${c.step}, ${percent(c.confidence)} sure`}</title>
                </rect>
              )}
            </g>
          ))}
        </svg>
      </div>
      <div className="order-charts">
        <figure>
          <svg
            viewBox={`0 0 ${rows} ${chartH}`}
            width={200}
            height={chartH}
            preserveAspectRatio="none"
            aria-hidden="true"
          >
            <polyline
              className="chart-line"
              points={map.maskedLeft.map((m, k) => `${k + 0.5},${chartH - (m / maxMasked) * chartH}`).join(' ')}
            />
          </svg>
          <figcaption>Masked slots left after each step (the schedule)</figcaption>
        </figure>
        <figure>
          <svg
            viewBox={`0 0 ${rows} ${chartH}`}
            width={200}
            height={chartH}
            preserveAspectRatio="none"
            aria-hidden="true"
          >
            {map.meanConfidence.map((c, k) =>
              c === null ? null : <rect key={k} x={k + 0.1} y={chartH - c * chartH} width={0.8} height={c * chartH} />,
            )}
          </svg>
          <figcaption>Mean confidence of what each step committed</figcaption>
        </figure>
      </div>
    </div>
  );
}
