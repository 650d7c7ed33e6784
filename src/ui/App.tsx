// The page: what diffusion LMs do in one line, the model's state, the prompt, the canvas with its
// live numbers and timeline, the comparison, sharing, and the settings.
import { useEffect, useState } from 'react';
import { useApp } from '../store/store';
import { Canvas, Legend } from './Canvas';
import { ComparePanel } from './ComparePanel';
import { Controls } from './Controls';
import { EngineStatus } from './EngineStatus';
import { ErrorBoundary } from './ErrorBoundary';
import { FormNotice } from './FormNotice';
import { PromptPanel } from './PromptPanel';
import { InstallButton, UpdatePrompt } from './Pwa';
import { QuickBar } from './QuickBar';
import { RunStats } from './RunStats';
import { SharePanel } from './SharePanel';
import { Timeline } from './Timeline';
import { InspectorPanel } from './explain/InspectorPanel';
import { useInspector } from './explain/inspectorState';
import { OrderMapPanel } from './explain/OrderMapPanel';
import { LinkedView } from './explain/LinkedView';
import { ObjectivePanel } from './explain/ObjectivePanel';
import { SweepPanel } from './explain/SweepPanel';
import { TourLauncher } from './explain/TourLauncher';
import { useTour } from './explain/tourState';

// The explainer's views are always in the page; only a bench build (VITE_BENCH_WITHOUT_VIEWS=1, see
// bench/frames.mjs) leaves them out, to measure what they cost a run while closed against the same code.
const VIEWS = import.meta.env.VITE_BENCH_WITHOUT_VIEWS !== '1';

function LiveRegion() {
  const announcement = useApp((s) => s.announcement);
  return (
    <div className="sr-only" role="status" aria-live="polite" data-testid="announcer">
      {announcement}
    </div>
  );
}

/** The page inside an error boundary: no failure leaves it blank. */
export function App() {
  return (
    <ErrorBoundary>
      <Page />
    </ErrorBoundary>
  );
}

function Page() {
  const status = useApp((s) => s.engine.status);
  // The service worker registers once the first load has settled (see UpdatePrompt).
  const [registerSw, setRegisterSw] = useState(false);
  useEffect(() => {
    if (status === 'ready' || status === 'error') setRegisterSw(true);
  }, [status]);
  // Escape stops a run from anywhere on the page; with the tour or the inspector open it closes the
  // topmost of them instead (the tour floats above the inspector) and leaves the run going.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // An Escape that cancels an input method's composition (Japanese, Chinese) is the IME's, not ours.
      if (e.key !== 'Escape' || e.isComposing || e.keyCode === 229) return;
      if (useTour.getState().open) useTour.getState().close();
      else if (useInspector.getState().open) useInspector.getState().setOpen(false);
      else useApp.getState().stop();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  // A share link opened in a tab that already shows the app changes only the hash: apply it too,
  // then clear it so a reload keeps later edits (replaceState fires no hashchange).
  useEffect(() => {
    const onHash = () => {
      if (useApp.getState().openLink(location.hash))
        history.replaceState(null, '', location.pathname + location.search);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  return (
    <>
      <header className="top">
        <div className="title">
          <h1>Unmask</h1>
          <p className="tagline">
            A diffusion language model does not write left to right: it starts from a row of masked blanks and fills in
            the ones it is surest of first, over a few steps. Watch one do it, in your browser.
          </p>
          {VIEWS && <TourLauncher />}
        </div>
        <div className="top-side">
          <EngineStatus />
          <InstallButton />
        </div>
      </header>
      <main className="layout">
        <div className="main-col">
          {/* Notices sit in the page's flow, above the prompt: they never cover a control. */}
          <FormNotice />
          <PromptPanel />
          <section className="panel output" aria-labelledby="output-title">
            <h2 id="output-title" className="sr-only">
              Output
            </h2>
            <QuickBar />
            <RunStats />
            <Canvas />
            <Timeline />
            <Legend />
            {VIEWS && <InspectorPanel />}
            {VIEWS && <OrderMapPanel />}
          </section>
          <ComparePanel />
          {VIEWS && <ObjectivePanel />}
          {VIEWS && <LinkedView />}
          {VIEWS && <SweepPanel />}
          <SharePanel />
        </div>
        <aside className="side-col">
          <Controls />
        </aside>
      </main>
      <footer className="foot">
        {/* The offline copy's line and toasts arrive after the model is ready: down here they push
            nothing the visitor is reading (above the prompt they shifted the page by 0.11 on a phone). */}
        {registerSw && <UpdatePrompt />}
        <p>
          Runs entirely on this device (WebGPU or WebAssembly). Nothing you type leaves the page. Tiny model: expect odd
          sentences.
        </p>
      </footer>
      <LiveRegion />
    </>
  );
}
