// The guided tour: a non-modal dialog that walks through the page one idea at a time, opening and
// outlining the live view that shows each. Loaded when the tour is first opened. Focus moves into it
// on open and back to where it was on close; Escape closes it (App.tsx, before the inspector or a run).
import { useEffect, useLayoutEffect, useRef } from 'react';
import { stepElement, TOUR } from './tour';
import { useTour } from './tourState';

const HIGHLIGHT = 'tour-target';

export default function Tour() {
  const saved = useTour((s) => s.step);
  const { go, close, finish } = useTour.getState();
  const n = TOUR.length;
  const k = Math.min(saved, n - 1);
  const step = TOUR[k];
  const box = useRef<HTMLDivElement>(null);
  const primary = useRef<HTMLButtonElement>(null);

  // Focus in on open, back on close (to the button that opened it when that element is gone).
  useLayoutEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    box.current?.focus();
    // Room below the page's end, so a view near the bottom can scroll clear of the dialog.
    document.documentElement.classList.add('touring');
    return () => {
      document.documentElement.classList.remove('touring');
      const back = before && before.isConnected && before !== document.body ? before : null;
      (back ?? document.querySelector<HTMLElement>('[data-testid="tour-open"]'))?.focus();
    };
  }, []);

  // Open the step's view, then outline its element and bring it into view once React has drawn it.
  useEffect(() => {
    step.open?.();
    let el: HTMLElement | null = null;
    const frame = requestAnimationFrame(() => {
      el = stepElement(step);
      if (!el) return;
      el.classList.add(HIGHLIGHT);
      const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
      el.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
    });
    return () => {
      cancelAnimationFrame(frame);
      el?.classList.remove(HIGHLIGHT);
    };
  }, [step]);

  const last = k === n - 1;
  // Back and Start over vanish or turn disabled at the first step: focus moves on to Next, not to the page.
  const toFirst = (to: number) => {
    go(n, to);
    if (to === 0) requestAnimationFrame(() => primary.current?.focus());
  };
  return (
    <div
      ref={box}
      className="tour"
      role="dialog"
      aria-labelledby="tour-title"
      aria-describedby="tour-text"
      tabIndex={-1}
      data-testid="tour"
      data-step={step.id}
    >
      {/* Read out when a step changes while focus stays on its buttons. */}
      <div aria-live="polite" aria-atomic="true">
        <p className="tour-count" data-testid="tour-count">
          Step {k + 1} of {n}
        </p>
        <h2 id="tour-title">{step.title}</h2>
        <p id="tour-text">{step.text}</p>
      </div>
      <div className="tour-buttons">
        <button type="button" data-testid="tour-back" disabled={k === 0} onClick={() => toFirst(k - 1)}>
          Back
        </button>
        {/* One element for Next and Finish, so focus stays on it at the last step. */}
        <button
          ref={primary}
          type="button"
          className="primary"
          data-testid="tour-next"
          data-last={last}
          onClick={() => (last ? finish() : go(n, k + 1))}
        >
          {last ? 'Finish' : 'Next'}
        </button>
        {k > 0 && (
          <button type="button" data-testid="tour-restart" onClick={() => toFirst(0)}>
            Start over
          </button>
        )}
        <button type="button" data-testid="tour-close" onClick={close}>
          Skip
        </button>
      </div>
    </div>
  );
}
