// A download the user cancels: the page shows the size first and a Cancel while it runs; after the
// cancel nothing loads until they ask, the prompt is kept, and Download again brings the model.
import { test, expect } from './fixtures';
import { runToEnd, setControls } from './helpers';

test('the model download can be cancelled and started again', async ({ page, context }) => {
  // The model file never arrives until the route is lifted: the download stays under way.
  let held = 0;
  await context.route('**/*.onnx', () => void held++);
  await page.goto('/');
  await page.getByTestId('prompt').fill('Keep me while it downloads');
  await expect(page.getByTestId('cancel-download')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => held).toBeGreaterThan(0);
  await page.getByTestId('cancel-download').click();
  await expect(page.getByTestId('engine-cancelled')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('engine-cancelled')).toContainText('stay on this device');
  await expect(page.getByTestId('download-again')).toHaveText(/Download the model \([0-9.]+ MB\)/);
  await expect(page.getByTestId('generate')).toBeDisabled();

  await context.unroute('**/*.onnx');
  await page.getByTestId('download-again').click();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Keep me while it downloads');
  await setControls(page, { length: 12, steps: 4, refine: 0 });
  await runToEnd(page);
});

test('before its first byte the page says how large the download is', async ({ page, context }) => {
  // Nothing of the model arrives (the tokenizer included: its first byte would start the bar).
  await context.route('**/*.onnx', () => undefined);
  await context.route('**/*.wasm', () => undefined);
  await context.route('**/tokenizer-*.json', () => undefined);
  await page.goto('/');
  await expect(page.getByTestId('download-size')).toHaveText(/unmask-small: [0-9.]+ MB to download/, {
    timeout: 60_000,
  });
});
