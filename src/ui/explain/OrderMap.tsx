// The order map: the whole run in one picture. Canvas positions across, steps down (on a phone the
// reverse, so the long axis runs down the screen); each generated token's cell sits at the step it last
// resolved and is coloured by that step (or, on the toggle, by the model's confidence); a cross marks a
// resolution that refinement undid; the given text (prompt or template) is a grey column. Beside it the
// same passage written left to right, the diagonal, and two small charts: masked slots left after each
// step (the schedule) and the mean confidence of what each step committed. Clicking a cell (or Enter on
// it; the arrow keys move between cells) moves the timeline to that step and opens the inspector on that
// token. Plain SVG: a few hundred rectangles need no chart library.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../../store/store';
import { CONFIDENCE_STEPS, confidenceStep, percent } from '../confidence';
import { useInspector } from './inspectorState';
import { leftToRightStep, orderMapOf, type OrderMap as MapData } from './orderMap';

const CELL = 8;
const NARROW = '(max-width: 480px)';

/** Early steps dark, late steps light: viridis by the share of the run. */
function stepColour(step: number, steps: number): string {
  const share = steps <= 1 ? 1 : (step - 1) / (steps - 1);
  return CONFIDENCE_STEPS[confidenceStep(Math.min(0.999, share))].background;
}

/** True on a phone-sized screen, following the window as it is resized or turned. */
function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const q = matchMedia(NARROW);
    const on = () => setNarrow(q.matches);
    q.addEventListener('change', on);
    return () => q.removeEventListener('change', on);
  }, []);
  return narrow;
}

/** Where a (position, step) cell goes: positions across and steps down, or transposed on a phone. */
interface Grid {
  positions: number;
  rows: number;
  transposed: boolean;
}
const cellAt = (g: Grid, position: number, row: number) =>
  g.transposed ? { x: row * CELL, y: position * CELL } : { x: position * CELL, y: row * CELL };
/** A full-length strip: through every step at one position, or across every position at one step. */
const stripAt = (g: Grid, through: 'steps' | 'positions', index: number) => {
  const at = through === 'steps' ? cellAt(g, index, 0) : cellAt(g, 0, index);
  const long = (through === 'steps' ? g.rows : g.positions) * CELL;
  const alongX = (through === 'steps') === g.transposed;
  return { ...at, width: alongX ? long : CELL, height: alongX ? CELL : long };
};
const boxOf = (g: Grid) => {
  const across = (g.transposed ? g.rows : g.positions) * CELL;
  const down = (g.transposed ? g.positions : g.rows) * CELL;
  // Square cells, as large as fit a box (on a phone two maps side by side, taller than wide), at most
  // 4x: a short run is drawn large, a long prompt with few steps does not run off down the page.
  const [maxW, maxH] = g.transposed ? [170, 640] : [380, 420];
  const scale = Math.min(maxW / across, maxH / down, 4);
  return { across, down, width: across * scale, height: down * scale };
};

/** The given positions: a grey band through every step (the model never changes them). */
function GivenBands({ grid, given }: { grid: Grid; given: number[] }) {
  return given.map((p) => (
    <rect key={p} data-testid="order-given" data-position={p} className="given" {...stripAt(grid, 'steps', p)}>
      <title>{`Position ${p}: given (your text), never changed`}</title>
    </rect>
  ));
}

function MapSvg({ grid, label, children }: { grid: Grid; label: string; children: React.ReactNode }) {
  const { across, down, width, height } = boxOf(grid);
  return (
    <svg
      role="group"
      aria-label={label}
      viewBox={`0 0 ${across} ${down}`}
      width={width}
      height={height}
      preserveAspectRatio="none"
    >
      {children}
    </svg>
  );
}

/** The same passage written left to right with as many steps: each share of slots in reading order. */
function LeftToRight({ grid, map }: { grid: Grid; map: MapData }) {
  const cols = map.columns.length;
  return (
    <MapSvg grid={grid} label={`The same ${cols} tokens written left to right in ${grid.rows} steps: the diagonal`}>
      <GivenBands grid={grid} given={map.given} />
      {map.columns.map((c, rank) => {
        const step = leftToRightStep(rank, cols, grid.rows);
        const { x, y } = cellAt(grid, c.position, step - 1);
        return (
          <rect
            key={c.position}
            data-testid="order-ltr-cell"
            data-position={c.position}
            data-step={step}
            x={x}
            y={y}
            width={CELL}
            height={CELL}
            fill={stepColour(step, grid.rows)}
          />
        );
      })}
    </MapSvg>
  );
}

