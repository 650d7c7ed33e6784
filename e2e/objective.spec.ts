// How it learned (issue 18 §3) with the real model: a validation passage masked at the slider's t by
// the seeded draw, one forward pass, the loss at t against the pipeline's own number for the same draw
// (fixtures/objective_cases.json), and the loss over t integrating to the pipeline's bound; Cancel stops
// the curve; a run holds the panel's pass until it ends.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openApp, runToEnd, seriousViolations, setControls } from './helpers';
import { noisePassages as passages, objectiveFixture as fixture } from './objectiveFixture';
import { noiseMask } from '../src/engine/objective';

async function openPanel(page: Page) {
  await page.getByTestId('objective-open').click();
  await expect(page.getByTestId('noise-token')).toHaveCount(passages[0].ids.length, { timeout: 30_000 });
}

async function setNoise(page: Page, t: number) {
  await page.getByTestId('noise-level').fill(String(t));
}

const masked = (page: Page) => page.locator('[data-testid="noise-token"][data-state="masked"]');

test('the seeded draw masks the slots the engine names; the loss is the pipeline’s on the same draw', async ({
  page,
}) => {
  await openApp(page);
  await openPanel(page);
  const c = fixture.cases.find((x) => x.passage === 0 && x.draw === 0)!;
  for (let s = 1; s < c.seed; s++) await page.getByTestId('noise-redraw').click();
  await setNoise(page, c.t);
  const want = noiseMask(passages[0].ids.length, c.t, c.seed);
  await expect(masked(page)).toHaveCount(want.reduce((a, b) => a + b, 0));
  const states = await page.getByTestId('noise-token').evaluateAll((els) => els.map((e) => e.dataset.state));
  expect(states).toEqual(Array.from(want, (m) => (m ? 'masked' : 'visible')));
  const loss = page.getByTestId('noise-loss');
  await expect(loss).toContainText('bits per hidden token', { timeout: 30_000 });
  const bits = Number(/: ([\d.]+) bits per hidden token/.exec((await loss.textContent()) ?? '')![1]);
  expect(Math.abs(bits - c.bits_per_masked_token)).toBeLessThanOrEqual(0.006); // shown to 2 decimals
  // Every hidden slot now shows a guess, coloured by p(true token).
  await expect(masked(page).first()).toHaveAttribute('title', /true token .* had p /);

  // The ends of the slider: nothing hidden, then everything.
  await setNoise(page, 0);
  await expect(masked(page)).toHaveCount(0);
  await expect(loss).toContainText('Nothing is hidden');
  await setNoise(page, 1);
  await expect(masked(page)).toHaveCount(passages[0].ids.length);
  await expect(loss).toContainText('bits per hidden token', { timeout: 30_000 });
  expect(await seriousViolations(page, '.objective-panel')).toEqual([]);
});

test('the loss over t: progress, cancel, and the bound the pipeline computes on the same draws', async ({ page }) => {
  await openApp(page);
  await openPanel(page);
  const run = page.getByTestId('noise-curve-run');
  await run.click();
  await expect(page.getByTestId('noise-curve-cancel')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Forward pass' })).toBeVisible();
  await page.getByTestId('noise-curve-cancel').click();
  await expect(page.getByText('Stopped: Cancelled.')).toBeVisible();
  await expect(run).toBeEnabled();

  await run.click();
  await expect(page.getByText(/^Done: 10 values of t/)).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('noise-curve')).toHaveAttribute('data-points', '10');
  const text = (await page.getByTestId('noise-bound').textContent()) ?? '';
  const bpb = Number(/([\d.]+) bits per byte on these/.exec(text)![1]);
  expect(Math.abs(bpb - fixture.panel.bits_per_byte)).toBeLessThanOrEqual(0.002); // shown to 3 decimals
  expect(text).toMatch(/The model card: [\d.]+ bits per byte/);
});

test('the panel’s passes never change a run: the same seed writes the same text after them', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'The old house stood', length: 24, steps: 8, seed: 3 });
  await runToEnd(page);
  const before = await page.getByTestId('output').textContent();
  await openPanel(page);
  await setNoise(page, 0.6);
  await expect(page.getByTestId('noise-loss')).toContainText('bits per hidden token', { timeout: 30_000 });
  await runToEnd(page);
  expect(await page.getByTestId('output').textContent()).toBe(before);
});

test('by keyboard at 375 px: the panel opens, the slider moves by arrow keys, nothing scrolls sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  await page.getByTestId('objective-open').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('noise-token')).toHaveCount(passages[0].ids.length, { timeout: 30_000 });
  const slider = page.getByTestId('noise-level');
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await expect(slider).toHaveValue('0.41');
  await expect(page.getByTestId('noise-loss')).toContainText('t = 0.41', { timeout: 30_000 });
  await page.getByTestId('noise-curve').scrollIntoViewIfNeeded();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('a backend change while the loss over t runs stops it with why, and it runs again after', async ({ page }) => {
  await openApp(page, '/?backend=wasm');
  await openPanel(page);
  const run = page.getByTestId('noise-curve-run');
  await run.click();
  await expect(page.getByRole('status').filter({ hasText: 'Forward pass' })).toBeVisible();
  await page.getByText('Advanced', { exact: true }).click();
  await page.getByTestId('backend-choice').selectOption('auto');
  // The reload answers none of the passes it found owed: the curve says so instead of waiting forever.
  await expect(page.getByText(/^Stopped: The engine reloaded .* before it answered\. Run it again\./)).toBeVisible();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(run).toBeEnabled();
  await run.click();
  await expect(page.getByRole('status').filter({ hasText: 'Forward pass' })).toBeVisible();
  await page.getByTestId('noise-curve-cancel').click();
  await expect(page.getByText('Stopped: Cancelled.')).toBeVisible();
});
