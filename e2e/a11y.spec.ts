// Accessibility: axe-core on every screen the app has (loading, ready, running, done, an engine
// error, settings warnings, the model picker), and keyboard focus through a run: a run started from
// the keyboard hands focus to Stop, and its end hands it back to Generate.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { advance, openApp, resume, seriousViolations, setControls, startHeld } from './helpers';
import { startTwoModelBuild, type TwoModelBuild } from './twoModelBuild';

type Paced = Window & { __unmaskPace?: { step(n?: number): void; resume(): void } };

async function expectNoSerious(page: Page, screen: string) {
  expect(await seriousViolations(page), `axe on the ${screen} screen`).toEqual([]);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

test('axe finds nothing serious while loading, ready, running, done, and with settings warnings', async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  // The model download waits until the loading screen has been checked.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await context.route('**/*.onnx', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/?backend=wasm&pace=manual');
  await expect(page.getByTestId('engine-loading')).toBeVisible();
  await expectNoSerious(page, 'loading');
  release();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expectNoSerious(page, 'ready');

  // Held mid-run (a held run is silent: the watchdog allows 30 s), resolved and masked slots both shown.
  await setControls(page, { prompt: 'Once upon a time', length: 16, steps: 8, refine: 0 });
  await startHeld(page);
  await advance(page, 3);
  await expectNoSerious(page, 'running');
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expectNoSerious(page, 'done');

  // An impossible value: more steps than masked tokens.
  await page.getByTestId('steps').fill('500');
  await expect(page.getByTestId('settings-warnings')).toContainText('500 steps for 16 masked tokens');
  await expectNoSerious(page, 'settings warnings');
});

test('axe finds nothing serious on an engine error', async ({ page, context }) => {
  await context.route('**/*.onnx', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('engine-error')).toBeVisible({ timeout: 60_000 });
  await expectNoSerious(page, 'engine error');
});

test.describe('with two models', () => {
  const PORT = 4192;
  let build: TwoModelBuild | null = null;
  test.use({ baseURL: `http://localhost:${PORT}` });
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    build = await startTwoModelBuild(PORT);
  });
  test.afterAll(() => build?.stop());

  test('axe finds nothing serious on the model picker', async ({ page }) => {
    await openApp(page, '/?backend=wasm');
    await expect(page.getByTestId('model-picker').getByRole('radio')).toHaveCount(2);
    await expectNoSerious(page, 'model picker');
  });
});

test('a run started from the keyboard moves focus to Stop, and its end brings it back to Generate', async ({
  page,
}) => {
  await openApp(page, '/?backend=wasm&pace=manual');
  await setControls(page, { prompt: 'The owl', length: 8, steps: 4, refine: 0 });
  const generate = page.getByTestId('generate');

  // Enter on Generate, then Enter on Stop.
  await generate.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('step-counter')).toHaveText('step 0 / 4');
  await expect(page.getByTestId('stop')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
  await expect(generate).toBeFocused();

  // Space on Generate, then the run ends by itself.
  await page.keyboard.press('Space');
  await expect(page.getByTestId('stop')).toBeFocused();
  await page.evaluate(() => (window as Paced).__unmaskPace!.step(4));
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);
  await expect(generate).toBeFocused();

  // A user who moved on to a field keeps it when the run ends.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('stop')).toBeFocused();
  await page.getByTestId('prompt').focus();
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);
  expect(await focused(page)).toBe('prompt');

  // Ctrl+Enter in the prompt runs without taking focus from it.
  const before = await page.getByTestId('canvas').getAttribute('data-run-id');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('canvas')).not.toHaveAttribute('data-run-id', before ?? '');
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);
  await expect(page.getByTestId('prompt')).toBeFocused();
});

test('axe finds nothing serious with the order map and the replay controls open', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await page.getByTestId('prompt').fill('The old woman');
  await page.getByTestId('length').fill('12');
  await page.getByTestId('steps').fill('4');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await page.getByTestId('order-map-open').click();
  await expect(page.getByTestId('order-cell').first()).toBeVisible();
  await expectNoSerious(page, 'order map');
});
