// "Reload to update": vite-plugin-pwa asks the waiting service worker to activate, and reloads only
// when that worker then takes control of this page (workbox-window's `controlling` with isUpdate). A
// page that no worker controls (after a hard reload, or a first visit while another tab left a worker
// waiting) is never taken over (sw.ts does not claim clients), so the button would do nothing, and
// pressed again, still nothing: no worker is waiting any more. Such a page reloads itself once the
// new worker is active (else the old one would serve the reload); a controlled one too, if the
// take-over has not reloaded it within RELOAD_FALLBACK_MS.
import { withTimeLimit } from '../runtime/timeLimit';

export const RELOAD_FALLBACK_MS = 3000;

/** The part of a ServiceWorker this needs. */
export interface WorkerLike {
  readonly state: string;
  addEventListener(type: 'statechange', cb: () => void): void;
}

/** Settles once `worker` is active (or replaced: then waiting longer brings nothing). */
function untilActive(worker: WorkerLike): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (worker.state === 'activated' || worker.state === 'redundant') resolve();
    };
    check();
    worker.addEventListener('statechange', check);
  });
}

export async function reloadToUpdate(
  activateWaiting: () => Promise<void>,
  page: { controlled: boolean; waiting: WorkerLike | null },
  reload: () => void,
  later: (cb: () => void, ms: number) => unknown = setTimeout,
): Promise<void> {
  const active = page.waiting ? untilActive(page.waiting) : Promise.resolve();
  await activateWaiting();
  if (page.controlled) {
    later(reload, RELOAD_FALLBACK_MS);
    return;
  }
  await withTimeLimit(active, RELOAD_FALLBACK_MS, 'the new service worker did not activate').catch(() => {});
  reload();
}
