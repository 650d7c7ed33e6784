// The inspector: one slot at the step the timeline shows, from the logits of that step's forward
// pass (recomputed in the worker from the frame's canvas, once the run has ended: it never touches a
// run going on). The model's top candidates with two bars each, p (the model) and q (what the draw
// walks under the run's settings, or under a what-if temperature and top-p); for a slot left masked,
// its score and rank, and how many the schedule committed. The numbers are the engine's own
// (engine/inspect.ts): the step's sampling is run again, not restated. For a written token, what it
// leaned on (LeaningView.tsx) and what the tokens its step wrote beside it change (TogetherView.tsx).
import { useEffect, useMemo, useRef, useState } from 'react';
import { slotDistribution, writeOrder, writtenAt, type SlotDistribution } from '../../engine/inspect';
import { isAdaptive } from '../../engine/schedule';
import { stepMates } from '../../engine/together';
import { useApp, type InspectRefusal } from '../../store/store';
import type { Inspected } from '../../worker/protocol';
import { percent } from '../format';
import { inspectTarget, quotedPiece, scoreName, visiblePiece, whyItWaits, whyNotTheTop } from './inspectorData';
import { useInspector } from './inspectorState';
import { LeaningView } from './LeaningView';
import { TogetherView } from './TogetherView';

type Answer = Inspected | InspectRefusal;

function Bar({ value, kind }: { value: number; kind: 'p' | 'q' | 'whatif' }) {
  return (
    <span className="ins-bar-cell">
      <span className="ins-track" aria-hidden="true">
        <span className={`ins-bar ins-${kind}`} style={{ width: `${Math.max(0, Math.min(1, value)) * 100}%` }} />
      </span>
      <span className="ins-num">{percent(value)}</span>
    </span>
  );
}

