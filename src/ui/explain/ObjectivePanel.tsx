// How it learned, behind a button: its code and the passages load only when it is first opened, so a
// closed panel costs the first visit nothing. Both are asked for at once, not the passages after the
// code; and the view's chunk then imports nothing that other views share, so a browser that keeps a
// failed chunk (LazyView) has only the view's own to ask for again.
import { useEffect } from 'react';
import { useNoiseView } from './noiseView';
import { LazyView } from './LazyView';
import { loadPassages } from './passages';

export function ObjectivePanel() {
  const open = useNoiseView((s) => s.open);
  const setOpen = useNoiseView((s) => s.setOpen);
  useEffect(() => {
    // A failure here is the view's to show (it asks again): nothing to say twice.
    if (open) loadPassages().catch(() => undefined);
  }, [open]);
  return (
    <section className="panel objective-panel" aria-labelledby="objective-title" data-tour="objective">
      <h2 id="objective-title" className="sr-only">
        How it learned: the training objective
      </h2>
      <button
        type="button"
        data-testid="objective-open"
        aria-expanded={open}
        aria-controls="objective-body"
        onClick={() => setOpen(!open)}
      >
        How it learned
      </button>
      <div id="objective-body" hidden={!open}>
        {open && (
          <LazyView
            load={() => import('./TrainingObjective')}
            name="the training objective"
            fallback={<p className="hint">Loading the training objective…</p>}
          />
        )}
      </div>
    </section>
  );
}
