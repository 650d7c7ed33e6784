// The cost of steps with the real model: the form's prompt at 4 to 64 steps, adaptive and left to right,
// one row each with its forward passes, the page's quality measures and a chart point; Cancel stops it.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openApp, seriousViolations, setControls } from './helpers';

const LENGTH = 16;
const ROWS = 7;

type Paced = Window & { __unmaskPace?: { step(n?: number): void } };

async function openSweep(page: Page) {
  await setControls(page, { prompt: 'The old house stood', length: LENGTH, seed: 7, refine: 0 });
  await page.getByTestId('sweep-open').click();
  await expect(page.getByTestId('steps-sweep')).toBeEnabled();
}

test('one row per configuration, passes as asked (clamped to the masked count), a point each', async ({ page }) => {
  await openApp(page);
  await openSweep(page);
  const words = page.waitForResponse((r) => /words.*\.txt$/.test(r.url()));
  await page.getByTestId('steps-sweep').click();
  expect((await words).ok()).toBe(true);
  await expect(page.getByTestId('sweep-progress')).toHaveText(`Done: ${ROWS} runs.`, { timeout: 120_000 });

  const rows = page.getByTestId('sweep-row');
  await expect(rows).toHaveCount(ROWS);
  const facts = await rows.evaluateAll((els) =>
    els.map((e) => [
      e.getAttribute('data-kind'),
      Number(e.getAttribute('data-steps')),
      Number(e.getAttribute('data-passes')),
    ]),
  );
  expect(facts.slice(0, 5)).toEqual([4, 8, 16, 32, 64].map((s) => ['steps', s, Math.min(s, LENGTH)]));
  const [adaptive, ltr] = facts.slice(5);
  expect(adaptive[0]).toBe('adaptive');
  expect(adaptive[1]).toBe(LENGTH);
  expect(adaptive[2]).toBeGreaterThanOrEqual(1);
  expect(adaptive[2]).toBeLessThanOrEqual(LENGTH);
  expect(ltr).toEqual(['left-to-right', LENGTH, LENGTH]);
  await expect(rows.nth(3)).toContainText('clamped to 16');

  for (const t of await page.getByTestId('sweep-text').allTextContents()) expect(t.trim().length).toBeGreaterThan(0);
  // Both measures are numbers once the word list is in.
  for (const id of ['sweep-invented', 'sweep-repeated']) {
    for (let k = 0; k < ROWS; k++) await expect(page.getByTestId(id).nth(k)).toHaveText(/^\d+\.\d %$/);
  }
  await expect(page.getByTestId('sweep-chart').getByTestId('sweep-point')).toHaveCount(ROWS);
  await expect(page.getByTestId('sweep-chart').locator('circle')).toHaveCount(ROWS);

  expect(await seriousViolations(page, '.sweep')).toEqual([]);
  if (process.env.SWEEP_SHOT) await page.locator('.sweep').screenshot({ path: process.env.SWEEP_SHOT });
});

test('Cancel stops the sweep and the run under way', async ({ page }) => {
  await openApp(page, '/?pace=manual');
  await openSweep(page);
  await page.getByTestId('steps-sweep').click();
  await expect(page.getByTestId('sweep-progress')).toHaveText(/^Running row 1 of 7/);
  await expect(page.getByTestId('step-counter')).toHaveText('step 0 / 4');
  await page.evaluate(() => (window as Paced).__unmaskPace!.step(4));
  await expect(page.getByTestId('sweep-row').first()).toHaveAttribute('data-passes', '4');
  await expect(page.getByTestId('sweep-progress')).toHaveText(/^Running row 2 of 7/);
  await expect(page.getByTestId('step-counter')).toHaveText('step 0 / 8');

  await page.getByTestId('sweep-cancel').click();
  await expect(page.getByTestId('sweep-progress')).toHaveText('Stopped at row 2 of 7 (8 steps).');
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
  await expect(page.getByTestId('sweep-cancel')).toBeDisabled();
  await expect(page.getByTestId('steps-sweep')).toBeEnabled();
  const passes = await page
    .getByTestId('sweep-row')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-passes')));
  expect(passes).toEqual(['4', '', '', '', '', '', '']);
  await expect(page.getByTestId('sweep-chart').getByTestId('sweep-point')).toHaveCount(1);
});
