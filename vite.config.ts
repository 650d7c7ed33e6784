import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION, SECURITY, headersFor, isPageRoute } from './serve/headers.mjs';

// The worker downloads ORT's wasm itself and checks it against these (src/runtime/wasmBinary.ts):
// WebGPU's build's and the plain WASM build's, one of which a device downloads.
function wasmFacts(name: string): { sha256: string; bytes: number } {
  const bytes = readFileSync(createRequire(import.meta.url).resolve(`onnxruntime-web/${name}`));
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
}
const ortWasm = {
  webgpu: wasmFacts('ort-wasm-simd-threaded.asyncify.wasm'),
  wasm: wasmFacts('ort-wasm-simd-threaded.wasm'),
};

/**
 * `vite preview` with the production rules of serve/headers.mjs: per-file content types and
 * caching (hashed assets immutable), and a 404 for a missing file instead of index.html (the
 * single-page fallback is for page routes only), and the security headers on every answer.
 */
function productionServing(): Plugin {
  let outDir = 'dist';
  return {
    name: 'unmask-production-serving',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        for (const [name, value] of Object.entries(SECURITY)) res.setHeader(name, value);
        if (req.method !== 'GET' && req.method !== 'HEAD') return next();
        let pathname: string;
        try {
          pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        } catch {
          return next();
        }
        const file = path.join(outDir, pathname);
        if (!file.startsWith(outDir)) return next();
        if (!isPageRoute(pathname) && !existsSync(file)) {
          res.statusCode = 404;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.setHeader('Cache-Control', 'no-cache');
          res.end(`Not found: ${pathname}\n`);
          return;
        }
        // sirv keeps headers already set on the response over its own.
        for (const [name, value] of Object.entries(headersFor(pathname))) res.setHeader(name, value);
        next();
      });
    },
  };
}

export default defineConfig({
  define: { __ORT_WASM__: JSON.stringify(ortWasm) },
  plugins: [
    react(),
    productionServing(),
    VitePWA({
      registerType: 'prompt',
      // The app registers through virtual:pwa-register/react; an injected inline script would
      // break the CSP anyway.
      injectRegister: false,
      // Our own service worker, for the precache check and repair (src/pwa/sw.ts).
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      // The icons are matched by globPatterns already; listing them again would precache each twice.
      includeManifestIcons: false,
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
      injectManifest: {
        // The app shell only: the wasm, the model and the tokenizer are the worker's (see sw.ts).
        // The default 2 MiB limit stays as a guard: a large file here would mean a second download.
        // And the explainer's data (issue 18 §6: at most 100 kB gzip together): the noise panel's
        // passages and the sweep's word list, so every view works offline.
        globPatterns: ['**/*.{js,css,html,png,svg,ico}', 'assets/passages-*.json', 'assets/words-*.txt'],
      },
    }),
  ],
  // One stylesheet, loaded with the page: Vite's preload never asks again for a view's own stylesheet
  // that failed once, so after Try again (src/ui/explain/LazyView.tsx) the view showed unstyled. The
  // views' rules are 2.4 kB (under 1 kB gzip).
  build: { cssCodeSplit: false },
  worker: { format: 'es' },
  preview: {
    headers: SECURITY,
  },
  server: {
    headers: ISOLATION,
  },
});
