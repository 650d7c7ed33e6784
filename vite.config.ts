import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

// Served with the production build only (`vite preview`): the dev server's React Refresh preamble
// is an inline script that this policy blocks. 'wasm-unsafe-eval' lets ORT compile its wasm.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "manifest-src 'self'",
].join('; ');

// Cross-origin isolation lets ORT run its WASM backend with threads (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      // The app registers through virtual:pwa-register/react; an injected inline script would
      // break the CSP anyway.
      injectRegister: false,
      manifest: {
        name: 'Unmask — watch a diffusion language model write',
        short_name: 'Unmask',
        description:
          'A small masked diffusion language model running in your browser: a canvas of masked ' +
          'tokens resolves step by step into text. Works offline.',
        theme_color: '#1b1d2a',
        background_color: '#12131c',
        display: 'standalone',
        start_url: '.',
        scope: '.',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          {
            src: 'icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,wasm,onnx,json,png,svg,ico}'],
        // ORT's wasm is ~27 MB and the model a few MB; precaching them is what makes offline work.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        cleanupOutdatedCaches: true,
        navigateFallback: 'index.html',
      },
    }),
  ],
  worker: { format: 'es' },
  preview: {
    headers: { ...isolationHeaders, 'Content-Security-Policy': CSP },
  },
  server: {
    headers: isolationHeaders,
  },
});
