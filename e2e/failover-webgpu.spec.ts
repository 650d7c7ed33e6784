// A GPU pass that fails mid-run (runs in the 'webgpu' project: Chromium with a SwiftShader adapter).
// WASM takes the run over; afterwards the page must be ready, not "starting the engine": the session
// opened for the takeover once reported a load's progress, which left every button off for good.
import { expect, test } from './fixtures';
import { patchEngineScript, runToEnd, setControls } from './helpers';

test('a GPU pass that fails mid-run: WASM takes over, the run ends, and the page is ready for the next', async ({
  page,
  context,
}) => {
  test.setTimeout(240_000);
  // Reading results back from the GPU fails from the moment the page says so (after the GPU warm-up).
  await patchEngineScript(
    context,
    `if (self.GPUBuffer) {
      const map = GPUBuffer.prototype.mapAsync;
      let fail = false;
      new BroadcastChannel('e2e-gpu-fail').onmessage = () => { fail = true; };
      GPUBuffer.prototype.mapAsync = function (...a) {
        return fail ? Promise.reject(new Error('e2e: the GPU pass failed')) : map.apply(this, a);
      };
    }`,
  );
  await page.goto('/');
  const backend = page.getByTestId('backend');
  await expect(backend.locator('.badge')).toHaveText('webgpu', { timeout: 90_000 });
  await setControls(page, { prompt: 'The king said', length: 8, steps: 4, refine: 0 });
  await page.evaluate(() => new BroadcastChannel('e2e-gpu-fail').postMessage('fail'));
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 120_000 });
  await expect(page.locator('.engine .notice')).toContainText('The model now runs on WASM (slower); the run goes on.');
  await expect(backend.locator('.badge')).toHaveText('wasm');
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  await expect(page.getByTestId('generate')).toBeEnabled();
  await runToEnd(page);
  await expect(backend.locator('.badge')).toHaveText('wasm');
});
