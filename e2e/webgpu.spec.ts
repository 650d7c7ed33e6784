// Runs only in the 'webgpu' project (Chromium with --enable-unsafe-webgpu: a SwiftShader adapter,
// about a second per forward pass, so the run is short).
import { test, expect } from './fixtures';
import { generatedText, openApp, runToEnd, setControls } from './helpers';

const settings = { prompt: 'The cat', length: 8, steps: 3, temperature: 0, seed: 1 };

test('runs on WebGPU, and greedy text matches the WASM backend', async ({ page }) => {
  test.setTimeout(300_000);
  // Automatic choice: an adapter exists (SwiftShader, software) and the warm-up passes, so the
  // app picks WebGPU and says that this adapter runs on the CPU.
  await openApp(page);
  await expect(page.getByTestId('backend')).toContainText(/^\s*webgpu/);
  await expect(page.getByTestId('backend')).toContainText(/Software WebGPU adapter found/);
  await setControls(page, settings);
  await runToEnd(page);
  const gpu = await generatedText(page);
  expect(gpu.split('|')).toHaveLength(8);

  await openApp(page, '/?backend=wasm');
  await expect(page.getByTestId('backend')).toContainText(/^\s*wasm/);
  await setControls(page, settings);
  await runToEnd(page);
  expect(await generatedText(page)).toBe(gpu);
});