export default function SlotInspector() {
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const engineStatus = useApp((s) => s.engine.status);
  const ready = engineStatus === 'ready';
  const pieces = useApp((s) => s.engine.model?.pieces);
  const slot = useInspector((s) => s.slot);
  const [whatIf, setWhatIf] = useState<{ temperature: number; topP: number } | null>(null);
  // Answers by run, step and slot: scrubbing back to a step already seen costs no second pass.
  const answers = useRef(new Map<string, Answer>());
  const [, setAnswered] = useState(0);

  const shown = run ? (view === null ? run.frames.length : Math.min(view, run.frames.length)) : 0;
  const target = useMemo(() => (run && slot !== null ? inspectTarget(run, shown, slot) : null), [run, shown, slot]);
  const running = run?.status === 'running';
  const key = run && target?.kind === 'pass' ? `${run.runId}:${target.step}:${slot}` : null;
  const answer = key ? answers.current.get(key) : undefined;

  useEffect(() => {
    // A refusal (the engine reloaded or was busy) is asked again whenever the engine is ready again.
    const had = key ? answers.current.get(key) : undefined;
    if (!run || !key || target?.kind !== 'pass' || slot === null || running || !ready || had?.type === 'inspected')
      return;
    const { pass } = target;
    const request = { ids: pass.ids, fixed: run.fixed, slot, settings: run.settings, rngDraws: pass.rngDraws };
    return useApp.getState().inspect(request, (m) => {
      answers.current.set(key, m);
      setAnswered((n) => n + 1);
    });
  }, [run, key, target, slot, running, ready]);

  const reply = answer?.type === 'inspected' ? answer : null;
  const drawn = useMemo(() => {
    if (!reply || target?.kind !== 'pass') return null;
    if (target.written) return target.written.id;
    return reply.report.token[reply.report.masked.indexOf(reply.slot)];
  }, [reply, target]);
  // A slot this step drew again when it wrote its slots in order (SAMPLING.md 4): the pass's own
  // draw, why, and the ids taken away; the numbers below are then the row it was drawn from.
  const redrawn = useMemo(() => {
    if (!reply || !run || target?.kind !== 'pass' || !target.written) return null;
    const frame = run.frames[target.step - 1];
    const id = reply.report.token[reply.report.masked.indexOf(reply.slot)];
    const order = writeOrder(reply.report, frame.resolved);
    const w = writtenAt(target.pass.ids, frame, order, reply.slot, id, run.settings.noRepeatNgram, reply.special);
    return w.why ? { id, why: w.why, bans: w.bans } : null;
  }, [reply, run, target]);
  const dist = useMemo(
    () =>
      reply && run && target?.kind === 'pass'
        ? slotDistribution(
            reply.row,
            target.pass.ids,
            reply.slot,
            run.settings,
            reply.special,
            drawn,
            undefined,
            redrawn?.bans,
          )
        : null,
    [reply, run, target, drawn, redrawn],
  );
  const whatIfDist = useMemo(
    () =>
      reply && run && target?.kind === 'pass' && whatIf
        ? slotDistribution(
            reply.row,
            target.pass.ids,
            reply.slot,
            { ...run.settings, ...whatIf },
            reply.special,
            drawn,
            undefined,
            redrawn?.bans,
          )
        : null,
    [reply, run, target, drawn, whatIf, redrawn],
  );

  if (!run) return <p className="hint">Generate a passage, then choose a token to look inside it.</p>;
  const intro = (
    <p className="hint">
      Click a token (or press i on a focused one) to look inside it at the step the timeline shows; the click still
      selects its word for re-imagine. Escape closes this.
    </p>
  );
  if (slot === null || !target) return intro;
  const piece = (id: number) => pieces?.[id] ?? `#${id}`;
  const name = (id: number) => quotedPiece(piece(id));
  const s = run.settings;
  return (
    <div className="slot-inspector" data-testid="slot-inspector" data-slot={slot} data-step={shown}>
      {intro}
      <h3 className="ins-title">
        Token {slot + 1} at step {shown} of {run.totalSteps}
      </h3>
      {target.kind === 'none' ? (
        <p data-testid="inspector-state">{target.why}</p>
      ) : (
        <>
          <p data-testid="inspector-state" data-how={target.how} data-pass={target.step}>
            {target.how === 'earlier' && (
              <>
                Resolved before this step, at step {target.step}: the numbers below are from step {target.step}'s
                pass.{' '}
              </>
            )}
            {target.how !== 'masked' && target.written && (
              <>
                {redrawn ? (
                  <>
                    Step {target.step} drew {name(redrawn.id)}, then wrote {name(target.written.id)} (p{' '}
                    {percent(target.written.p)} once {name(redrawn.id)} was taken away: see below).
                  </>
                ) : (
                  <>
                    Step {target.step} drew {name(target.written.id)} (p {percent(target.written.p)}) and committed it.
                  </>
                )}
              </>
            )}
            {target.how === 'masked' && (
              <>
                Left masked by step {target.step}'s pass
                {target.draft && (
                  <>
                    {' '}
                    (its best guess {name(target.draft.id)} at p {percent(target.draft.p)})
                  </>
                )}
                .{' '}
                {reply ? (
                  <Why
                    reply={reply}
                    strategy={scoreName(s.strategy, s.blockStrategy)}
                    committed={target.committed}
                    threshold={isAdaptive(s) ? s.threshold : null}
                    blocks={s.strategy === 'blocks'}
                  />
                ) : (
                  <>The schedule committed {target.committed} slots at this step.</>
                )}
              </>
            )}
          </p>
          {running ? (
            <p className="hint" data-testid="inspector-waiting">
              What the frames kept is shown above. The model's full distribution for this slot comes once the run ends:
              the inspector then recomputes the pass, and never touches a run going on.
            </p>
          ) : answer?.type === 'error' ? (
            <p className="hint" data-testid="inspector-error">
              The pass could not be recomputed: {answer.message}
              {answer.action ? ` ${answer.action}.` : ''}
            </p>
          ) : !dist && !ready ? (
            // Nothing is asked of an engine that is not there: say what brings the numbers.
            <p className="hint" data-testid="inspector-not-ready">
              {engineStatus === 'error'
                ? `The model is not loaded (the error at the top of the page says why): press Retry there, and step ${target.step}'s forward pass is recomputed once it has loaded.`
                : engineStatus === 'cancelled'
                  ? `The model is not downloaded: once it is (Download the model, at the top), step ${target.step}'s forward pass is recomputed.`
                  : `The model is loading: step ${target.step}'s forward pass is recomputed once it has loaded.`}
            </p>
          ) : !dist ? (
            <p className="hint">Recomputing step {target.step}'s forward pass…</p>
          ) : (
            <>
              {reply &&
                // Adaptive under blocks: only the current block may commit early, which the report cannot tell.
                !(isAdaptive(s) && s.strategy === 'blocks') &&
                differsFromRun(reply, run.frames[target.step - 1].resolved, isAdaptive(s) ? s.threshold : null) && (
                  <p className="hint" data-testid="inspector-differs">
                    The recomputed pass ranks this step's slots differently from the run (the backend rounds differently
                    from the one that ran it): the numbers below are the recomputed pass's.
                  </p>
                )}
              <Candidates
                dist={dist}
                whatIf={whatIfDist}
                drawn={drawn}
                piece={piece}
                committed={target.how !== 'masked'}
              />
              {redrawn && target.written && (
                <p className="hint" data-testid="inspector-redrawn" data-why={redrawn.why} data-drawn={redrawn.id}>
                  The pass drew {name(redrawn.id)}, but{' '}
                  {redrawn.why === 'doubled'
                    ? `another slot of this step had already written ${name(redrawn.id)} beside it`
                    : `after the tokens this step had already written, it would repeat a run of ${s.noRepeatNgram} tokens the passage holds`}
                  . Slots of one step are drawn from the same pass and cannot see each other there, so the step writes
                  them one at a time, in the step's order: {name(redrawn.id)} was taken away and the draw made again
                  from the rest (the numbers below), which gave {name(target.written.id)}.
                </p>
              )}
              {dist.banned.length > 0 && (
                <p className="hint" data-testid="inspector-banned" data-ids={dist.banned.join(' ')}>
                  Not allowed here{redrawn ? ' once the slots before it in this step were written' : ''}:{' '}
                  {dist.banned.map(name).join(', ')}. Each would repeat a run of {s.noRepeatNgram} tokens the passage
                  {redrawn ? ' then held, or double a token written beside it' : ' already holds'} (no repeated phrases
                  is on).
                </p>
              )}
              <WhatIf
                runT={s.temperature}
                runP={s.topP}
                value={whatIf}
                onChange={(v) => setWhatIf(v.temperature === s.temperature && v.topP === s.topP ? null : v)}
              />
              <p className="ins-why" data-testid="inspector-why">
                {whyNotTheTop(s.temperature, s.topK, s.topP)}
              </p>
              {target.written && (
                <TogetherView
                  key={`together:${key}`}
                  ids={target.pass.ids}
                  slot={slot}
                  token={target.written.id}
                  mates={stepMates(target.pass.resolved, run.frames[target.step - 1].ids, slot)}
                  step={target.step}
                  maskId={run.maskId}
                  piece={piece}
                />
              )}
              {target.written && (
                <LeaningView
                  key={key}
                  ids={target.pass.ids}
                  slot={slot}
                  token={target.written.id}
                  maskId={run.maskId}
                  piece={piece}
                />
              )}
            </>
          )}
        </>
      )}
    </div>
  );
}

