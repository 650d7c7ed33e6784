// "Written together", in the inspector for a token a step wrote: the other tokens that step wrote
// from the same forward pass, which the model never saw beside it, and on demand the step's pass again
// with them on the canvas: would the model still write this token once it sees them (engine/
// together.ts)? Two passes, with Cancel; never during a run. Keyed by run, step and slot where it is
// used, like LeaningView.
import { useEffect, useRef, useState } from 'react';
import { clashBits, type StepMate, type Together } from '../../engine/together';
import { probOfBits } from '../../engine/leaning';
import { isBusy, useApp } from '../../store/store';
import { percent, sentenceOf } from '../format';
import { quotedPiece } from './inspectorData';

/** Bits either way below which the step-mates are said to change little. */
const SMALL_BITS = 1;

type State =
  | { phase: 'idle' }
  | { phase: 'running'; done: number }
  | { phase: 'done'; result: Together }
  | { phase: 'stopped'; why: string };

export function TogetherView({
  ids,
  slot,
  token,
  mates,
  step,
  maskId,
  piece,
}: {
  /** The canvas the step's pass saw (the slot and its step-mates masked). */
  ids: Int32Array;
  slot: number;
  token: number;
  /** The other slots the step wrote, and what it wrote there. */
  mates: readonly StepMate[];
  step: number;
  maskId: number;
  piece: (id: number) => string;
}) {
  const [state, setState] = useState<State>({ phase: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const ready = useApp((s) => s.engine.status === 'ready');
  const busy = useApp(isBusy);
  useEffect(() => () => abort.current?.abort(), []);
  const name = (id: number) => quotedPiece(piece(id));

  if (mates.length === 0)
    return (
      <section className="ins-lean" data-testid="together" data-mates={0} aria-labelledby="together-title">
        <h4 id="together-title">Written together</h4>
        <p className="hint" data-testid="together-alone">
          Step {step} wrote {name(token)} alone: every token beside it was on the canvas, or still masked, when the
          model chose it. With fewer steps, a step writes several tokens from one pass, none seeing the others.
        </p>
      </section>
    );

  function start() {
    const ctl = new AbortController();
    abort.current?.abort();
    abort.current = ctl;
    setState({ phase: 'running', done: 0 });
    useApp
      .getState()
      .together(ids, slot, token, mates, {
        maskId,
        signal: ctl.signal,
        onProgress: (done) => !ctl.signal.aborted && setState({ phase: 'running', done }),
      })
      .then(
        (result) => !ctl.signal.aborted && setState({ phase: 'done', result }),
        (e: unknown) => {
          if (abort.current === ctl)
            setState({ phase: 'stopped', why: ctl.signal.aborted ? 'Cancelled.' : `${sentenceOf(e)} Run it again.` });
        },
      );
  }

  const mate = new Map(mates.map((m) => [m.pos, m.id]));
  return (
    <section
      className="ins-lean"
      data-testid="together"
      data-phase={state.phase}
      data-mates={mates.length}
      aria-labelledby="together-title"
    >
      <h4 id="together-title">Written together</h4>
      <p className="hint">
        Step {step} wrote {mates.length + 1} tokens from one forward pass: this {name(token)} and the{' '}
        {mates.length === 1 ? 'one' : mates.length} underlined below. Each was drawn from its own row as if the others
        were still masked, so the model never saw them side by side. That is how a diffusion model writes many tokens in
        one pass, and why fewer steps read worse: tokens that never saw each other can clash.
      </p>
      <p className="lean-canvas" data-testid="together-canvas">
        {Array.from(ids, (id, i) => {
          if (i === slot)
            return (
              <mark key={i} className="lean-slot">
                {piece(token)}
              </mark>
            );
          const m = mate.get(i);
          if (m !== undefined)
            return (
              <span key={i} className="together-mate" data-testid="together-mate" data-pos={i}>
                {piece(m)}
                <span className="sr-only"> (written in the same step)</span>
              </span>
            );
          if (id === maskId)
            return (
              <span key={i} className="lean-masked" aria-hidden="true">
                {' ·'}
              </span>
            );
          return <span key={i}>{piece(id)}</span>;
        })}
      </p>
      <p className="hint">
        Underlined with dashes: the tokens step {step} wrote beside it. Dots: slots still masked after that step.
      </p>
      <p className="sr-only" role="status">
        {state.phase === 'done'
          ? 'Done: what its step-mates change is shown below.'
          : state.phase === 'stopped'
            ? state.why
            : ''}
      </p>
      {state.phase === 'running' ? (
        <p className="lean-progress">
          <label>
            {state.done === 0 ? 'Scoring it as it was drawn…' : 'Scoring it with its step-mates in view…'}{' '}
            <progress value={state.done} max={2} data-testid="together-progress" />
          </label>{' '}
          <button type="button" data-testid="together-cancel" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        </p>
      ) : (
        <p>
          <button type="button" data-testid="together-run" disabled={!ready || busy} onClick={start}>
            {state.phase === 'done' ? 'Run it again' : 'What if it had seen them? (2 forward passes)'}
          </button>
          {busy ? (
            <span className="hint"> Once the run has ended.</span>
          ) : (
            !ready && <span className="hint"> Once the model is ready.</span>
          )}
          {state.phase === 'stopped' && (
            <span className="hint" data-testid="together-stopped">
              {' '}
              {state.why}
            </span>
          )}
        </p>
      )}
      {state.phase === 'done' && <TogetherResult result={state.result} name={name} />}
    </section>
  );
}

function TogetherResult({ result, name }: { result: Together; name: (id: number) => string }) {
  const written = name(result.token);
  const bits = clashBits(result);
  const alone = probOfBits(result.alone.bits);
  const together = probOfBits(result.together.bits);
  const n = result.mates.length;
  const them = n === 1 ? 'it' : 'them';
  const verdict =
    bits >= SMALL_BITS
      ? `${bits.toFixed(1)} bits less likely. Seeing ${them}, the model doubts it: written in one step, they clash.`
      : bits <= -SMALL_BITS
        ? `${(-bits).toFixed(1)} bits more likely. Seeing ${them}, the model is surer of it: they agree.`
        : `${Math.abs(bits).toFixed(2)} bits ${bits >= 0 ? 'less' : 'more'} likely, under a bit either way: ${n === 1 ? 'its step-mate changes' : 'its step-mates change'} little.`;
  const top = result.together.guess;
  return (
    <>
      <p data-testid="together-summary" data-bits={bits} data-alone={alone} data-together={together} data-guess={top}>
        Drawn without seeing {them}, {written} had p {percent(alone)}. With{' '}
        {n === 1 ? 'its step-mate' : `its ${n} step-mates`} in view, p {percent(together)}: {verdict}{' '}
        {top === result.token
          ? `It is still the model's first choice.`
          : `Its first choice would now be ${name(top)} (p ${percent(result.together.guessProb)}).`}
      </p>
      <p className="hint">
        The model's own probabilities over its whole vocabulary, before temperature and the run's rules. Refinement
        rounds (under Settings) give such tokens a second chance: they re-mask the tokens drawn at the lowest p and
        write them again with the rest of the passage in view.
      </p>
    </>
  );
}
