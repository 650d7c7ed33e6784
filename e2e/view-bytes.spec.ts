// What the explainer views add to the JavaScript a first visit runs before it shows the backend: at most
// 10 % (gzip), against the same code built without them (VITE_BENCH_WITHOUT_VIEWS=1, the build the
// closed-view bench compares with). The views' own chunks load when opened and are reported apart. Counted
// by the server (serve/static.mjs): every script the page and its engine worker asked for, service worker
// blocked, so the precache does not count.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { createStaticServer } from '../serve/static.mjs';
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

const SCRIPT = /\.m?js$/;
const withViews = path.resolve('dist');
let withoutViews = '';
const served: Record<string, string[]> = { with: [], without: [] };
const servers: Server[] = [];

async function serve(root: string, port: number, log: string[]) {
  const server = createStaticServer({ root, onResponse: (r) => SCRIPT.test(r.path) && log.push(r.path) });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  servers.push(server);
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  withoutViews = mkdtempSync(path.join(tmpdir(), 'unmask-noviews-'));
  execFileSync('npx', ['vite', 'build', '--outDir', withoutViews, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, VITE_BENCH_WITHOUT_VIEWS: '1' },
    stdio: 'inherit',
  });
  await serve(withViews, 4181, served.with);
  await serve(withoutViews, 4182, served.without);
});
test.afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  if (withoutViews) rmSync(withoutViews, { recursive: true, force: true });
});

/** gzip bytes (zlib's default level) of each distinct script, read from the build that served it. */
function gzipBytes(root: string, paths: string[]): { total: number; files: string[] } {
  const files = [...new Set(paths)];
  const total = files.reduce((s, p) => s + gzipSync(readFileSync(path.join(root, p))).length, 0);
  return { total, files };
}

async function untilBackend(page: Page, port: number, log: string[]) {
  log.length = 0;
  await openApp(page, `http://localhost:${port}/`);
  return [...log];
}

// The page under test (and the fixture's same-origin guard) is the build with the views.
test.use({ baseURL: 'http://localhost:4181' });

test('the explainer views add at most 10 % to the gzip JavaScript run before the backend shows', async ({
  page,
  browser,
}) => {
  test.setTimeout(240_000);
  // The baseline in a context of its own: another origin, another port.
  const other = await browser.newContext({ serviceWorkers: 'block' });
  const without = gzipBytes(withoutViews, await untilBackend(await other.newPage(), 4182, served.without));
  await other.close();
  const before = gzipBytes(withViews, await untilBackend(page, 4181, served.with));
  expect(before.files.some((f) => /unmask\.worker-/.test(f))).toBe(true);
  expect(before.files.filter((f) => /OrderMap|SlotInspector|TrainingObjective|CostOfSteps/.test(f))).toEqual([]);

  // Open every view (a short run first, so the map and the inspector have something to show).
  served.with.length = 0;
  await setControls(page, { prompt: 'The king said', length: 8, steps: 4, temperature: 0, refine: 0 });
  await runToEnd(page);
  await page.getByTestId('order-map-open').click();
  await page.getByTestId('order-cell').first().click();
  await expect(page.getByTestId('slot-inspector')).toBeVisible();
  await page.getByTestId('objective-open').click();
  await expect(page.getByTestId('noise-level')).toBeVisible();
  await page.getByTestId('sweep-open').click();
  await expect(page.getByTestId('steps-sweep')).toBeVisible();
  const lazy = gzipBytes(withViews, served.with);
  const growth = before.total / without.total - 1;
  console.log(
    `gzip JS before the backend shows: ${before.total} B with the views, ${without.total} B without ` +
      `(${(growth * 100).toFixed(1)} %); the views' lazy chunks: ${lazy.total} B in ${lazy.files.join(', ')}`,
  );
  expect(lazy.files.length).toBeGreaterThanOrEqual(3);
  expect(growth).toBeLessThanOrEqual(0.1);
});
