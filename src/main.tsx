// Entry point: starts the engine worker (with the backend a ?backend= query asks for) and renders.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useApp } from './store/store';
import { App } from './ui/App';
import { createEngineClient } from './worker/client';
import type { BackendChoice } from './worker/protocol';
import './ui/app.css';

const asked = new URLSearchParams(location.search).get('backend');
const backend: BackendChoice = asked === 'webgpu' || asked === 'wasm' ? asked : 'auto';
useApp.getState().connect(createEngineClient, backend);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
