// The cost of steps behind a button: its code, and the word list it measures with, load only when it is
// first opened (the word list only when a sweep runs), so a closed panel costs the first visit nothing.
import { useState } from 'react';
import { LazyView } from './LazyView';

export function SweepPanel() {
  const [open, setOpen] = useState(false);
  return (
    <section className="panel sweep" aria-labelledby="sweep-title">
      <h2 id="sweep-title" className="sr-only">
        The cost of steps
      </h2>
      <button
        type="button"
        data-testid="sweep-open"
        aria-expanded={open}
        aria-controls="sweep-body"
        onClick={() => setOpen(!open)}
      >
        Cost of steps
      </button>
      <div id="sweep-body" hidden={!open}>
        {open && (
          <LazyView
            load={() => import('./CostOfSteps')}
            name="the cost of steps"
            fallback={<p className="hint">Loading the cost of steps…</p>}
          />
        )}
      </div>
    </section>
  );
}