export default function OrderMap() {
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const pieces = useApp((s) => s.engine.model?.pieces);
  const inspect = useInspector((s) => s.inspect);
  const [byConfidence, setByConfidence] = useState(false);
  const [active, setActive] = useState(0);
  const rowRef = useRef<HTMLDivElement>(null);
  const transposed = useNarrow();
  const map = useMemo(() => (run ? orderMapOf(run) : null), [run]);
  if (!run || !map) return <p className="hint">Generate a passage to see the order in which it was written.</p>;
  const grid: Grid = { positions: map.positions, rows: Math.max(1, run.totalSteps), transposed };
  const written = map.columns.filter((c) => c.step > 0);
  const focusable = Math.min(active, Math.max(0, written.length - 1));
  const shown = view ?? map.steps;
  const chartH = 40;
  const maxMasked = Math.max(1, ...map.maskedLeft, map.columns.length);
  const open = (k: number) => {
    setView(written[k].step);
    inspect(written[k].position);
  };
  // One tab stop for the whole map (a roving tabindex): the arrows move between written cells in reading order.
  const onKey = (e: KeyboardEvent, k: number) => {
    const to = { ArrowRight: k + 1, ArrowDown: k + 1, ArrowLeft: k - 1, ArrowUp: k - 1, Home: 0 }[e.key] ?? null;
    const next = e.key === 'End' ? written.length - 1 : to;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(k);
    } else if (next !== null) {
      e.preventDefault();
      const k2 = Math.max(0, Math.min(written.length - 1, next));
      setActive(k2);
      rowRef.current?.querySelector<SVGElement>(`[data-testid="order-cell"][data-k="${k2}"]`)?.focus();
    }
  };
  return (
    <div
      className="order-map"
      data-testid="order-map"
      data-orientation={transposed ? 'steps-across' : 'positions-across'}
    >
      <p className="hint">
        {transposed ? 'Steps across, positions down' : 'Positions across, steps down'}: each cell is a token at the step
        it was written; grey is your own text. A left-to-right model fills the diagonal (the second map); a diffusion
        model, in its default order, writes wherever it is surest first. Click a cell, or press Enter on it (arrows
        move), to see that step and look inside that token.
      </p>
      <label>
        <input type="checkbox" checked={byConfidence} onChange={(e) => setByConfidence(e.target.checked)} /> Colour by
        confidence instead of step
      </label>
      <div className="order-map-row" ref={rowRef}>
        <figure>
          <MapSvg grid={grid} label={`Order of resolution: ${map.columns.length} tokens over ${map.steps} steps`}>
            <GivenBands grid={grid} given={map.given} />
            {shown > 0 && <rect className="current-step" {...stripAt(grid, 'positions', shown - 1)} />}
            {map.columns.flatMap((c) =>
              c.undone.map((u, j) => {
                const { x, y } = cellAt(grid, c.position, u.resolvedAt - 1);
                return (
                  <text
                    key={`${c.position}-${j}`}
                    data-testid="order-undone"
                    data-position={c.position}
                    data-step={u.resolvedAt}
                    x={x + CELL / 2}
                    y={y + CELL - 1}
                    className="undone"
                    textAnchor="middle"
                  >
                    ×
                  </text>
                );
              }),
            )}
            {written.map((c, k) => {
              const { x, y } = cellAt(grid, c.position, c.step - 1);
              const token =
                pieces && run.ids[c.position] !== undefined ? JSON.stringify(pieces[run.ids[c.position]]) : '';
              const redone = c.undone.length > 0 ? `, re-masked ${c.undone.length}× before` : '';
              const label = `Token ${c.position + 1} ${token}: step ${c.step}, ${percent(c.confidence)} sure${redone}`;
              return (
                <rect
                  key={c.position}
                  data-testid="order-cell"
                  data-position={c.position}
                  data-step={c.step}
                  data-k={k}
                  role="button"
                  tabIndex={k === focusable ? 0 : -1}
                  aria-label={label}
                  x={x}
                  y={y}
                  width={CELL}
                  height={CELL}
                  fill={
                    byConfidence
                      ? CONFIDENCE_STEPS[confidenceStep(c.confidence)].background
                      : stepColour(c.step, grid.rows)
                  }
                  onClick={() => {
                    setActive(k);
                    open(k);
                  }}
                  onKeyDown={(e) => onKey(e, k)}
                >
                  <title>{label}</title>
                </rect>
              );
            })}
          </MapSvg>
          <figcaption>This run</figcaption>
        </figure>
        <figure>
          <LeftToRight grid={grid} map={map} />
          <figcaption>Left to right, as many steps</figcaption>
        </figure>
      </div>
      <div className="order-charts">
        <figure>
          <svg
            viewBox={`0 0 ${grid.rows} ${chartH}`}
            width={200}
            height={chartH}
            preserveAspectRatio="none"
            aria-hidden="true"
            data-testid="order-chart-masked"
            data-points={map.maskedLeft.join(' ')}
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
            viewBox={`0 0 ${grid.rows} ${chartH}`}
            width={200}
            height={chartH}
            preserveAspectRatio="none"
            aria-hidden="true"
            data-testid="order-chart-confidence"
            data-bars={map.meanConfidence.filter((c) => c !== null).length}
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
