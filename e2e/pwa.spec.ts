// The installable, offline app: a valid manifest with real icons, a service worker that controls
// the page, and a run with the network off.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

test.use({ serviceWorkers: 'allow' });

/** Waits until the service worker has precached everything and is active. */
async function waitForServiceWorker(page: import('@playwright/test').Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(buf: Buffer): [number, number] {
  expect(buf.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [buf.readUInt32BE(16), buf.readUInt32BE(20)];
}

test('the manifest is valid and the service worker controls the page', async ({ page }) => {
  await openApp(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBeTruthy();
  const res = await page.request.get(new URL(href!, page.url()).href);
  expect(res.ok()).toBe(true);
  const manifest = await res.json();
  expect(manifest.name).toBe('Unmask — watch a diffusion language model write');
  expect(manifest.short_name).toBe('Unmask');
  expect(manifest.description.length).toBeGreaterThan(20);
  expect(manifest.display).toBe('standalone');
  expect(manifest.start_url).toBeTruthy();
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

  const want = [
    { sizes: '192x192', purpose: 'any' },
    { sizes: '512x512', purpose: 'any' },
    { sizes: '512x512', purpose: 'maskable' },
  ];
  for (const w of want) {
    const icon = manifest.icons.find(
      (i: { sizes: string; purpose?: string }) => i.sizes === w.sizes && (i.purpose ?? 'any') === w.purpose,
    );
    expect(icon, `icon ${w.sizes} ${w.purpose}`).toBeTruthy();
    expect(icon.type).toBe('image/png');
    const img = await page.request.get(new URL(icon.src, res.url()).href);
    expect(img.ok()).toBe(true);
    const side = Number(w.sizes.split('x')[0]);
    expect(pngSize(await img.body())).toEqual([side, side]);
  }

  await waitForServiceWorker(page);
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The page stays cross-origin isolated under the service worker (ORT's threads need it).
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.getByTestId('install')).toBeAttached();
});

test('offline after the first visit: reload and generate', async ({ page, context }) => {
  await openApp(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  // setOffline does not reach the service worker's own fetches: cut those off too, and count
  // them, so a file missing from the precache cannot be fetched behind the test's back.
  const swNetwork: string[] = [];
  await context.route('**', (route) => {
    if (route.request().serviceWorker()) {
      swNetwork.push(route.request().url());
      return route.abort('internetdisconnected');
    }
    return route.continue();
  });
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
  await setControls(page, { prompt: 'Far away', length: 32, steps: 8, temperature: 0.8, seed: 4 });
  await runToEnd(page);
  await expect(page.locator('[data-testid="token"][data-state="resolved"]')).toHaveCount(32);
  expect(swNetwork, 'service-worker requests that needed the network while offline').toEqual([]);
  await context.setOffline(false);
});

test('offline, every explainer view opens with its data: order map, inspector, objective, cost of steps', async ({
  page,
  context,
}) => {
  await openApp(page);
  await waitForServiceWorker(page);
  await context.setOffline(true);
  const swNetwork: string[] = [];
  await context.route('**', (route) => {
    if (route.request().serviceWorker()) {
      swNetwork.push(route.request().url());
      return route.abort('internetdisconnected');
    }
    return route.continue();
  });
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await setControls(page, { prompt: 'Far away', length: 12, steps: 4, seed: 4 });
  await runToEnd(page);
  await page.getByTestId('order-map-open').click();
  await expect(page.getByTestId('order-cell')).toHaveCount(12);
  // A chunk asked for again under a new URL (src/ui/explain/importAfresh.ts) is the precached file.
  const afresh = await page.evaluate(async () => {
    const names = performance.getEntriesByType('resource').map((e) => e.name);
    const chunk = names.find((n) => /\/OrderMap-[\w-]+\.js$/.test(n));
    if (chunk === undefined) return 'no OrderMap chunk among the resources';
    const res = await fetch(`${chunk}?afresh=7`).catch((e: unknown) => String(e));
    return typeof res === 'string' ? res : res.ok ? 'ok' : `HTTP ${res.status}`;
  });
  expect(afresh).toBe('ok');
  await page.getByTestId('token').first().click(); // opens the inspector on it
  await expect(page.getByTestId('candidate').first()).toBeVisible();
  await page.getByTestId('objective-open').click();
  await expect(page.getByTestId('noise-loss')).toContainText('bits per hidden token', { timeout: 30_000 });
  await page.getByTestId('sweep-open').click();
  await page.getByTestId('steps-sweep').click();
  await expect(page.getByTestId('sweep-progress')).toHaveText(/^Done: \d+ runs\.$/, { timeout: 120_000 });
  // The word list came from the precache: the invented-word share is a number, not a dash.
  await expect(page.getByTestId('sweep-row').first()).toContainText('%');
  await page.getByTestId('tour-open').click();
  await expect(page.getByTestId('tour')).toBeVisible();
  expect(swNetwork, 'service-worker requests that needed the network while offline').toEqual([]);
  await context.setOffline(false);
});

/** Deletes the service worker's precache behind its back (the worker stays registered). */
async function clearPrecache(page: import('@playwright/test').Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names = (await caches.keys()).filter((n) => n.startsWith('workbox-precache'));
    for (const n of names) await caches.delete(n);
    return names;
  });
}

async function precacheSize(page: import('@playwright/test').Page): Promise<number> {
  return page.evaluate(async () => {
    const name = (await caches.keys()).find((n) => n.startsWith('workbox-precache'));
    return name ? (await (await caches.open(name)).keys()).length : 0;
  });
}

test('a lost precache is reported, and restored when online', async ({ page, context }) => {
  test.setTimeout(240_000);
  const shellFiles = [...readFileSync('dist/sw.js', 'utf8').matchAll(/"url":"([^"]+)"/g)].length;
  const status = page.getByTestId('offline-status');
  await openApp(page);
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  expect(await precacheSize(page)).toBe(shellFiles);

  // Lost while offline: the app says so, and what to do.
  expect(await clearPrecache(page)).toHaveLength(1);
  await context.setOffline(true);
  await expect(status).toHaveAttribute('data-state', 'incomplete');
  await expect(status).toContainText(`${shellFiles} files are missing`);
  await expect(status).toContainText('Reconnect');
  // Back online: restored without a reload. The page can see 'online' before the service worker's
  // requests get through (here Playwright restores every worker's network in turn); the app then
  // tries the repair once more by itself, a few seconds later, before asking the user.
  await context.setOffline(false);
  await expect(status).toHaveAttribute('data-state', 'repaired', { timeout: 30_000 });
  await expect(status).toContainText('restored');
  expect(await precacheSize(page)).toBe(shellFiles);

  // Lost between visits: the next (online) visit finds and restores it.
  await clearPrecache(page);
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(status).toHaveAttribute('data-state', 'repaired', { timeout: 90_000 });
  expect(await precacheSize(page)).toBe(shellFiles);

  // And offline works again: nothing may reach the network, the service worker's fetches included.
  await context.setOffline(true);
  await context.route('**', (route) =>
    route.request().serviceWorker() ? route.abort('internetdisconnected') : route.continue(),
  );
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
  await expect(status).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  await context.setOffline(false);
});
