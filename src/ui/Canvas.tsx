// The canvas: one slot per token in reading order, wrapping like prose. Masked slots are
// placeholder blocks; resolved tokens fade in from a blur, coloured by confidence; given tokens
// (prompt, template text) are plain text. Token text is rendered as text, never as HTML.
import { memo, useCallback, useRef, useState, type KeyboardEvent } from 'react';
import { maskedCount } from '../engine';
import { slotState, type RunView } from '../store/run';
import { useApp } from '../store/store';
import { CONFIDENCE_STEPS, confidenceStep, percent } from './confidence';
import { splitPiece } from './format';

interface SlotProps {
  index: number;
  state: 'given' | 'masked' | 'resolved';
  piece: string;
  step: number;
  totalSteps: number;
  confidence: number;
  tabbable: boolean;
  onInspect(index: number | null): void;
}

const Slot = memo(function Slot({ index, state, piece, step, totalSteps, confidence, tabbable, onInspect }: SlotProps) {
  if (state === 'given') {
    // The canvas is white-space: pre-wrap, so the given text's own spaces and newlines show as typed.
    return (
      <span data-testid="prompt-token" data-index={index} className="given">
        {piece}
      </span>
    );
  }
  const { lead, body, newlines } = splitPiece(piece);
  const breaks = Array.from({ length: newlines }, (_, k) => <br key={k} />);
  if (state === 'masked') {
    return (
      <>
        {' '}
        <span
          data-testid="token"
          data-state="masked"
          data-index={index}
          className="slot masked"
          role="img"
          aria-label={`Token ${index + 1}: still masked`}
          tabIndex={tabbable ? 0 : -1}
          onFocus={() => onInspect(index)}
          onMouseEnter={() => onInspect(index)}
        />
      </>
    );
  }
  const c = CONFIDENCE_STEPS[confidenceStep(confidence)];
  const info = `resolved at step ${step} of ${totalSteps}, confidence ${percent(confidence)}`;
  return (
    <>
      {lead}
      <span
        data-testid="token"
        data-state="resolved"
        data-step={step}
        data-index={index}
        className="slot resolved"
        role="img"
        style={{ backgroundColor: c.background, color: c.text }}
        title={`“${piece}” — ${info}`}
        aria-label={`${body}: ${info}`}
        tabIndex={tabbable ? 0 : -1}
        onFocus={() => onInspect(index)}
        onMouseEnter={() => onInspect(index)}
      >
        {body}
      </span>
      {breaks}
    </>
  );
});

function Inspector({ run, index, pieces, shown }: { run: RunView; index: number | null; pieces: string[]; shown: number }) {
  // One live element whose text changes, so screen readers announce the token that got focus.
  let content;
  if (index === null || index >= run.ids.length) {
    content = <>Hover or focus a token to see when it resolved and how sure the model was.</>;
  } else {
    const state = slotState(run, index, shown);
    content = (
      <>
        Token {index + 1}:{' '}
        {state === 'resolved' ? (
          <>
            <q>{pieces[run.ids[index]] ?? ''}</q> resolved at step {run.resolvedAt[index]} of {run.totalSteps},
            confidence {percent(run.confidence[index])}
          </>
        ) : state === 'given' ? (
          <>given text</>
        ) : (
          <>still masked</>
        )}
      </>
    );
  }
  return (
    <p className="inspector" data-testid="inspector" aria-live="polite">
      {content}
    </p>
  );
}

export function Legend() {
  return (
    <div className="legend" aria-label="Colour legend">
      <span className="legend-title">Confidence</span>
      {CONFIDENCE_STEPS.map((s, i) => (
        <span key={i} className="legend-step" style={{ backgroundColor: s.background, color: s.text }}>
          {Math.round(s.from * 100)}–{Math.min(100, Math.round(s.to * 100))}%
        </span>
      ))}
      <span className="legend-given">given text</span>
      <span className="legend-masked">
        <span className="slot masked" aria-hidden="true" /> masked
      </span>
    </div>
  );
}

export function Canvas() {
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const pieces = useApp((s) => s.engine.model?.pieces);
  const [inspect, setInspect] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const onInspect = useCallback((i: number | null) => setInspect(i), []);

  // Arrow keys move between generated tokens (one tab stop for the whole canvas).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!box.current) return;
    const slots = Array.from(box.current.querySelectorAll<HTMLElement>('[data-testid="token"]'));
    if (slots.length === 0) return;
    const current = slots.findIndex((el) => el === document.activeElement);
    let next = current;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(slots.length - 1, current + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = slots.length - 1;
    else return;
    e.preventDefault();
    setFocusIndex(next);
    slots[next]?.focus();
  };

  if (!run || !pieces) {
    return (
      <div className="canvas empty" data-testid="canvas">
        <p>Press Generate: the masked slots will fill in here, step by step.</p>
      </div>
    );
  }
  const shown = view === null ? run.frames.length : Math.min(view, run.frames.length);
  const generatedCount = maskedCount(run.fixed);
  // A shorter run than the last one must still leave one token reachable with Tab.
  const tabStop = Math.min(focusIndex, Math.max(0, generatedCount - 1));
  let generatedIndex = -1;
  return (
    <>
      <div
        className="canvas"
        data-testid="canvas"
        data-run-id={run.runId}
        ref={box}
        role="group"
        aria-label={`Canvas at step ${shown} of ${run.totalSteps}. Use the arrow keys to move between tokens.`}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          if (!box.current) return;
          const slots = Array.from(box.current.querySelectorAll<HTMLElement>('[data-testid="token"]'));
          const at = slots.indexOf(e.target as HTMLElement);
          if (at >= 0) setFocusIndex(at);
        }}
        onMouseLeave={() => setInspect(null)}
      >
        {Array.from(run.ids, (_, i) => {
          const state = slotState(run, i, shown);
          if (state !== 'given') generatedIndex++;
          return (
            <Slot
              key={`${run.runId}:${i}`}
              index={i}
              state={state}
              piece={state === 'masked' ? '' : (pieces[run.ids[i]] ?? '\uFFFD')}
              step={run.resolvedAt[i]}
              totalSteps={run.totalSteps}
              confidence={run.confidence[i]}
              tabbable={state !== 'given' && generatedIndex === tabStop}
              onInspect={onInspect}
            />
          );
        })}
      </div>
      <Inspector run={run} index={inspect} pieces={pieces} shown={shown} />
    </>
  );
}
