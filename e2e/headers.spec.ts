// What the servers send: `npm start` (vite preview, the config's webServer) and the static-hosting
// recipe (serve/static.mjs) must both send the headers the app needs, the right content types,
// immutable caching for hashed assets only, and a 404 for a missing file; the recipe compresses.
// The precache in dist/sw.js lists each file once and leaves the worker's big files out.
import { readdirSync, readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { test, expect } from '@playwright/test';
import { createStaticServer } from '../serve/static.mjs';

const STATIC_PORT = 4178;
let server: Server;
test.beforeAll(async () => {
  server = createStaticServer({ root: path.resolve('dist') });
  await new Promise<void>((resolve) => server.listen(STATIC_PORT, resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const assets = readdirSync('dist/assets');
const asset = (re: RegExp) => {
  const name = assets.find((a) => re.test(a));
  if (!name) throw new Error(`no ${re} in dist/assets`);
  return `/assets/${name}`;
};

/** A raw GET (no decompression): status, headers and the body's size on the wire. */
function get(base: string, p: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number }>((resolve, reject) => {
    http
      .get(new URL(p, base), { headers }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      })
      .on('error', reject);
  });
}

const servers = [
  { name: 'npm start (vite preview)', base: 'http://localhost:4173' },
  { name: 'serve/static.mjs', base: `http://localhost:${STATIC_PORT}` },
];

for (const { name, base } of servers) {
  test(`${name}: security headers, content types, caching and 404s`, async () => {
    const page = await get(base, '/', { Accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(page.headers['cache-control']).toBe('no-cache');

    const want: [string, RegExp, 'immutable' | 'no-cache'][] = [
      [asset(/\.wasm$/), /^application\/wasm$/, 'immutable'],
      [asset(/\.onnx$/), /^application\/octet-stream$/, 'immutable'],
      [asset(/^tokenizer-.*\.json$/), /^application\/json/, 'immutable'],
      [asset(/^index-.*\.js$/), /^text\/javascript/, 'immutable'],
      [asset(/^style-.*\.css$/), /^text\/css/, 'immutable'],
      ['/manifest.webmanifest', /^application\/manifest\+json/, 'no-cache'],
      ['/sw.js', /^text\/javascript/, 'no-cache'],
      ['/icons/icon-192.png', /^image\/png$/, 'no-cache'],
    ];
    for (const [p, type, caching] of want) {
      const r = await get(base, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toMatch(type);
      expect(r.headers['x-content-type-options'], p).toBe('nosniff');
      expect(r.headers['cache-control'], p).toBe(
        caching === 'immutable' ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }

    // A missing asset is a 404, never the HTML page; a page route still gets the app.
    for (const p of ['/assets/nope.js', '/x.map', '/assets/index-deadbeef.css', '/icons/nope.png']) {
      const r = await get(base, p, { Accept: '*/*' });
      expect(r.status, p).toBe(404);
      expect(r.headers['content-type'], p).not.toMatch(/html/);
    }
    const route = await get(base, '/some/page', { Accept: 'text/html' });
    expect(route.status).toBe(200);
    expect(route.headers['content-type']).toMatch(/^text\/html/);
  });
}

test('serve/static.mjs compresses the wasm (brotli and gzip) and text, not images', async () => {
  const wasm = asset(/\.wasm$/);
  const size = readFileSync(path.join('dist', wasm)).length;
  const base = `http://localhost:${STATIC_PORT}`;
  const br = await get(base, wasm, { 'Accept-Encoding': 'gzip, deflate, br' });
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.bytes * 5).toBeLessThan(size);
  const gz = await get(base, wasm, { 'Accept-Encoding': 'gzip' });
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gz.bytes * 3.5).toBeLessThan(size);
  const plain = await get(base, wasm);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.bytes).toBe(size);
  const js = await get(base, asset(/^index-.*\.js$/), { 'Accept-Encoding': 'br' });
  expect(js.headers['content-encoding']).toBe('br');
  const png = await get(base, '/icons/icon-512.png', { 'Accept-Encoding': 'br' });
  expect(png.headers['content-encoding']).toBeUndefined();
  // A revalidation of an unchanged file is a 304 with no body.
  const again = await get(base, '/sw.js', { 'If-None-Match': String((await get(base, '/sw.js')).headers.etag) });
  expect(again.status).toBe(304);
  expect(again.bytes).toBe(0);
});

test('the precache lists each file once: the app shell, not the worker-owned wasm, model and tokenizer', () => {
  const sw = readFileSync('dist/sw.js', 'utf8');
  const urls = [...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
  expect(urls.length).toBeGreaterThan(5);
  expect(urls.length, `duplicates in ${urls.join(', ')}`).toBe(new Set(urls).size);
  for (const u of urls) expect(u).not.toMatch(/\.(wasm|onnx)$|tokenizer-/);
  const manifest = JSON.parse(readFileSync('dist/manifest.webmanifest', 'utf8')) as { icons: { src: string }[] };
  for (const icon of manifest.icons) expect(urls.filter((u) => u === icon.src)).toHaveLength(1);
  for (const shell of ['index.html', 'manifest.webmanifest', 'icons/icon.svg']) expect(urls).toContain(shell);
  expect(urls.some((u) => /^assets\/unmask\.worker-.*\.js$/.test(u))).toBe(true);
});

test('the explainer’s data is precached: the passages and the word list, at most 100 kB gzip together', () => {
  const sw = readFileSync('dist/sw.js', 'utf8');
  const urls = [...sw.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
  const data = urls.filter((u) => /^assets\/(passages-.*\.json|words-.*\.txt)$/.test(u));
  expect(data).toHaveLength(2);
  const gzip = data.reduce((a, u) => a + gzipSync(readFileSync(`dist/${u}`), { level: 9 }).byteLength, 0);
  console.log(`explainer data: ${data.join(', ')}, ${gzip} bytes gzip`);
  expect(gzip).toBeLessThanOrEqual(100_000);
});
