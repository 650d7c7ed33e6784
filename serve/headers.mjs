// The HTTP rules the app needs from whatever serves dist/: one home, used by `vite preview`
// (vite.config.ts), by the Node static server (serve/static.mjs) and by the README's recipe.
// Plain JavaScript so that Node runs it without a build step; types in headers.d.mts.

/** 'wasm-unsafe-eval' lets ORT compile its wasm; frame-ancestors keeps the app out of other sites' frames. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/** Cross-origin isolation lets ORT run its WASM backend with threads (SharedArrayBuffer). */
export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Sent with every response of the production build. */
export const SECURITY = {
  ...ISOLATION,
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Types that generic servers get wrong or leave out (.onnx has no registered type). */
export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Worth compressing: text, the wasm (26.8 MB: 6.6 MB with gzip, 4.0 MB with brotli 11) and the model (1.2-fold). */
export const COMPRESSIBLE = /\.(html|js|mjs|css|json|webmanifest|svg|txt|wasm|onnx)$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Vite's build output under /assets/ carries a content hash: `name-[hash].ext`. */
export function isHashedAsset(pathname) {
  return /^\/assets\/[^/]+-[\w-]{8}\.[a-z0-9]+$/i.test(pathname);
}

export function extensionOf(pathname) {
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  return dot > 0 ? last.slice(dot).toLowerCase() : '';
}

/**
 * A request the single-page fallback (index.html) may answer: a path without a file extension,
 * or an .html one. Anything else that is missing (a .js, a .map, an image) must be a 404, or a
 * broken deploy would hand the browser HTML where it expects a script.
 */
export function isPageRoute(pathname) {
  const ext = extensionOf(pathname);
  return ext === '' || ext === '.html';
}

/**
 * Per-file headers: hashed assets never change, so browsers may keep them a year without asking;
 * everything else (index.html, sw.js, the manifest, icons) is revalidated on every use, so a
 * deploy is seen at once.
 */
export function headersFor(pathname) {
  const type = CONTENT_TYPES[extensionOf(pathname)];
  return {
    ...(type ? { 'Content-Type': type } : {}),
    'Cache-Control': isHashedAsset(pathname) ? IMMUTABLE : 'no-cache',
  };
}
