// Quality against forward passes: one point per finished row for each measure, forward passes on a log
// scale (4 to 64 and more), the shares in percent.
import type { Quality } from './quality';

export interface ChartPoint {
  label: string;
  passes: number;
  quality: Quality;
  /** False until the word list has loaded. */
  hasVocab: boolean;
}

const W = 420;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 36 };

const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : 0);

export function SweepChart({ points }: { points: ChartPoint[] }) {
  const passes = points.map((p) => p.passes);
  const lo = Math.log2(Math.max(1, Math.min(2, ...passes)));
  const hi = Math.log2(Math.max(4, ...passes) * 1.15);
  const shares = points.flatMap((p) => [
    pct(p.quality.repeated, p.quality.trigrams),
    p.hasVocab ? pct(p.quality.invented, p.quality.words) : 0,
  ]);
  const top = Math.max(10, Math.ceil(Math.max(0, ...shares) / 10) * 10);
  const x = (n: number) => PAD.left + ((Math.log2(Math.max(1, n)) - lo) / (hi - lo)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const ticks = [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((t) => Math.log2(t) >= lo && Math.log2(t) <= hi);
  return (
    <figure className="sweep-chart">
      <svg
        data-testid="sweep-chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Quality against forward passes: ${points
          .map(
            (p) =>
              `${p.label}, ${p.passes} passes, ${p.hasVocab ? `${pct(p.quality.invented, p.quality.words).toFixed(1)} % invented, ` : ''}${pct(p.quality.repeated, p.quality.trigrams).toFixed(1)} % repeated 3-grams`,
          )
          .join('; ')}`}
      >
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        {ticks.map((t) => (
          <text key={t} className="tick" x={x(t)} y={H - PAD.bottom + 12} textAnchor="middle">
            {t}
          </text>
        ))}
        {[0, top / 2, top].map((v) => (
          <text key={v} className="tick" x={PAD.left - 4} y={y(v) + 3} textAnchor="end">
            {v} %
          </text>
        ))}
        <text className="tick" x={(W + PAD.left) / 2} y={H - 6} textAnchor="middle">
          forward passes (log scale)
        </text>
        {points.map((p, k) => {
          // Rows that took the same passes (steps clamped to the masked count) stack their labels.
          const stacked = points.slice(0, k).filter((o) => o.passes === p.passes).length;
          const right = x(p.passes) > W * 0.7; // near the right edge the label goes to the left
          const rep = pct(p.quality.repeated, p.quality.trigrams);
          const inv = pct(p.quality.invented, p.quality.words);
          return (
            <g key={p.label} data-testid="sweep-point" data-passes={p.passes}>
              <rect className="repeated" x={x(p.passes) - 3} y={y(rep) - 3} width={6} height={6} />
              {p.hasVocab && <circle className="invented" cx={x(p.passes)} cy={y(inv)} r={3.5} />}
              <text
                className="point-label"
                x={right ? x(p.passes) - 6 : x(p.passes) + 6}
                y={Math.max(y(p.hasVocab ? inv : rep), PAD.top + 50) - 5 - 10 * stacked}
                textAnchor={right ? 'end' : 'start'}
              >
                {p.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span className="key invented">●</span> invented words, <span className="key repeated">■</span> repeated
        3-grams, each run at its forward passes.
      </figcaption>
    </figure>
  );
}
