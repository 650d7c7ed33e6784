// A GPU that never answers (runs in the 'webgpu' project: Chromium with a SwiftShader adapter). The
// spec lets requestAdapter take its time, and browsers have shipped with requestDevice never resolving;
// before, either one held the load until the page's watchdog restarted it on the same GPU, where it hung
// again and the page gave up. Each is made to hang inside the engine worker, before the app's code runs.
import { expect, test } from './fixtures';
import { patchEngineScript, runToEnd, setControls } from './helpers';

test('an adapter request the browser never answers: the engine starts on WASM after 10 s and says why', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  await patchEngineScript(context, 'navigator.gpu.requestAdapter = () => new Promise(() => {});');
  await page.goto('/');
  const backend = page.getByTestId('backend');
  await expect(backend).toBeVisible({ timeout: 90_000 });
  await expect(backend.locator('.badge')).toHaveText('wasm');
  await expect(backend).toContainText('the browser did not answer the request for it within 10 s; using WASM');
  await expect(page.getByTestId('engine-note')).toHaveCount(0); // no restart was needed
  await setControls(page, { prompt: 'The king said', length: 4, steps: 2, refine: 0 });
  await runToEnd(page);
});

test('a GPU device that never comes: the engine is restarted on WASM and one thread, and the setting shows it', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  const engines = await patchEngineScript(context, 'GPUAdapter.prototype.requestDevice = () => new Promise(() => {});');
  await page.goto('/');
  await page.getByTestId('prompt').fill('Kept while the engine starts again');
  await expect(page.getByTestId('slow-start')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('engine-note')).toContainText('so it was restarted on WASM', { timeout: 75_000 });
  const backend = page.getByTestId('backend');
  await expect(backend).toBeVisible({ timeout: 60_000 });
  await expect(backend.locator('.badge')).toHaveText('wasm');
  await expect(page.getByTestId('threads')).toHaveText(/^\s*· 1 thread$/);
  await expect(page.getByTestId('backend-choice')).toHaveValue('wasm');
  expect(engines()).toBe(2);
  await expect(page.getByTestId('prompt')).toHaveValue('Kept while the engine starts again');
  await setControls(page, { length: 4, steps: 2, refine: 0 });
  await runToEnd(page);
});

test('a GPU pass that never returns, twice: restarted on WebGPU once, then on WASM, and the run works', async ({
  page,
  context,
}) => {
  test.setTimeout(300_000);
  // Reading a result back from the GPU hangs from the moment the page says so (a BroadcastChannel
  // reaches the live engine worker only), so the engine loads and warms up on the GPU first.
  const engines = await patchEngineScript(
    context,
    `if (self.GPUBuffer) {
      const map = GPUBuffer.prototype.mapAsync;
      let hang = false;
      new BroadcastChannel('e2e-gpu-hang').onmessage = () => { hang = true; };
      GPUBuffer.prototype.mapAsync = function (...a) { return hang ? new Promise(() => {}) : map.apply(this, a); };
    }`,
  );
  const backend = page.getByTestId('backend');
  const hangThenRun = async () => {
    await expect(backend.locator('.badge')).toHaveText('webgpu', { timeout: 90_000 });
    await page.evaluate(() => new BroadcastChannel('e2e-gpu-hang').postMessage('hang'));
    await page.getByTestId('generate').click();
  };
  await page.goto('/');
  await setControls(page, { prompt: 'Kept through two restarts', length: 8, steps: 16, refine: 0 });
  await hangThenRun();
  await expect(page.getByTestId('engine-note')).toContainText('stopped responding', { timeout: 60_000 });
  await expect(page.getByTestId('engine-note')).not.toContainText('WASM');
  await hangThenRun();
  const note = page.getByTestId('engine-note');
  await expect(note).toContainText('stopped responding again on WebGPU', { timeout: 60_000 });
  await expect(note).toContainText('restarted on WASM');
  await expect(backend.locator('.badge')).toHaveText('wasm', { timeout: 90_000 });
  await expect(page.getByTestId('backend-choice')).toHaveValue('wasm');
  expect(engines()).toBe(3);
  await expect(page.getByTestId('prompt')).toHaveValue('Kept through two restarts');
  await setControls(page, { length: 4, steps: 2 });
  await runToEnd(page);
});
