// How it learned, behind a button: its code and the passages load only when it is first opened, so a
// closed panel costs the first visit nothing.
import { useNoiseView } from './noiseView';
import { LazyView } from './LazyView';

export function ObjectivePanel() {
  const open = useNoiseView((s) => s.open);
  const setOpen = useNoiseView((s) => s.setOpen);
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