/** Whether the recomputed pass would have committed other slots than the run did. */
function differsFromRun(reply: Inspected, resolved: readonly number[], threshold: number | null): boolean {
  const r = reply.report;
  // Adaptive: every slot the recomputed pass finds sure must be among those the run committed.
  if (threshold !== null) return r.masked.some((i, j) => r.top[j] >= threshold && !resolved.includes(i));
  const committed = Array.from(r.order.slice(0, resolved.length), (j) => r.masked[j]).sort((a, b) => a - b);
  return committed.some((i, k) => i !== resolved[k]);
}

function Why({
  reply,
  strategy,
  committed,
  threshold,
  blocks,
}: {
  reply: Inspected;
  strategy: string;
  committed: number;
  threshold: number | null;
  blocks: boolean;
}) {
  const r = reply.report;
  const j = r.masked.indexOf(reply.slot);
  const rank = r.order.indexOf(j) + 1;
  return (
    <span data-testid="inspector-rank" data-rank={rank} data-score={r.score[j]} data-committed={committed}>
      {whyItWaits({
        top: r.top[j],
        score: r.score[j],
        rank,
        masked: r.masked.length,
        committed,
        strategy,
        threshold,
        blocks,
      })}
    </span>
  );
}

function Candidates({
  dist,
  whatIf,
  drawn,
  piece,
  committed,
}: {
  dist: SlotDistribution;
  whatIf: SlotDistribution | null;
  drawn: number | null;
  piece: (id: number) => string;
  committed: boolean;
}) {
  const q = new Map((whatIf ?? dist).candidates.map((c) => [c.id, c.q]));
  const rest = (whatIf ?? dist).rest;
  return (
    <table className="ins-table" data-testid="inspector-candidates" data-whatif={whatIf ? 'true' : undefined}>
      <caption className="sr-only">The model's top candidates for this slot</caption>
      <thead>
        <tr>
          <th scope="col">Token</th>
          <th scope="col">p: the model's probability</th>
          <th scope="col">
            {whatIf ? 'What-if q: the draw under the what-if settings' : "q: the draw under the run's settings"}
          </th>
        </tr>
      </thead>
      <tbody>
        {dist.candidates.map((c) => (
          <tr
            key={c.id}
            data-testid="candidate"
            data-token={piece(c.id)}
            data-id={c.id}
            data-prob={c.p}
            data-prob-sampled={q.get(c.id) ?? 0}
            data-run-q={c.q}
            data-drawn={c.id === drawn ? 'true' : undefined}
            className={c.id === drawn ? 'drawn' : undefined}
          >
            <th scope="row">
              <q className="ins-token">{visiblePiece(piece(c.id))}</q>
              {c.id === drawn && (
                <span className="ins-badge">{committed ? 'drawn' : 'its candidate, not committed'}</span>
              )}
            </th>
            <td>
              <Bar value={c.p} kind="p" />
            </td>
            <td>
              <Bar value={q.get(c.id) ?? 0} kind={whatIf ? 'whatif' : 'q'} />
            </td>
          </tr>
        ))}
        <tr className="ins-rest">
          <th scope="row">{rest.count} other tokens</th>
          <td>
            <Bar value={dist.rest.p} kind="p" />
          </td>
          <td>
            <Bar value={rest.q} kind={whatIf ? 'whatif' : 'q'} />
          </td>
        </tr>
      </tbody>
    </table>
  );
}

