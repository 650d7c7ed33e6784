// Each byte once: a first visit downloads every file at most once (the page, the engine worker and
// the service worker's install together) and a second visit downloads nothing. Counted by the
// server itself (serve/static.mjs, the static-hosting recipe, with compression), so every request
// counts, whoever made it. This project's Chromium has no WebGPU adapter, so the engine runs ORT's
// plain WASM build: its wasm (ort-wasm-simd-threaded.wasm) is downloaded, WebGPU's never.
import { readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createStaticServer } from '../serve/static.mjs';
import { test, expect } from './fixtures';
import { openApp } from './helpers';

const PORT = 4177;
interface Sent {
  path: string;
  status: number;
  bytes: number;
}
const sent: Sent[] = [];
let server: Server;

test.beforeAll(async () => {
  server = createStaticServer({ root: path.resolve('dist'), onResponse: (r) => sent.push(r) });
  await new Promise<void>((resolve) => server.listen(PORT, resolve));
});
test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
test.use({ serviceWorkers: 'allow', baseURL: `http://localhost:${PORT}` });

/** A visit is over once the model is ready and the offline copy is checked (so the service worker is installed). */
async function visit(page: Page, first: boolean) {
  if (first) await openApp(page);
  else {
    await page.reload();
    await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  }
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
}

const sum = (list: Sent[]) => list.reduce((s, f) => s + f.bytes, 0);

test('a first visit downloads each file once, a second visit nothing', async ({ page }) => {
  test.setTimeout(240_000);
  // The download label after each DOM change: the wasm's bytes must show as progress too.
  await page.addInitScript(() => {
    const w = window as unknown as { __labels: string[] };
    w.__labels = [];
    new MutationObserver(() => {
      const label = document.querySelector('label[for="load-progress"]')?.textContent;
      if (label && w.__labels.at(-1) !== label) w.__labels.push(label);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await visit(page, true);
  const engineBytes = readdirSync('dist/assets')
    .filter((f) => /^ort-wasm-simd-threaded-.*\.wasm$|\.onnx$|^tokenizer-/.test(f))
    .reduce((s, f) => s + statSync(`dist/assets/${f}`).size, 0);
  const totalMb = (engineBytes / 1e6).toFixed(1);
  const labels = await page.evaluate(() => (window as unknown as { __labels: string[] }).__labels);
  expect(
    labels.filter((l) => l.endsWith(`of ${totalMb} MB`)).length,
    `progress up to ${totalMb} MB in ${labels.join(' | ')}`,
  ).toBeGreaterThan(2);
  await expect(page.getByTestId('load-status')).toContainText(`downloaded ${totalMb} MB`);
  const firstVisit = sent.splice(0);
  await visit(page, false);
  const secondVisit = sent.splice(0);

  const downloads = firstVisit.filter((s) => s.status === 200);
  const perFile = new Map<string, number[]>();
  for (const d of downloads) perFile.set(d.path, [...(perFile.get(d.path) ?? []), d.bytes]);
  const distinct = [...perFile.values()].reduce((s, sizes) => s + Math.max(...sizes), 0);
  console.log(
    `first visit: ${(sum(firstVisit) / 1e6).toFixed(2)} MB sent in ${firstVisit.length} answers for ` +
      `${(distinct / 1e6).toFixed(2)} MB of distinct files (${perFile.size}); ` +
      `second visit: ${sum(secondVisit)} bytes in ${secondVisit.length} answers (${secondVisit.map((s) => `${s.path} ${s.status}`).join(', ')})`,
  );

  // The big ones were downloaded at all (else the counts below would prove nothing).
  const paths = [...perFile.keys()];
  for (const want of [
    /\/ort-wasm-simd-threaded-[^/.]*\.wasm$/,
    /\.onnx$/,
    /\/tokenizer-.*\.json$/,
    /\/unmask\.worker-.*\.js$/,
    /^\/sw\.js$/,
    /^\/index\.html$/,
  ]) {
    expect(
      paths.some((p) => want.test(p)),
      `${want} downloaded on the first visit`,
    ).toBe(true);
  }
  expect(
    paths.filter((p) => p.endsWith('.wasm')),
    'the wasm of one ORT build only',
  ).toHaveLength(1);
  const twice = [...perFile].filter(([, sizes]) => sizes.length > 1).map(([p, sizes]) => `${p} ×${sizes.length}`);
  expect(twice, 'files downloaded more than once on the first visit').toEqual([]);
  expect(sum(firstVisit)).toBeLessThanOrEqual(distinct * 1.05);
  expect(
    secondVisit.filter((s) => s.status !== 304),
    'files downloaded on the second visit',
  ).toEqual([]);
});
