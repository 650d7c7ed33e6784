// How it learned (issue 18 §3): the training objective on the shipped model, live. A real passage the
// model never trained on is masked at noise level t (each token with probability t, seeded); one
// forward pass fills every masked slot at once; each slot shows the model's best guess, coloured by the
// probability it gave the true token; training lowers this loss at every t (how much each t counts is the
// recipe's: models/README.md's "Loss" line). The loss over t integrates to the bound the card reports.
// The numbers are engine/objective.ts's, from the worker's 'denoise' pass.
import { useEffect, useMemo, useRef, useState } from 'react';
import { lossAt, lossCurve, noiseMask, noisyCanvas, type Bound, type CurvePoint, type Denoised } from '../../engine';
import { isBusy, useApp } from '../../store/store';
import { CONFIDENCE_STEPS, confidenceStep } from '../confidence';
import { clampNoise, CURVE_DRAWS, CURVE_POINTS, useNoiseView } from './noiseView';
import { LossCurveChart } from './LossCurveChart';
import { loadPassages, passageLabel, type Passages } from './passages';
import './objective.css';

type Load = { status: 'loading' } | { status: 'ready'; data: Passages } | { status: 'failed'; why: string };
type Pass = { key: string; out: Denoised } | { key: string; error: string } | null;
type Curve =
  | { phase: 'idle' }
  | { phase: 'running'; done: number; total: number; curve: CurvePoint[] }
  | { phase: 'done'; bound: Bound }
  | { phase: 'stopped'; why: string; curve: CurvePoint[] };

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export default function TrainingObjective() {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const { noise, setNoise } = useNoiseView();
  const [passageIx, setPassageIx] = useState(0);
  const [seed, setSeed] = useState(1);
  const [pass, setPass] = useState<Pass>(null);
  const [curve, setCurve] = useState<Curve>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const model = useApp((s) => s.engine.model);
  const ready = useApp((s) => s.engine.status === 'ready');
  const loadId = useApp((s) => s.engine.loadId);
  const busy = useApp(isBusy);

  useEffect(() => {
    loadPassages().then(
      (data) => setLoad({ status: 'ready', data }),
      (e: unknown) => setLoad({ status: 'failed', why: messageOf(e) }),
    );
  }, []);
  useEffect(() => () => abort.current?.abort(), []);

  const passages = load.status === 'ready' ? load.data.passages : [];
  const passage = passages[Math.min(passageIx, passages.length - 1)];
  const mask = useMemo(
    () => (passage ? noiseMask(passage.ids.length, noise, seed) : new Uint8Array(0)),
    [passage, noise, seed],
  );
  // The engine's load is part of the key: an answer (or a refusal) belongs to the engine that gave it,
  // so a reload asks again instead of keeping "the engine reloaded" as this canvas's answer.
  const key = `${passageIx}|${noise}|${seed}|${loadId}`;
  const curveRunning = curve.phase === 'running';

  // One pass per canvas, after the slider settles; while a run or the curve holds the engine, it waits.
  useEffect(() => {
    if (!passage || !model || !ready || busy || curveRunning || pass?.key === key) return;
    let live = true;
    const gone = new AbortController(); // a pass for a canvas no longer shown is skipped if still queued
    const timer = setTimeout(() => {
      const { ids, positions } = noisyCanvas(passage.ids, mask, model.maskId);
      if (!positions.length) {
        setPass({
          key,
          out: { positions, nll: new Float64Array(0), guess: new Int32Array(0), guessProb: new Float64Array(0) },
        });
        return;
      }
      useApp
        .getState()
        .denoise(ids, Int32Array.from(passage.ids), gone.signal)
        .then(
          (out) => live && setPass({ key, out }),
          (e: unknown) => live && setPass({ key, error: messageOf(e) }),
        );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
      gone.abort();
    };
  }, [passage, mask, model, ready, busy, curveRunning, key, pass?.key]);

  if (load.status === 'loading') return <p className="hint">Loading the passages…</p>;
  if (load.status === 'failed')
    return (
      <p role="alert" className="error">
        The passages could not be loaded ({load.why}). Check the connection and open this panel again.
      </p>
    );
  if (!passage) return null;

  const current = pass && pass.key === key && 'out' in pass ? pass.out : null;
  const failed = pass && pass.key === key && 'error' in pass ? pass.error : null;
  const maskedCount = mask.reduce((a, b) => a + b, 0);
  const loss = current ? lossAt(current.nll, noise, passage.ids.length) : null;
  const row = new Map<number, number>();
  current?.positions.forEach((p, j) => row.set(p, j));
  const right = current ? [...current.positions].filter((p, j) => current.guess[j] === passage.ids[p]).length : 0;
  const pieces = model?.pieces ?? [];

  function runCurve() {
    const ctl = new AbortController();
    abort.current?.abort();
    abort.current = ctl;
    const total = CURVE_POINTS * CURVE_DRAWS * passages.length;
    setCurve({ phase: 'running', done: 0, total, curve: [] });
    lossCurve((n, t, a) => useApp.getState().denoise(n, t, a), passages, {
      points: CURVE_POINTS,
      draws: CURVE_DRAWS,
      seed,
      maskId: model!.maskId,
      signal: ctl.signal,
      onProgress: (done, all, pts) => setCurve({ phase: 'running', done, total: all, curve: [...pts] }),
    }).then(
      (bound) => setCurve({ phase: 'done', bound }),
      (e: unknown) =>
        setCurve((c) => ({
          phase: 'stopped',
          why: ctl.signal.aborted ? 'Cancelled.' : `${messageOf(e)} Run it again.`,
          curve: c.phase === 'running' ? c.curve : [],
        })),
    );
  }

  const card = load.data.cardBitsPerByte;
  const shownCurve = curve.phase === 'done' ? curve.bound.curve : curve.phase === 'idle' ? [] : curve.curve;

  return (
    <div className="objective">
      <p className="hint">
        This is how the model learned. Each token of a passage it never trained on is hidden with probability t; one
        forward pass guesses every hidden token at once, from the words left on both sides; the loss is how surprised it
        was by the true tokens, in bits per hidden token. Training lowered that loss at every t (this model's latest
        runs counted every hidden token alike, so heavily masked passages, with more to guess, weighed more). Averaged
        evenly over t, the same loss is a bound on the bits the model needs per byte of text: the area under the curve
        below.
      </p>
      <div className="objective-controls">
        <label>
          Passage{' '}
          <select value={passageIx} onChange={(e) => setPassageIx(Number(e.target.value))} disabled={curveRunning}>
            {passages.map((p, i) => (
              <option key={p.book} value={i}>
                {i + 1}. {passageLabel(p)}
              </option>
            ))}
          </select>
        </label>
        <label className="noise-slider">
          Noise t = <output>{noise.toFixed(2)}</output>
          <input
            type="range"
            data-testid="noise-level"
            min={0}
            max={1}
            step={0.01}
            value={noise}
            disabled={curveRunning}
            aria-valuetext={`t ${noise.toFixed(2)}: about ${Math.round(noise * 100)} % of the tokens hidden`}
            onChange={(e) => setNoise(clampNoise(Number(e.target.value)))}
          />
        </label>
        <span>
          Draw {seed}{' '}
          <button type="button" data-testid="noise-redraw" onClick={() => setSeed(seed + 1)} disabled={curveRunning}>
            Re-draw
          </button>
        </span>
      </div>
      <p className="noise-passage" aria-label={`The passage at t ${noise.toFixed(2)}`}>
        {passage.ids.map((id, i) => {
          const j = row.get(i);
          if (!mask[i])
            return (
              <span key={i} data-testid="noise-token" data-state="visible" className="noise-token">
                {pieces[id] ?? ''}
              </span>
            );
          const p = j === undefined ? null : Math.exp(-current!.nll[j]);
          const step = p === null ? null : CONFIDENCE_STEPS[confidenceStep(p)];
          const guess = j === undefined ? null : current!.guess[j];
          const truth = pieces[id] ?? '';
          return (
            <span
              key={i}
              data-testid="noise-token"
              data-state="masked"
              className={`noise-token masked${guess === id ? ' right' : ''}`}
              style={step ? { background: step.background, color: step.text } : undefined}
              title={
                p === null
                  ? 'Hidden: waiting for the forward pass'
                  : `Hidden. Guess ${JSON.stringify(pieces[guess!] ?? '')} (p ${current!.guessProb[j!].toFixed(2)}); the true token ${JSON.stringify(truth)} had p ${p.toFixed(3)}`
              }
            >
              {guess === null ? '▒'.repeat(Math.max(1, Math.min(6, truth.trim().length))) : pieces[guess]}
            </span>
          );
        })}
      </p>
      <p data-testid="noise-loss" aria-live="polite" className="noise-loss">
        {maskedCount === 0
          ? 'Nothing is hidden at this t: there is nothing to guess (the loss is 0).'
          : failed
            ? `${failed}`
            : loss && loss.bitsPerMaskedToken !== null
              ? `Loss at t = ${noise.toFixed(2)}: ${loss.bitsPerMaskedToken.toFixed(2)} bits per hidden token (${maskedCount} of ${passage.ids.length} hidden; the best guess is the true token at ${right}).`
              : busy
                ? 'A run is going on: the forward pass waits for it to end.'
                : !ready
                  ? 'The engine is not ready: the forward pass runs once the model has loaded.'
                  : 'Guessing the hidden tokens…'}
      </p>
      <p className="hint legend-line">
        Hidden slots show the model's best guess, coloured by the probability it gave the true token (dark: under 0.2,
        yellow: over 0.8); an underline marks a guess that is the true token.
      </p>
      <div className="objective-curve">
        <div className="objective-actions">
          <button
            type="button"
            className="primary"
            data-testid="noise-curve-run"
            disabled={curveRunning || busy || !ready}
            onClick={runCurve}
          >
            Loss over t
          </button>
          {curveRunning && (
            <button type="button" data-testid="noise-curve-cancel" onClick={() => abort.current?.abort()}>
              Cancel
            </button>
          )}
          <span role="status" className="objective-progress">
            {curve.phase === 'running'
              ? `Forward pass ${curve.done} of ${curve.total}…`
              : curve.phase === 'stopped'
                ? `Stopped: ${curve.why}`
                : curve.phase === 'done'
                  ? `Done: ${CURVE_POINTS} values of t × ${CURVE_DRAWS} draws × ${passages.length} passages.`
                  : `${CURVE_POINTS} values of t × ${CURVE_DRAWS} draws × ${passages.length} passages: ${CURVE_POINTS * CURVE_DRAWS * passages.length} forward passes.`}
          </span>
        </div>
        <LossCurveChart curve={shownCurve} points={CURVE_POINTS} current={noise} />
        <p data-testid="noise-bound" className="noise-bound">
          {curve.phase === 'done'
            ? `The area under the curve, the bound: ${(curve.bound.natsPerToken / Math.LN2).toFixed(3)} bits per token, ${curve.bound.bitsPerByte.toFixed(3)} bits per byte on these ${passages.length} passages.`
            : 'The area under the curve is the bound, in bits per token and per byte of text.'}{' '}
          {card !== null &&
            `The model card: ${card.toFixed(3)} bits per byte on random windows of all its validation books.`}
        </p>
      </div>
    </div>
  );
}
