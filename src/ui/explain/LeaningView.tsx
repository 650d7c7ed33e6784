// "What it leaned on", in the inspector for a token a step wrote: the step's canvas again with each
// nearby token the model could see hidden in turn (one forward pass each, engine/leaning.ts), shaded
// by how much less likely the written token became without it. On demand (a pass per token), with
// progress and Cancel; never during a run (the engine refuses passes beside one). Keyed by run, step and
// slot where it is used: another token is a fresh view, and the old one's passes stop when it unmounts.
import { probOfBits, strongestLeans, type Leaning } from '../../engine/leaning';
import { isBusy, useApp } from '../../store/store';
import { percent } from '../format';
import { quotedPiece } from './inspectorData';
import { PassesControl } from './PassesControl';
import { usePasses } from './usePasses';

/** Tokens hidden at most, the nearest to the slot: about 5 s of passes on WASM at 128 tokens. */
export const LEAN_LIMIT = 40;
/** Leans shown in the sentence, and the smallest worth naming (bits). */
const NAMED = 3;
const FLOOR_BITS = 0.1;
/** Bits at which the shading is full. */
const FULL_BITS = 3;

/** The explainers' shading of a change in bits: orange above 0 (less likely without it, or with the
 * others: the choice needed it, or clashes), blue below; the darker the more, full at `full` bits. */
export function shadeOfBits(bits: number, full: number): string {
  const a = Math.min(1, Math.abs(bits) / full) * 0.6;
  return bits >= 0 ? `rgba(230, 120, 20, ${a})` : `rgba(40, 110, 220, ${a})`;
}

export function LeaningView({
  ids,
  slot,
  token,
  maskId,
  piece,
}: {
  /** The canvas the step's pass saw (the slot masked). */
  ids: Int32Array;
  slot: number;
  token: number;
  maskId: number;
  piece: (id: number) => string;
}) {
  const { state, start: startPasses, cancel } = usePasses<Leaning>();
  const ready = useApp((s) => s.engine.status === 'ready');
  const busy = useApp(isBusy);

  const visible = ids.reduce((n, id, i) => n + (i !== slot && id !== maskId ? 1 : 0), 0);
  const passes = Math.min(visible, LEAN_LIMIT) + 1;
  const name = (id: number) => quotedPiece(piece(id));

  const start = () =>
    startPasses(passes, (signal, onProgress) =>
      useApp.getState().leaning(ids, slot, token, { maskId, limit: LEAN_LIMIT, signal, onProgress }),
    );

  return (
    <section className="ins-lean" data-testid="leaning" data-phase={state.phase} aria-labelledby="lean-title">
      <h4 id="lean-title">What it leaned on</h4>
      {state.phase !== 'done' &&
        (visible === 0 ? (
          <p className="hint" data-testid="lean-nothing">
            Every other slot was masked when this step wrote {name(token)}: there was nothing on the canvas to lean on,
            only what the model expects anywhere.
          </p>
        ) : (
          <p className="hint">
            Hide one token the model saw, run the pass again, and see how much less likely {name(token)} becomes: the
            tokens it could not have done without. Hiding is what this model was trained on, so it is a question it
            understands.{' '}
            {visible > LEAN_LIMIT ? `The ${LEAN_LIMIT} nearest of the ${visible} it saw` : `All ${visible} it saw`}, one
            pass each.
          </p>
        ))}
      <PassesControl
        state={state}
        testId="lean"
        label={state.phase === 'done' ? 'Run it again' : `Find what it leaned on (${passes} forward passes)`}
        progress={(done, total) =>
          done === 0 ? 'Scoring the canvas as it was…' : `Hiding token ${done} of ${total - 1}…`
        }
        disabled={!ready || busy || visible === 0}
        why={busy ? 'Once the run has ended.' : !ready ? 'Once the model is ready.' : null}
        working="Finding what it leaned on."
        done="Done: what it leaned on is shown below."
        onRun={start}
        onCancel={cancel}
      />
      {state.phase === 'done' && <LeanResult leaning={state.result} ids={ids} maskId={maskId} piece={piece} />}
    </section>
  );
}

function LeanResult({
  leaning,
  ids,
  maskId,
  piece,
}: {
  leaning: Leaning;
  ids: Int32Array;
  maskId: number;
  piece: (id: number) => string;
}) {
  const name = (id: number) => quotedPiece(piece(id));
  const lean = new Map(leaning.leans.map((l) => [l.pos, l.bits]));
  const p0 = probOfBits(leaning.baseBits);
  const top = strongestLeans(leaning, NAMED, FLOOR_BITS);
  const written = name(leaning.token);
  const shade = (bits: number) => shadeOfBits(bits, FULL_BITS);
  return (
    <>
      <p data-testid="lean-summary">
        The model gave {written} p {percent(p0)} on this canvas.{' '}
        {top.length ? (
          <>
            It leaned most on{' '}
            {top.map((l, k) => (
              <span key={l.pos}>
                {k > 0 && (k === top.length - 1 ? ' and ' : ', ')}
                {name(ids[l.pos])} (hidden: p {percent(probOfBits(leaning.baseBits + l.bits))}, {l.bits.toFixed(1)}{' '}
                bits)
              </span>
            ))}
            .
          </>
        ) : (
          <>
            No token it saw, hidden alone, made it more than {FLOOR_BITS} bits less likely: it rests on the context as a
            whole, or on what the model expects anywhere.
          </>
        )}
      </p>
      <p className="lean-canvas" data-testid="lean-canvas">
        {Array.from(ids, (id, i) => {
          if (i === leaning.slot)
            return (
              <mark key={i} className="lean-slot" data-testid="lean-slot">
                {piece(leaning.token)}
              </mark>
            );
          if (id === maskId)
            return (
              <span key={i} className="lean-masked" aria-hidden="true">
                {' ·'}
              </span>
            );
          const bits = lean.get(i);
          if (bits === undefined) return <span key={i}>{piece(id)}</span>;
          const p = probOfBits(leaning.baseBits + bits);
          return (
            <span
              key={i}
              data-testid="lean-token"
              data-pos={i}
              data-bits={bits}
              style={{ background: shade(bits) }}
              title={`Hidden: p of ${written} ${percent(p)} (was ${percent(p0)}): ${Math.abs(bits).toFixed(2)} bits ${bits >= 0 ? 'less' : 'more'} likely`}
            >
              {piece(id)}
              {/* The shade's meaning for a screen reader, where it matters. */}
              {Math.abs(bits) >= FLOOR_BITS && (
                <span className="sr-only">
                  {' '}
                  (hidden, p {percent(p)}: {Math.abs(bits).toFixed(1)} bits {bits >= 0 ? 'less' : 'more'} likely)
                </span>
              )}
            </span>
          );
        })}
      </p>
      <p className="hint">
        Orange: hidden, it made {written} less likely (the choice leaned on it); blue: more likely (it argued against
        it); the darker, the more (full at {FULL_BITS} bits, a factor of {2 ** FULL_BITS}). Masked slots show as dots.
        {leaning.skipped > 0 && ` ${leaning.skipped} tokens farther away were not hidden.`} These are the model's own
        probabilities over its whole vocabulary, before temperature and the run's rules: the table above leaves out the
        tokens the sampler never writes and those the rules forbid, so its p can read a little higher.
      </p>
    </>
  );
}
