// Install button (shown when the browser offers installation), the "update available" prompt and
// whether this device can run the app offline.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useRegisterSW } from 'virtual:pwa-register/react';
import { browserOfflineDeps, checkOffline, type OfflineStatus } from '../pwa/offline';
import { askForUpdate, reloadToUpdate, updateWasAsked, workAReloadStops } from '../pwa/update';
import { useApp } from '../store/store';
import { useDeviceStorage } from '../store/model';

interface InstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export function InstallButton() {
  const [event, setEvent] = useState<InstallPromptEvent | null>(null);
  useEffect(() => {
    const onPrompt = (e: Event) => {
      e.preventDefault(); // keep it for our own button instead of the browser's mini-bar
      setEvent(e as InstallPromptEvent);
    };
    const onInstalled = () => setEvent(null);
    window.addEventListener('beforeinstallprompt', onPrompt);
    window.addEventListener('appinstalled', onInstalled);
    return () => {
      window.removeEventListener('beforeinstallprompt', onPrompt);
      window.removeEventListener('appinstalled', onInstalled);
    };
  }, []);
  return (
    <button
      type="button"
      data-testid="install"
      hidden={event === null}
      onClick={async () => {
        if (!event) return;
        await event.prompt();
        await event.userChoice;
        setEvent(null);
      }}
    >
      Install app
    </button>
  );
}

async function reloadToUpdateNow(activateWaiting: () => Promise<void>) {
  const reg = await navigator.serviceWorker?.getRegistration();
  await reloadToUpdate(
    activateWaiting,
    { controlled: Boolean(navigator.serviceWorker?.controller), waiting: reg?.waiting ?? null },
    () => location.reload(),
  );
}

/** Registers the service worker. Mounted once the model is loaded, so its precache downloads do
 * not compete with the first load. A reload never comes unasked: the plugin reloads a page whenever a
 * new worker takes it over, which another tab's "Reload to update" does too (over this tab's run or
 * sweep); so this tab reloads only when it asked, says so when another tab updated it, and asks first
 * when a reload would stop work going on. */
export function UpdatePrompt() {
  const [elsewhere, setElsewhere] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const working = useApp(workAReloadStops);
  const {
    needRefresh: [needRefresh, setNeedRefresh],
    offlineReady: [offlineReady, setOfflineReady],
    updateServiceWorker,
  } = useRegisterSW({
    immediate: true,
    onNeedReload: () => (updateWasAsked() ? location.reload() : setElsewhere(true)),
  });

  const update = () => {
    if (working && !confirming) return setConfirming(true);
    askForUpdate();
    void reloadToUpdateNow(() => updateServiceWorker(true));
  };
  const toast = elsewhere ? 'elsewhere' : needRefresh ? 'update' : offlineReady ? 'offline-ready' : null;
  return (
    <>
      <OfflineCheck />
      {toast === 'update' && (
        <div className="toast" role="alert" data-testid="update-prompt">
          <span data-testid="update-text">
            {confirming && working
              ? `An update is available, but ${working}: reloading now stops it (your text and settings are kept).`
              : 'An update is available.'}
          </span>
          <button type="button" className="primary" data-testid="update-reload" onClick={update}>
            {confirming && working ? 'Reload anyway' : 'Reload to update'}
          </button>
          <button
            type="button"
            onClick={() => {
              setConfirming(false);
              setNeedRefresh(false);
            }}
          >
            Later
          </button>
        </div>
      )}
      {toast === 'elsewhere' && (
        <div className="toast" role="alert" data-testid="updated-elsewhere">
          <span>
            Unmask was updated in another tab. Reload this one when it suits you
            {working ? ` (${working}: a reload stops it)` : ''}; your text and settings are kept.
          </span>
          <button type="button" className="primary" onClick={() => location.reload()}>
            Reload now
          </button>
          <button type="button" onClick={() => setElsewhere(false)}>
            Later
          </button>
        </div>
      )}
      {toast === 'offline-ready' && (
        <div className="toast" role="status" data-testid="offline-ready">
          <span>Unmask now works offline.</span>
          <button type="button" onClick={() => setOfflineReady(false)}>
            OK
          </button>
        </div>
      )}
    </>
  );
}

const RECONNECT_RETRY_MS = 3000;

/**
 * Checks on each visit, and whenever the connection comes or goes, that the app shell, the model
 * and the engine are all stored for offline use; online, it restores what is missing.
 */
function OfflineCheck() {
  const [status, setStatus] = useState<OfflineStatus>({ state: 'checking' });
  const [dismissed, setDismissed] = useState(false);
  // Only the latest check may set the status (the connection can flip while one runs).
  const latest = useRef(0);
  // Only the model in use must be stored; a switch checks again.
  const inUse = useApp((s) => s.engine.model?.name ?? null);
  // A model the visitor removed from the device (the picker) is not put back by a repair behind their back.
  const removed = useDeviceStorage((s) => s.removal !== null && 'freed' in s.removal && s.removal.name === inUse);
  const modelName = removed ? null : inUse;
  const check = useCallback(
    (retries = 0) => {
      const id = ++latest.current;
      const settle = (s: OfflineStatus) => {
        if (id !== latest.current) return;
        // A connection that has just come back often carries nothing for a moment (the 'online'
        // event can come before the service worker's requests get through): a failed repair right
        // after it is tried again once before the user is asked to.
        if (s.state === 'incomplete' && s.online && retries > 0) {
          setTimeout(() => {
            if (id === latest.current) check(retries - 1);
          }, RECONNECT_RETRY_MS);
          return;
        }
        setStatus(s);
      };
      const deps = browserOfflineDeps(modelName);
      if (!deps) {
        setStatus({ state: 'unavailable', why: 'this browser cannot store the app' });
        return;
      }
      setStatus({ state: 'checking' });
      setDismissed(false);
      checkOffline(deps).then(settle, (err: unknown) => settle({ state: 'unavailable', why: String(err) }));
    },
    [modelName],
  );
  useEffect(() => {
    const onOnline = () => check(1);
    const onOffline = () => check();
    check();
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
  }, [check]);

  const line = (text: string) => (
    <p className="foot hint" data-testid="offline-status" data-state={status.state}>
      {text}
    </p>
  );
  switch (status.state) {
    case 'checking':
      return line('Checking the offline copy…');
    case 'ready':
      return removed
        ? line('The model was removed from this device: the app works offline, the model downloads again next visit.')
        : line('Works offline: the app, the model and the engine are stored on this device.');
    case 'unavailable':
      return line(`Offline use is not available (${status.why}).`);
    case 'repaired':
      return dismissed ? (
        line('Works offline: the app, the model and the engine are stored on this device.')
      ) : (
        <div className="toast" role="status" data-testid="offline-status" data-state="repaired">
          <span>
            Part of the offline copy was missing ({status.repaired} of {status.files} files); it has been restored, so
            Unmask works offline again.
          </span>
          <button type="button" onClick={() => setDismissed(true)}>
            OK
          </button>
        </div>
      );
    case 'incomplete':
      return (
        <div className="toast" role="alert" data-testid="offline-status" data-state="incomplete">
          <span>
            {status.online
              ? `Offline use is broken: ${status.missing} files could not be stored again. Try again, or free some storage.`
              : `Offline use is broken: ${status.missing} files are missing from this device. Reconnect and they will be restored; until then, do not reload.`}
          </span>
          {status.online && (
            <button type="button" onClick={() => check()}>
              Try again
            </button>
          )}
        </div>
      );
  }
}