function WhatIf({
  runT,
  runP,
  value,
  onChange,
}: {
  runT: number;
  runP: number;
  value: { temperature: number; topP: number } | null;
  onChange(v: { temperature: number; topP: number }): void;
}) {
  const t = value?.temperature ?? runT;
  const p = value?.topP ?? runP;
  const set = (patch: Partial<{ temperature: number; topP: number }>) =>
    onChange({ temperature: t, topP: p, ...patch });
  return (
    <fieldset className={`ins-whatif${value ? ' active' : ''}`} data-testid="inspector-whatif">
      <legend>What if? Redraw the q bars (the run stays as it was)</legend>
      <label>
        Temperature{' '}
        <input
          type="number"
          min={0}
          max={3}
          step={0.1}
          value={t}
          data-testid="inspector-temperature"
          onChange={(e) =>
            Number.isFinite(e.target.valueAsNumber) && set({ temperature: Math.max(0, e.target.valueAsNumber) })
          }
        />
      </label>{' '}
      <label>
        Top-p{' '}
        <input
          type="number"
          min={0.01}
          max={1}
          step={0.05}
          value={p}
          data-testid="inspector-top-p"
          onChange={(e) =>
            Number.isFinite(e.target.valueAsNumber) &&
            set({ topP: Math.min(1, Math.max(0.01, e.target.valueAsNumber)) })
          }
        />
      </label>{' '}
      <button type="button" disabled={!value} onClick={() => onChange({ temperature: runT, topP: runP })}>
        Back to the run's settings
      </button>
      <p className="hint" aria-live="polite" data-testid="inspector-whatif-label">
        {value
          ? `What-if: q at temperature ${t}, top-p ${p}. The run used temperature ${runT}, top-p ${runP}.`
          : `q under the run's settings: temperature ${runT}, top-p ${runP}.`}
      </p>
    </fieldset>
  );
}
