// The loss over t as the midpoint rule integrates it: one bar per stratum of t, its height the loss
// at the stratum's midpoint in bits per token (the integrand: the loss per hidden token times the
// share hidden, over t), so the bars' area is the bound. A line marks the slider's t. Plain SVG: a
// dozen rectangles need no chart library.
import type { CurvePoint } from '../../engine';

const W = 420;
const H = 200;
const PAD = { left: 40, right: 10, top: 10, bottom: 34 };

export function LossCurveChart({ curve, points, current }: { curve: CurvePoint[]; points: number; current: number }) {
  const bits = curve.map((c) => c.integrandNats / Math.LN2);
  const top = Math.max(8, Math.ceil(Math.max(0, ...bits) / 2) * 2);
  const x = (t: number) => PAD.left + t * (W - PAD.left - PAD.right);
  const y = (b: number) => H - PAD.bottom - (b / top) * (H - PAD.top - PAD.bottom);
  const width = (W - PAD.left - PAD.right) / points;
  const label = curve.length
    ? `Loss over t, bits per hidden token: ${curve.map((c, k) => `t ${c.t.toFixed(2)}: ${bits[k].toFixed(2)}`).join('; ')}`
    : 'Loss over t: not computed yet';
  return (
    <figure className="loss-curve">
      <svg data-testid="noise-curve" data-points={curve.length} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        {[0, 0.25, 0.5, 0.75, 1].map((t) => (
          <text key={t} className="tick" x={x(t)} y={H - PAD.bottom + 12} textAnchor="middle">
            {t}
          </text>
        ))}
        {[0, top / 2, top].map((b) => (
          <text key={b} className="tick" x={PAD.left - 4} y={y(b) + 3} textAnchor="end">
            {b}
          </text>
        ))}
        <text className="tick" x={(W + PAD.left) / 2} y={H - 6} textAnchor="middle">
          across: noise t (share of tokens hidden) · up: bits per hidden token
        </text>
        {curve.map((c, k) => (
          <rect
            key={c.t}
            className="stratum"
            x={x(c.t) - width / 2 + 1}
            y={y(bits[k])}
            width={width - 2}
            height={Math.max(0, H - PAD.bottom - y(bits[k]))}
          />
        ))}
        <line className="now" x1={x(current)} y1={PAD.top} x2={x(current)} y2={H - PAD.bottom} />
      </svg>
      <figcaption>
        Each bar: the loss at the middle of its tenth of t, averaged over every passage and draw (the hidden tokens'
        bits per token of the passage, divided by t: in expectation, the bits per hidden token). Low t: most words are
        there to read, the guesses are easy; high t: the model guesses almost blind.
      </figcaption>
    </figure>
  );
}
