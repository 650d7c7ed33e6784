// The inspector behind a disclosure, as the order map is: its code loads when it is first opened. While
// it is open, choosing a token on the canvas (a click, or Enter or Space on a focused one) looks inside it.
import { useInspector } from './inspectorState';
import { LazyView } from './LazyView';

export function InspectorPanel() {
  const open = useInspector((s) => s.open);
  const setOpen = useInspector((s) => s.setOpen);
  return (
    <details className="explain" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="inspector-open">Look inside a token: what could the model have written here?</summary>
      {open && (
        <LazyView
          load={() => import('./SlotInspector')}
          name="the inspector"
          fallback={<p className="hint">Loading the inspector…</p>}
        />
      )}
    </details>
  );
}
