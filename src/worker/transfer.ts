// Which buffers a message hands over to the page instead of copying: the typed arrays that the host
// makes fresh for each frame, start and end of a run, and never reads again. A transferred buffer is
// moved, not cloned, so a 128-slot frame costs the worker no copy; the page owns it from then on.
import type { WorkerOut } from './protocol';

export function transferables(m: WorkerOut): ArrayBuffer[] {
  const arrays =
    m.type === 'frame'
      ? [m.frame.ids, m.frame.draftIds, m.frame.draftProbs]
      : m.type === 'started'
        ? [m.ids, m.fixed]
        : m.type === 'done'
          ? [m.ids]
          : m.type === 'inspected'
            ? [m.row, ...Object.values(m.report)]
            : [];
  const buffers = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer && a.byteLength > 0) buffers.add(a.buffer);
  return [...buffers];
}
