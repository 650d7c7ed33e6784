// The canvas: the passage as prose, one token per slot in reading order. Masked slots are noise
// with the model's current guess showing through (the draft), resolved tokens carry a confidence
// mark, given text shows as typed. After a run, words can be selected and re-imagined (EditBar).
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { canvasAt, type CanvasAt, type RunView } from '../store/run';
import { isBusy, useApp } from '../store/store';
import { useCanvasView } from './canvasView';
import { CONFIDENCE_STEPS, percent } from './confidence';
import { EditBar } from './EditBar';
import { useInspector } from './explain/inspectorState';
import { buildPassage, type Slot } from './passage';
import { Token } from './Token';
import { useWordSelection } from './useWordSelection';

function Inspector({ run, at, slot }: { run: RunView; at: CanvasAt; slot: Slot | null }) {
  // One live element whose text changes, so screen readers announce the token that got focus.
  let content;
  if (!slot) content = <>Hover or focus a token to see when it resolved and how sure the model was.</>;
  else if (slot.state === 'given') content = <>Given text</>;
  else if (slot.state === 'masked') {
    content = (
      <>
        Token {slot.index + 1}: {at.remasked.has(slot.index) ? 'masked again to be revised' : 'still masked'}
        {slot.draft !== null && (
          <>
            ; the model's guess <q>{slot.draft}</q> at {percent(slot.draftP)}
          </>
        )}
      </>
    );
  } else {
    const step = at.resolvedAt[slot.index];
    content = (
      <>
        Token {slot.index + 1}: <q>{slot.text}</q>{' '}
        {step > 0 ? `resolved at step ${step} of ${run.totalSteps}` : 'kept from before'}, confidence{' '}
        {percent(at.confidence[slot.index])}
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
    <div className="legend" aria-label="Legend">
      <span className="legend-title">Confidence</span>
      {CONFIDENCE_STEPS.map((s, i) => (
        <span key={i} className="legend-step" style={{ ['--c' as string]: s.background }}>
          {Math.round(s.from * 100)}–{Math.min(100, Math.round(s.to * 100))}%
        </span>
      ))}
      <span className="legend-given">given text</span>
      <span className="legend-masked">
        <span className="tok masked noise" aria-hidden="true" /> masked (the faint text: the model's current guess)
      </span>
    </div>
  );
}

declare global {
  interface Window {
    /** Set by a benchmark: each canvas render pushes its build-and-commit time (ms). */
    __canvasMs?: number[];
  }
}

export function Canvas() {
  const t0 = performance.now();
  const run = useApp((s) => s.run);
  const view = useApp((s) => s.view);
  const busy = useApp(isBusy);
  const loaded = useApp((s) => s.engine.model);
  // While the engine (re)loads it has no model, but the run on screen still reads with the vocabulary
  // that wrote it (the store drops the run if the next model's differs): keep the last one.
  const [lastModel, setLastModel] = useState(loaded);
  if (loaded && loaded !== lastModel) setLastModel(loaded);
  const model = loaded ?? lastModel;
  const showDraft = useApp((s) => s.viewPrefs.showDraft);
  const clearSelection = useCanvasView((s) => s.clear);
  // A click on a token (or `i` on a focused one) looks inside it as well as selecting its word.
  const inspected = useInspector((s) => (s.open ? s.slot : null));
  const inspectSlot = useInspector((s) => s.inspect);
  const [inspect, setInspect] = useState<number | null>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const pressed = useRef<HTMLElement | null>(null);

  const shown = run ? (view === null ? run.frames.length : Math.min(view, run.frames.length)) : 0;
  const at = useMemo(() => (run ? canvasAt(run, shown) : null), [run, shown]);
  const slots = useMemo(
    () => (run && at && model ? buildPassage(run, at, model.bytes ?? null, model.pieces) : []),
    [run, at, model],
  );
  const editable = !!run && run.status !== 'running' && !busy && shown === run.frames.length;
  const { selection, onMouseDown, onMouseOver, onKey } = useWordSelection(slots, editable);
  const selected = useMemo(() => new Set(selection), [selection]);

  // A new run (or an undo) starts with nothing selected.
  useEffect(() => clearSelection(), [run?.runId, clearSelection]);
  // On a phone the canvas is below the prompt: bring the running canvas into view.
  const section = run?.status === 'running' ? run.runId : null;
  useEffect(() => {
    const el = box.current?.closest('section');
    if (section === null || !el || !matchMedia('(max-width: 899px)').matches) return;
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.4) {
      el.scrollIntoView({
        block: 'start',
        behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth',
      });
    }
  }, [section]);
  useLayoutEffect(() => {
    window.__canvasMs?.push(performance.now() - t0);
  });

  const tokens = () => Array.from(box.current?.querySelectorAll<HTMLElement>('[data-testid="token"]') ?? []);
  // Arrow keys move between generated tokens (one tab stop for the whole canvas).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const all = tokens();
    if (all.length === 0) return;
    const current = all.findIndex((el) => el === document.activeElement);
    let next = current;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = Math.min(all.length - 1, current + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = all.length - 1;
    if (e.key === 'i' && !e.ctrlKey && !e.metaKey && !e.altKey && all[current]) {
      e.preventDefault();
      inspectSlot(Number(all[current].dataset.index));
      return;
    }
    if (onKey(e, all[current] ?? null, next !== current ? all[next] : null)) return;
    if (next === current) return;
    e.preventDefault();
    setFocusIndex(next);
    all[next]?.focus();
  };

  if (!run || !at || !model) {
    return (
      <div className="canvas empty" data-testid="canvas">
        <p>Press Generate: the masked slots will fill in here, step by step.</p>
      </div>
    );
  }
  const generated = slots.filter((s) => s.state !== 'given').length;
  // A shorter run than the last one must still leave one token reachable with Tab.
  const tabStop = Math.min(focusIndex, Math.max(0, generated - 1));
  const bySlot = new Map(slots.map((s) => [s.index, s]));
  let g = -1;
  return (
    <>
      <div
        className={`canvas${editable ? ' editable' : ''}`}
        data-testid="canvas"
        data-run-id={run.runId}
        ref={box}
        role="group"
        aria-label={`Canvas at step ${shown} of ${run.totalSteps}. Arrow keys move between tokens; i looks inside a token${editable ? '; Space selects a word, Shift+arrows extend' : ''}.`}
        onKeyDown={onKeyDown}
        onMouseDown={(e) => {
          pressed.current = (e.target as Element).closest<HTMLElement>('[data-testid="token"]');
          onMouseDown(e);
        }}
        onClick={(e) => {
          // A click that ended on the token it began on (not a drag across words) looks inside it.
          const el = (e.target as Element).closest<HTMLElement>('[data-testid="token"]');
          if (!el || el !== pressed.current || e.button !== 0) return;
          el.focus();
          inspectSlot(Number(el.dataset.index));
        }}
        onMouseOver={(e) => {
          onMouseOver(e);
          const el = (e.target as Element).closest<HTMLElement>('[data-index]');
          if (el) setInspect(Number(el.dataset.index));
        }}
        onFocus={(e) => {
          const at = tokens().indexOf(e.target as HTMLElement);
          if (at >= 0) setFocusIndex(at);
          const i = (e.target as HTMLElement).dataset.index;
          if (i !== undefined) setInspect(Number(i));
        }}
        onMouseLeave={() => setInspect(null)}
      >
        <div className="passage" data-testid="output">
          {slots.map((slot) => {
            if (slot.state !== 'given') g++;
            return (
              <Token
                key={`${run.runId}:${slot.index}`}
                {...slot}
                step={at.resolvedAt[slot.index]}
                totalSteps={run.totalSteps}
                confidence={at.confidence[slot.index]}
                showDraft={showDraft}
                selected={slot.state === 'resolved' && selected.has(slot.index)}
                remasked={at.remasked.has(slot.index)}
                inspected={inspected === slot.index}
                tabbable={slot.state !== 'given' && g === tabStop}
              />
            );
          })}
        </div>
      </div>
      <Inspector run={run} at={at} slot={inspect === null ? null : (bySlot.get(inspect) ?? null)} />
      <EditBar editable={editable} slots={slots} />
    </>
  );
}
