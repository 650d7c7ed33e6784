// The order map behind a disclosure: its code loads only when it is first opened, so a closed view costs
// the page's first load and a run nothing.
import { useState } from 'react';
import { LazyView } from './LazyView';

export function OrderMapPanel() {
  const [open, setOpen] = useState(false);
  return (
    <details className="explain" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="order-map-open">Order map: in what order was this written?</summary>
      {open && (
        <LazyView
          load={() => import('./OrderMap')}
          name="the order map"
          fallback={<p className="hint">Loading the order map…</p>}
        />
      )}
    </details>
  );
}
