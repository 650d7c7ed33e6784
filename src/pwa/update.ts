// "Reload to update": vite-plugin-pwa asks the waiting service worker to activate, and reloads only
// when that worker then takes control of this page (workbox-window's `controlling` with isUpdate). A
// page that no worker controls (after a hard reload, or a first visit while another tab left a worker
// waiting) is never taken over (sw.ts does not claim clients), so the button would do nothing, and
// pressed again, still nothing: no worker is waiting any more. Such a page reloads itself once the
// new worker is active (else the old one would serve the reload); a controlled one too, if the
// take-over has not reloaded it within RELOAD_FALLBACK_MS.
import { withTimeLimit } from '../runtime/timeLimit';
import type { AppState } from '../store/store';

export const RELOAD_FALLBACK_MS = 3000;

// Whether this page asked for the new service worker (Reload to update, Reload for the current
// version): only then may its take-over reload the page (Pwa.tsx); else another tab asked.
let updateAsked = false;
export const askForUpdate = () => void (updateAsked = true);
export const updateWasAsked = () => updateAsked;

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

/** What a reload would stop that the page does not keep (its text and settings it does), in words,
 * or null when nothing is going on: the update asks before it reloads over it. */
export function workAReloadStops(s: Pick<AppState, 'pending' | 'run' | 'engine' | 'sweep' | 'compare'>): string | null {
  if (s.sweep?.phase === 'running') return 'the cost of steps is being measured';
  if (s.compare && (s.compare.phase === 'diffusion' || s.compare.phase === 'left-to-right'))
    return 'a comparison is going on';
  if (s.pending !== null || s.run?.status === 'running') return 'a run is going on';
  if (s.engine.status === 'loading') return 'the model is loading';
  return null;
}

/** The part of a ServiceWorkerRegistration `reloadForCurrentFiles` needs. */
export interface RegistrationLike {
  update(): Promise<unknown>;
  readonly waiting: (WorkerLike & { postMessage(m: unknown): void }) | null;
  readonly installing: (WorkerLike & { postMessage(m: unknown): void }) | null;
}

/** How long the reload waits for the current service worker to install and take over (it downloads
 * the app shell, about 1 MB); after that it reloads anyway. */
export const CURRENT_FILES_WAIT_MS = 15_000;

/** "Reload for the current version", for a page whose files a deploy replaced (a model file it asks
 * for is gone): a plain reload would be answered by the old service worker with the old page, which
 * asks for the same file. So ask the server for the current worker first, let it take over (sw.ts
 * skips waiting on request), then reload. Without a worker, or if none comes, it just reloads. */
export async function reloadForCurrentFiles(
  registration: () => Promise<RegistrationLike | undefined>,
  reload: () => void,
  wait = CURRENT_FILES_WAIT_MS,
): Promise<void> {
  const reg = await registration().catch(() => undefined);
  if (reg) {
    await withTimeLimit(reg.update(), wait, 'the update check did not answer').catch(() => {});
    const next = reg.waiting ?? reg.installing;
    if (next) {
      const active = untilActive(next);
      askForUpdate();
      next.postMessage({ type: 'SKIP_WAITING' });
      await withTimeLimit(active, wait, 'the new service worker did not activate').catch(() => {});
    }
  }
  reload();
}
