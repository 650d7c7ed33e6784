// "Take the tour", always there, and on a first visit a one-line offer beside it that says what the
// tour is; the button is its yes (a second Start would be two prompts for one thing). The offer is in
// the first paint (its answer is read from storage synchronously) and sits on the button's line, so it
// never shifts the page; once answered it does not come back. The tour's code loads when opened.
import { useTour } from './tourState';
import './tour.css';
import { LazyView } from './LazyView';

export function TourLauncher() {
  const open = useTour((s) => s.open);
  const offered = useTour((s) => s.offered);
  const { start, dismiss } = useTour.getState();
  return (
    <div className="tour-line">
      <button type="button" data-testid="tour-open" aria-expanded={open} onClick={() => start()}>
        Take the tour
      </button>
      {!offered && !open && (
        <span className="tour-offer" data-testid="tour-offer">
          New here? Ten short steps, each showing one idea on the live page.{' '}
          <button type="button" data-testid="tour-dismiss" onClick={dismiss}>
            No thanks
          </button>
        </span>
      )}
      {open && <LazyView load={() => import('./Tour')} name="the tour" fallback={null} />}
    </div>
  );
}
