// What the device keeps: the picker shows the model stored (its files in the worker's cache), the
// page asked the browser once to keep it and says how much the app uses; Remove on the model in use
// asks first, frees its files (ORT's wasm stays), the model keeps working, and the next visit
// downloads it again.
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

const MODEL_CACHE = 'unmask-model-v1';
const ENGINE_CACHE = 'unmask-engine-v1';

test('the model is shown stored, removed after asking, and downloaded again on the next visit', async ({ page }) => {
  test.setTimeout(240_000);
  await page.addInitScript(() => {
    const w = window as unknown as { __persistCalls: number; __labels: string[] };
    // Counts persist() calls: the page asks once, after the download was stored.
    w.__persistCalls = 0;
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function () {
      w.__persistCalls++;
      return persist.call(this);
    };
    // Every loading label, so a short download cannot slip between two looks.
    w.__labels = [];
    new MutationObserver(() => {
      const label = document.querySelector('label[for="load-progress"]')?.textContent;
      if (label && w.__labels.at(-1) !== label) w.__labels.push(label);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const cacheUrls = (name: string) =>
    page.evaluate(async (n) => (await (await caches.open(n)).keys()).map((r) => new URL(r.url).pathname), name);
  const persistCalls = () => page.evaluate(() => (window as unknown as { __persistCalls: number }).__persistCalls);
  const labels = () => page.evaluate(() => (window as unknown as { __labels: string[] }).__labels);

  await openApp(page);
  await expect(page.getByTestId('load-status')).toContainText('downloaded');
  const stored = page.getByTestId('model-stored');
  await expect(stored).toHaveAttribute('data-stored', 'true');
  await expect(stored).toHaveText(/^Stored on this device \(\d+\.\d{1,2} MB\)$/);
  const line = page.getByTestId('storage-line');
  await expect(line).toHaveText(
    /^The app uses about \d+ MB on this device; (kept until you remove it|the browser may clear it when space runs low)\.$/,
  );
  // The line says what the browser answered to the one persist() the page sent.
  const persisted = await page.evaluate(() => navigator.storage.persisted());
  await expect(line).toHaveAttribute('data-persisted', String(persisted));
  expect(await persistCalls()).toBe(1);
  expect((await cacheUrls(MODEL_CACHE)).sort()).toEqual([
    expect.stringMatching(/\/model-[\w-]+\.onnx$/),
    expect.stringMatching(/\/tokenizer-[\w-]+\.json$/),
  ]);
  const wasm = await cacheUrls(ENGINE_CACHE);
  expect(wasm.length).toBeGreaterThan(0);

  // The model in use: the page asks first; Keep changes nothing.
  await page.getByTestId('model-remove').click();
  const confirm = page.getByTestId('model-remove-confirm');
  await expect(confirm).toContainText(
    /^Remove the model in use\? It keeps working until you reload; the next visit downloads it again \(\d+\.\d{1,2} MB\)\./,
  );
  await confirm.getByRole('button', { name: 'Keep' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(stored).toHaveAttribute('data-stored', 'true');

  await page.getByTestId('model-remove').click();
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(stored).toHaveAttribute('data-stored', 'false');
  await expect(page.getByTestId('model-removed')).toHaveText(
    /^Removed unmask-small from this device\. It keeps working until you reload; the next visit downloads it again\.$/,
  );
  await expect(page.getByTestId('model-remove')).toHaveCount(0);
  expect(await cacheUrls(MODEL_CACHE)).toEqual([]);
  expect(await cacheUrls(ENGINE_CACHE)).toEqual(wasm);
  // It keeps working on this page.
  await setControls(page, { length: 8, steps: 4 });
  await runToEnd(page);

  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  expect(await labels()).toContainEqual(
    expect.stringMatching(/^Downloading the model \(unmask-small\) — [\d.]+ of [\d.]+ MB$/),
  );
  await expect(page.getByTestId('load-status')).toContainText('downloaded');
  await expect(stored).toHaveAttribute('data-stored', 'true');
  expect(await persistCalls()).toBe(1);
});
