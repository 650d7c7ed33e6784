// "Reload to update": vite-plugin-pwa activates the waiting service worker and reloads only when that
// worker then takes control of this page (workbox-window's `controlling` with isUpdate). A page that
// no worker controls (after a hard reload, or a first visit while another tab left a worker waiting)
// is never taken over (sw.ts does not claim clients), so the button would do nothing, and pressed
// again, still nothing: no worker is waiting any more. Such a page reloads itself; a controlled one
// too, if the take-over has not reloaded it within RELOAD_FALLBACK_MS.

export const RELOAD_FALLBACK_MS = 3000;

export async function reloadToUpdate(
  activateWaiting: () => Promise<void>,
  controlled: boolean,
  reload: () => void,
  later: (cb: () => void, ms: number) => unknown = setTimeout,
): Promise<void> {
  await activateWaiting();
  if (!controlled) reload();
  else later(reload, RELOAD_FALLBACK_MS);
}
