// The rest of the page: the backend it says it uses, errors with Retry, settings during a run,
// the comparison, keyboard use and the 375 px layout.
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import {
  advance,
  countState,
  generatedText,
  openApp,
  resume,
  runToEnd,
  setControls,
  startHeld,
  stepCounter,
} from './helpers';

test('without WebGPU the app falls back to WASM and says why', async ({ page }) => {
  await openApp(page);
  const backend = page.getByTestId('backend');
  await expect(backend).toContainText('wasm');
  await expect(backend).not.toContainText(/^\s*webgpu/);
  // The reason names what was missing.
  await expect(backend).toContainText(/webgpu/i);
  // And the threads WASM runs on: several on a cross-origin isolated page with more than one core.
  const cores = await page.evaluate(() => (crossOriginIsolated ? navigator.hardwareConcurrency : 1));
  await expect(page.getByTestId('threads')).toHaveText(cores > 1 ? /^\s*· [2-9]\d* threads$/ : /^\s*· 1 thread$/);
});

test('a failed download shows the error and Retry loads the model, keeping the prompt', async ({ page, context }) => {
  await context.route('**/*.onnx', (route) => route.fulfill({ status: 503, body: 'unavailable' }));
  await page.goto('/');
  await page.getByTestId('prompt').fill('Do not lose me');
  await expect(page.getByTestId('engine-error')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('retry')).toBeVisible();
  await expect(page.getByTestId('generate')).toBeDisabled();

  await context.unroute('**/*.onnx');
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Do not lose me');
  await setControls(page, { length: 16, steps: 4 });
  await runToEnd(page);
});

test('a model download whose server never answers fails after 30 s as a stalled connection, and Retry loads it', async ({
  page,
  context,
}) => {
  test.setTimeout(150_000);
  // Held, never answered: the connection that stops sending without breaking. Before, only the page's
  // watchdog (60 s) noticed, and restarted the engine as if it had died.
  await context.route('**/*.onnx', () => undefined);
  await page.goto('/');
  await page.getByTestId('prompt').fill('Kept through a stalled download');
  await expect(page.getByTestId('engine-error')).toBeVisible({ timeout: 55_000 });
  await expect(page.getByTestId('engine-error-message')).toContainText(
    /the server sent nothing for 30 s when asked for \S*model\S*\.onnx \(the connection stalled\)/,
  );
  await expect(page.getByTestId('engine-error-action')).toHaveText('Check your connection and press Retry.');
  await expect(page.getByTestId('engine-note')).toHaveCount(0); // not taken for a dead engine
  await context.unroute('**/*.onnx');
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Kept through a stalled download');
  await setControls(page, { length: 6, steps: 3, refine: 0 });
  await runToEnd(page);
});

test('a corrupt model is reported as such, and a reload keeps what was typed', async ({ page, context }) => {
  // A complete download (the right size) of the wrong bytes: only the hash check can catch it.
  const bytes = (
    JSON.parse(readFileSync('models/unmask-small/config.json', 'utf8')) as {
      files: { 'model.onnx': { bytes: number } };
    }
  ).files['model.onnx'].bytes;
  await context.route('**/*.onnx', (route) => route.fulfill({ status: 200, body: Buffer.alloc(bytes, 7) }));
  await page.goto('/');
  await page.getByTestId('prompt').fill('Still here after a reload');
  await expect(page.getByTestId('engine-error')).toBeVisible({ timeout: 60_000 });
  // The corrupt-model message and its action, and nothing that belongs to a network failure.
  await expect(page.getByTestId('engine-error')).toContainText(
    /The downloaded file \S*model\S*\.onnx is damaged \(sha256/,
  );
  await expect(page.getByTestId('engine-error-action')).toHaveText(
    'The model file is damaged; press Retry to download it again.',
  );
  await expect(page.getByTestId('engine-error-message')).not.toContainText(/connection|network|browser/i);
  await context.unroute('**/*.onnx');
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Still here after a reload');
});

test('changing a control during a run says it applies to the next run, and the run keeps its own', async ({ page }) => {
  await openApp(page, '/?pace=manual');
  await setControls(page, { prompt: 'In the morning', length: 56, steps: 56, temperature: 0.8, seed: 21, refine: 0 });
  await startHeld(page);
  await page.getByTestId('temperature').fill('1.5');
  await expect(page.getByText('Changes apply to the next run; the current run keeps its settings.')).toBeVisible();
  expect(await stepCounter(page)).toEqual([0, 56]);
  // Scrub back to the start while it runs: the canvas stays there, the run goes on. A few steps
  // first: at step 0 the slider is already at its minimum and Home changes nothing.
  await advance(page, 3);
  await page.getByTestId('timeline').focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('timeline-step')).toHaveText('0');
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  expect(await stepCounter(page)).toEqual([56, 56]);
  expect(await countState(page, 'resolved')).toBe(0);
  await page.getByTestId('timeline-live').click();
  await expect(page.getByTestId('timeline-step')).toHaveText('56');
  expect(await countState(page, 'masked')).toBe(0);
  await expect(page.getByTestId('temperature')).toHaveValue('1.5');
  // The run kept temperature 0.8: the same seed at 0.8, untouched, gives the same text.
  const during = await generatedText(page);
  await setControls(page, { temperature: 0.8 });
  await runToEnd(page);
  expect(await generatedText(page)).toBe(during);
});

