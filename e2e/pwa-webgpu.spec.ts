// Runs only in the 'webgpu' project (its name ends in webgpu.spec.ts): a device with a WebGPU adapter
// (SwiftShader here) runs ORT's WebGPU build and downloads its wasm only. WASM chosen in the settings
// restarts the engine on the plain WASM build, whose wasm is then downloaded once; both stay stored,
// so offline either backend still loads.
import { test, expect } from './fixtures';
import { openApp } from './helpers';

test.use({ serviceWorkers: 'allow' });

test('a backend switch downloads the other build once, and offline both backends load', async ({ page, context }) => {
  test.setTimeout(300_000);
  const wasmFetched: string[] = [];
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) wasmFetched.push(path.replace(/^.*\//, ''));
  });
  const backend = page.getByTestId('backend');
  const choose = async (choice: 'auto' | 'wasm', want: RegExp) => {
    const select = page.getByTestId('backend-choice');
    // The backend is under the settings' "Advanced" fold.
    if (!(await select.isVisible())) await page.getByText('Advanced', { exact: true }).click();
    await select.selectOption(choice);
    await expect(backend).toContainText(want, { timeout: 120_000 });
  };

  await openApp(page);
  await expect(backend).toContainText(/^\s*webgpu/, { timeout: 120_000 });
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  expect(wasmFetched.map((f) => f.replace(/-[^-.]+\.wasm$/, '.wasm'))).toEqual([
    'ort-wasm-simd-threaded.asyncify.wasm',
  ]);

  await choose('wasm', /^\s*wasm/);
  await choose('auto', /^\s*webgpu/);
  expect(wasmFetched.map((f) => f.replace(/-[^-.]+\.wasm$/, '.wasm'))).toEqual([
    'ort-wasm-simd-threaded.asyncify.wasm',
    'ort-wasm-simd-threaded.wasm',
  ]);

  // Offline, the service worker's own fetches cut off too: each build comes from the caches.
  await context.setOffline(true);
  await context.route('**', (route) =>
    route.request().serviceWorker() ? route.abort('internetdisconnected') : route.continue(),
  );
  await page.reload();
  await expect(backend).toContainText(/^\s*webgpu/, { timeout: 120_000 });
  await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
  await choose('wasm', /^\s*wasm/);
  await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
  await expect(page.getByTestId('engine-error')).toHaveCount(0);
  await context.setOffline(false);
});
