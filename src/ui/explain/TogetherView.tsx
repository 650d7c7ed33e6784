// "Written together", in the inspector for a token a step wrote: the other tokens that step wrote
// from the same forward pass, which the model never saw beside it; on demand the step's pass again
// with them on the canvas (would the model still write this token once it sees them?), or every token
// of the step weighed that way, shading the canvas by how much each clashes with the rest
// (engine/together.ts). With progress and Cancel; never during a run. Keyed by run, step and slot
// where it is used, like LeaningView.
import { probOfBits } from '../../engine/leaning';
import { clashBits, turnedAway, type StepMate, type Together, type WeighedToken } from '../../engine/together';
import { isBusy, useApp } from '../../store/store';
import { percent } from '../format';
import { quotedPiece } from './inspectorData';
import { shadeOfBits } from './LeaningView';
import { PassesControl } from './PassesControl';
import { usePasses } from './usePasses';

/** Bits either way below which a change is said to be small. */
const SMALL_BITS = 1;
/** Bits at which the step's shading is full. */
const FULL_BITS = 4;

const shade = (bits: number) => shadeOfBits(bits, FULL_BITS);
const signed = (bits: number) => `${bits >= 0 ? '+' : '−'}${Math.abs(bits).toFixed(1)}`;

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
  const one = usePasses<Together>();
  const all = usePasses<WeighedToken[]>();
  const ready = useApp((s) => s.engine.status === 'ready');
  const busy = useApp(isBusy);
  const name = (id: number) => quotedPiece(piece(id));
  const why = busy ? 'Once the run has ended.' : !ready ? 'Once the model is ready.' : null;

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

  const written = [...mates, { pos: slot, id: token }].sort((a, b) => a.pos - b.pos);
  const weighOne = () =>
    one.start(2, (signal, onProgress) =>
      useApp.getState().together(ids, slot, token, mates, { maskId, signal, onProgress }),
    );
  const weighAll = () =>
    all.start(written.length + 1, (signal, onProgress) =>
      useApp.getState().weighStep(ids, written, { maskId, signal, onProgress }),
    );
  const mate = new Map(mates.map((m) => [m.pos, m.id]));
  const weighed = all.state.phase === 'done' ? new Map(all.state.result.map((w) => [w.pos, w])) : null;

  return (
    <section
      className="ins-lean"
      data-testid="together"
      data-phase={one.state.phase}
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
      <p className="lean-canvas" data-testid="together-canvas" data-weighed={weighed ? 'true' : undefined}>
        {Array.from(ids, (id, i) => {
          const w = weighed?.get(i);
          const bits = w ? w.together.bits - w.alone.bits : 0;
          const title = w
            ? `${name(w.id)}: p ${percent(probOfBits(w.alone.bits))} drawn alone, ${percent(probOfBits(w.together.bits))} with the others in view (${signed(bits)} bits)`
            : undefined;
          const style = w ? { background: shade(bits) } : undefined;
          if (i === slot)
            return (
              <mark
                key={i}
                className="lean-slot"
                data-testid="together-slot"
                data-bits={w ? bits : undefined}
                style={style}
                title={title}
              >
                {piece(token)}
              </mark>
            );
          const m = mate.get(i);
          if (m !== undefined)
            return (
              <span
                key={i}
                className="together-mate"
                data-testid="together-mate"
                data-pos={i}
                data-bits={w ? bits : undefined}
                style={style}
                title={title}
              >
                {piece(m)}
                <span className="sr-only">
                  {' '}
                  (written in the same step{w ? `; with the others in view ${signed(bits)} bits` : ''})
                </span>
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
        Underlined: the tokens step {step} wrote beside it. Dots: slots still masked after that step.
        {weighed &&
          ` Shaded by what the others did to each: orange, less likely with them in view (they clash); blue, more likely (they agree); full at ${FULL_BITS} bits.`}
      </p>
      <PassesControl
        state={one.state}
        testId="together"
        label={one.state.phase === 'done' ? 'Run it again' : 'What if it had seen them? (2 forward passes)'}
        progress={(done) => (done === 0 ? 'Scoring it as it was drawn…' : 'Scoring it with its step-mates in view…')}
        disabled={!ready || busy}
        why={why}
        working="Scoring it with its step-mates."
        done="Done: what its step-mates change is shown below."
        onRun={weighOne}
        onCancel={one.cancel}
      />
      {one.state.phase === 'done' && <TogetherResult result={one.state.result} name={name} />}
      <PassesControl
        state={all.state}
        testId="step-weigh"
        label={
          all.state.phase === 'done'
            ? 'Weigh the step again'
            : `Weigh all ${written.length} tokens of step ${step} (${written.length + 1} forward passes)`
        }
        progress={(done, total) =>
          done === 0 ? 'Scoring them as they were drawn…' : `Token ${done} of ${total - 1} with the others in view…`
        }
        disabled={!ready || busy}
        why={why}
        working="Weighing every token of the step."
        done="Done: the step's tokens are shaded by what the others did to each."
        onRun={weighAll}
        onCancel={all.cancel}
      />
      {all.state.phase === 'done' && <StepSummary rows={all.state.result} step={step} />}
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
          ? result.alone.guess === result.token
            ? "It is still the model's first choice."
            : "With them in view it becomes the model's first choice (alone it was not: the run's temperature or rules chose it)."
          : result.alone.guess === result.token
            ? `Its first choice would now be ${name(top)} (p ${percent(result.together.guessProb)}).`
            : `Its first choice with them in view is ${name(top)} (p ${percent(result.together.guessProb)}); alone it was not the first choice either (the run's temperature or rules chose it).`}
      </p>
      <p className="hint">
        The model's own probabilities over its whole vocabulary, before temperature and the run's rules. Refinement
        rounds (under Settings) re-mask the tokens the model trusted least when it drew them (their p then, not this
        one) and write them again: a token drawn with confidence that clashes with its step-mates is not among them.
      </p>
    </>
  );
}

function StepSummary({ rows, step }: { rows: WeighedToken[]; step: number }) {
  const change = rows.map((r) => r.together.bits - r.alone.bits).sort((a, b) => a - b);
  const mid =
    change.length % 2
      ? change[(change.length - 1) / 2]
      : (change[change.length / 2 - 1] + change[change.length / 2]) / 2;
  const worse = change.filter((b) => b >= SMALL_BITS).length;
  const better = change.filter((b) => b <= -SMALL_BITS).length;
  const firsts = rows.filter((r) => r.alone.guess === r.id).length;
  const turned = rows.filter(turnedAway).length;
  return (
    <p
      data-testid="step-weigh-summary"
      data-worse={worse}
      data-better={better}
      data-firsts={firsts}
      data-turned={turned}
      data-median={mid}
    >
      Seeing each other, {worse} of the {rows.length} tokens step {step} wrote became at least a bit less likely and{' '}
      {better} at least a bit more likely (median {signed(mid)} bits).{' '}
      {firsts > 0
        ? `Of the ${firsts} that were the model's first choice alone, ${turned} no longer ${turned === 1 ? 'is' : 'are'} once it sees the others.`
        : "None was the model's first choice alone (the run's temperature or rules chose each)."}{' '}
      With more steps, each step writes fewer tokens, and fewer of them can clash.
    </p>
  );
}
