// Entry point: starts the engine worker (with the backend a ?backend= query asks for) and renders.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useApp } from './store/store';
import { App } from './ui/App';
import { createEngineClient } from './worker/client';
import { withPace } from './worker/paceControl';
import type { BackendChoice } from './runtime/types';
import './ui/app.css';

const asked = new URLSearchParams(location.search).get('backend');
const backend: BackendChoice = asked === 'webgpu' || asked === 'wasm' ? asked : 'auto';
// The saved form and a share link in the hash; the link is then removed from the address bar so a
// reload keeps later edits (replaceState does not fire hashchange).
useApp.getState().startApp({
  hash: location.hash,
  clearHash: () => history.replaceState(null, '', location.pathname + location.search),
});
// `?pace=manual` (end-to-end tests only) holds each step until the test lets it go.
useApp.getState().connect(withPace(createEngineClient, location.search, window), backend);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
