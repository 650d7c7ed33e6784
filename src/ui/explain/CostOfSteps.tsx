// The cost of steps (issue 18 §4): the form's prompt and seed at 4 to 64 steps, under the adaptive
// schedule and left to right, one run after another (src/store/sweep.ts), each with its forward passes,
// its time and the card's two reader's measures, and a chart of those against the passes.
import { useEffect, useState } from 'react';
import { isBusy, useApp, type SweepRow, type SweepView } from '../../store/store';
import { givenTextOf } from '../../store/run';
import { qualityOf, type Quality } from './quality';
import { SweepChart, type ChartPoint } from './SweepChart';
import { loadWordList } from './wordList';
import './sweep.css';

type Vocab =
  { status: 'idle' | 'loading' } | { status: 'ready'; words: Set<string> } | { status: 'failed'; why: string };

const percent = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)} %` : '–');
const shortLabel = (r: SweepRow) =>
  r.kind === 'steps' ? `${r.requested}` : r.kind === 'adaptive' ? 'adaptive' : 'L→R';

function progressLine(sweep: SweepView | null): string {
  if (!sweep) return 'Not run yet.';
  const n = sweep.rows.length;
  if (sweep.phase === 'done') return `Done: ${n} runs.`;
  const row = sweep.rows[sweep.current];
  if (sweep.phase === 'stopped')
    return `Stopped at row ${sweep.current + 1} of ${n}${row ? ` (${row.label})` : ''}${sweep.why ? `: ${sweep.why}` : '.'}`;
  return `Running row ${sweep.current + 1} of ${n}: ${row.label}…`;
}

function stepsCell(r: SweepRow, masked: number): string {
  if (r.kind === 'left-to-right') return `${masked} (one per slot)`;
  if (r.kind === 'adaptive') return `up to ${masked} (the masked count)${r.result ? `, took ${r.result.steps}` : ''}`;
  return r.requested > masked ? `${r.requested}, clamped to ${masked} (the masked count)` : `${r.requested}`;
}

export default function CostOfSteps() {
  const sweep = useApp((s) => s.sweep);
  const busy = useApp(isBusy);
  const ready = useApp((s) => s.engine.status === 'ready');
  const [vocab, setVocab] = useState<Vocab>({ status: 'idle' });
  const running = sweep?.phase === 'running';
  // Why the last press did not start a sweep (the form cannot run): said here, beside the button.
  const [refused, setRefused] = useState<string | null>(null);
  const form = useApp((s) => s.form);
  useEffect(() => setRefused(null), [form]); // an edited form may run: the old reason no longer holds

  // A sweep started elsewhere (or before this panel was opened) still gets its word list.
  useEffect(() => {
    if (!sweep || vocab.status !== 'idle') return;
    setVocab({ status: 'loading' });
    loadWordList().then(
      (words) => setVocab({ status: 'ready', words }),
      (e: unknown) => setVocab({ status: 'failed', why: e instanceof Error ? e.message : String(e) }),
    );
  }, [sweep, vocab.status]);

  const given = sweep ? givenTextOf(sweep.segments) : [];
  const words = vocab.status === 'ready' ? vocab.words : new Set<string>();
  const measured: (Quality | null)[] = (sweep?.rows ?? []).map((r) =>
    r.result ? qualityOf(r.result.text, given, words) : null,
  );
  const points: ChartPoint[] = (sweep?.rows ?? []).flatMap((r, k) => {
    const q = measured[k];
    return r.result && q
      ? [{ label: shortLabel(r), passes: r.result.forwardPasses, quality: q, hasVocab: vocab.status === 'ready' }]
      : [];
  });

  return (
    <div className="cost-of-steps">
      <p className="hint">
        The prompt and seed of the form at 4, 8, 16, 32 and 64 steps, then under the adaptive schedule (sure at the
        form's threshold, with the masked count as its budget), then left to right, one run after another. Every other
        setting is the form's as it is, refinement included (its passes are counted); the step rows use a fixed schedule
        (linear if the form's is adaptive) and a diffusion order (margin, if the form's is left to right), and left to
        right changes the strategy too. Each run shows on the canvas as it goes.
      </p>
      <div className="sweep-actions">
        <button
          type="button"
          className="primary"
          data-testid="steps-sweep"
          disabled={busy || !ready}
          onClick={() => setRefused(useApp.getState().startSweep())}
        >
          Run the sweep
        </button>
        <button type="button" data-testid="sweep-cancel" disabled={!running} onClick={() => useApp.getState().stop()}>
          Cancel
        </button>
        <p className="sweep-progress" role="status" data-testid="sweep-progress">
          {refused ? `Not started: ${refused}` : progressLine(sweep)}
        </p>
      </div>
      {vocab.status === 'loading' && <p className="hint">Fetching the training books' word list (96 kB compressed)…</p>}
      {vocab.status === 'failed' && (
        <p className="note">The word list could not be fetched ({vocab.why}): invented words are not measured.</p>
      )}
      {sweep && (
        <>
          <div className="sweep-table-wrap">
            <table className="sweep-table">
              <caption className="sr-only">Each run of the sweep, its cost and its quality</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Steps</th>
                  <th scope="col">Forward passes</th>
                  <th scope="col">Time</th>
                  <th scope="col">Invented words</th>
                  <th scope="col">Repeated 3-grams</th>
                  <th scope="col">Text</th>
                </tr>
              </thead>
              <tbody>
                {sweep.rows.map((r, k) => {
                  const q = measured[k];
                  return (
                    <tr
                      key={r.label}
                      data-testid="sweep-row"
                      data-kind={r.kind}
                      data-steps={r.requested}
                      data-passes={r.result?.forwardPasses ?? ''}
                      aria-current={running && k === sweep.current ? 'step' : undefined}
                    >
                      <th scope="row">{r.label}</th>
                      <td>{stepsCell(r, sweep.masked)}</td>
                      <td data-testid="sweep-passes">{r.result?.forwardPasses ?? '–'}</td>
                      <td>{r.result ? `${Math.round(r.result.totalMs)} ms` : '–'}</td>
                      <td data-testid="sweep-invented">
                        {q && vocab.status === 'ready' ? percent(q.invented, q.words) : '–'}
                      </td>
                      <td data-testid="sweep-repeated">{q ? percent(q.repeated, q.trigrams) : '–'}</td>
                      <td className="sweep-text" data-testid="sweep-text">
                        {r.result?.text ??
                          (running && k === sweep.current ? 'Running…' : sweep.phase === 'running' ? 'Waiting…' : '')}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p className="hint">
            <strong>Invented words</strong>: the share of the words the run wrote (lower-cased runs of letters) that the
            training books never use; this list keeps the words they use at least twice, so it reads a little above the
            model card's. <strong>Repeated 3-grams</strong>: the share of the passage's three-word sequences, prompt
            included, that already occurred earlier in it (loops). Lower is better for both; one run each, so a point is
            noisy.
          </p>
          <SweepChart points={points} />
        </>
      )}
    </div>
  );
}
