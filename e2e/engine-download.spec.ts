// ORT's wasm is downloaded by the worker like the model (src/runtime/wasmBinary.ts): when that
// download fails, the app names the network (not the browser) and Retry loads it.
import { test, expect } from './fixtures';
import { setControls, runToEnd } from './helpers';

test('a failed wasm download names the network, and Retry loads the engine', async ({ page, context }) => {
  let refused = 0;
  await context.route('**/*.wasm', (route) => {
    refused++;
    return route.abort('internetdisconnected');
  });
  await page.goto('/');
  await page.getByTestId('prompt').fill('The wind');
  const error = page.getByTestId('engine-error');
  await expect(error).toContainText(/Downloading ort-wasm\S*\.wasm failed: the network could not be reached/, {
    timeout: 90_000,
  });
  await expect(error).not.toContainText(/cannot run in this browser|Aborted|RuntimeError/);
  expect(refused).toBeGreaterThan(0);

  await context.unroute('**/*.wasm');
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend')).toContainText('wasm', { timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('The wind');
  await setControls(page, { length: 16, steps: 4, seed: 1 });
  await runToEnd(page);
});