test('impossible values get a message and are clamped', async ({ page }) => {
  await openApp(page);
  await setControls(page, { length: 16, refine: 0 });
  await page.getByTestId('steps').fill('500');
  await expect(page.getByTestId('settings-warnings')).toContainText('16');
  await page.getByTestId('temperature').fill('-2');
  await page.getByTestId('temperature').blur();
  await expect(page.getByTestId('temperature')).toHaveValue('0');
  await expect(page.getByText(/Temperature -2 is negative/)).toBeVisible();
  await runToEnd(page);
  expect(await stepCounter(page)).toEqual([16, 16]);
});

test('compare runs diffusion order, then left to right, and shows both forward-pass counts', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'A bird', length: 24, steps: 6, temperature: 0.8, seed: 2, refine: 0 });
  await page.getByTestId('compare').click();
  await expect(page.getByTestId('ltr-passes')).toHaveText('24', { timeout: 90_000 });
  await expect(page.getByTestId('diffusion-passes')).toHaveText('6');
});

test('keyboard only: type, generate with Ctrl+Enter, inspect a token', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('length').fill('16');
  await page.getByTestId('steps').fill('4');
  await page.getByTestId('refine').fill('0');
  await page.getByTestId('prompt').focus();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Once there was');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  // One tab stop for the canvas; arrows move between tokens; focus shows the step and confidence.
  const first = page.locator('[data-testid="token"][tabindex="0"]');
  await expect(first).toHaveCount(1);
  await first.focus();
  await expect(page.getByTestId('inspector')).toContainText(/resolved at step [1-4] of 4, confidence \d+%/);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('inspector')).toContainText('Token');
  await expect(page.locator('[data-testid="token"]').nth(1)).toBeFocused();
  await expect(page.locator('[data-testid="token"]').nth(1)).toHaveAttribute('title', /resolved at step \d+ of 4/);
  // Every control the tests use has a label.
  for (const id of ['prompt', 'generate', 'stop', 'steps', 'temperature', 'seed', 'strategy', 'length', 'timeline']) {
    const name = await page.getByTestId(id).evaluate((el) => {
      const e = el as HTMLInputElement;
      return (e.labels?.[0]?.textContent ?? '') + (e.getAttribute('aria-label') ?? '') + (e.textContent ?? '');
    });
    expect(name.trim(), `label of ${id}`).not.toBe('');
  }
});

test('works at 375 px wide without sideways scrolling', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  await setControls(page, {
    prompt: 'Once upon a time there was a very long word: extraordinarily',
    length: 48,
    steps: 8,
  });
  await runToEnd(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // The finished canvas is in view with the quick bar's Generate; the main one is a scroll away.
  await expect(page.getByTestId('quick-generate')).toBeInViewport();
  await page.getByTestId('generate').scrollIntoViewIfNeeded();
  await expect(page.getByTestId('generate')).toBeInViewport();
  // The largest seed the dice can pick shows whole in its box, and its note stays on the screen.
  await page.getByTestId('seed').fill('4294967295');
  await page.getByTestId('seed').blur();
  expect(await page.getByTestId('seed').evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
  await page.getByTestId('seed').fill('1e20');
  await page.getByTestId('seed').blur();
  await expect(page.getByText(/is used as the 32-bit seed/)).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});

test('a worker that fails to start shows an error, and Retry starts a new one', async ({ page, context }) => {
  await context.route(/unmask\.worker-[^/]*\.js$/, (route) => route.fulfill({ status: 404, body: '' }));
  await page.goto('/');
  await page.getByTestId('prompt').fill('Typed before the crash');
  await expect(page.getByTestId('engine-error')).toContainText(/worker/i, { timeout: 60_000 });
  await context.unroute(/unmask\.worker-[^/]*\.js$/);
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Typed before the crash');
  await setControls(page, { length: 16, steps: 4 });
  await runToEnd(page);
});
