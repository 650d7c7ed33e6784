// The adaptive schedule with the real model: a step commits every slot the model is sure of, so the
// run takes as many forward passes as it needs, and the page says how many slots each step committed.
import { expect, test } from '@playwright/test';
import { openApp, runToEnd, setControls, stepCounter } from './helpers';

const LENGTH = 24;

async function adaptiveRun(page: import('@playwright/test').Page, threshold: number) {
  await page.getByTestId('schedule').selectOption('adaptive');
  await page.getByTestId('threshold').fill(String(threshold));
  await runToEnd(page);
  const counts = (await page.getByTestId('commit-counts').getAttribute('data-counts'))!.split(',').map(Number);
  return counts;
}

test('threshold 0 commits every slot in one pass; a real threshold takes as many passes as it needs', async ({
  page,
}) => {
  await openApp(page);
  await setControls(page, { prompt: 'The old house stood', length: LENGTH, steps: LENGTH, temperature: 0, refine: 0 });

  const all = await adaptiveRun(page, 0);
  expect(all).toEqual([LENGTH]);
  expect(await stepCounter(page)).toEqual([1, 1]);
  await expect(page.getByTestId('forward-passes')).toHaveText('1');

  const counts = await adaptiveRun(page, 0.5);
  // Every slot once (no refinement), at least one per step, within the budget of LENGTH steps.
  expect(counts.reduce((a, b) => a + b, 0)).toBe(LENGTH);
  expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
  expect(counts.length).toBeLessThanOrEqual(LENGTH);
  // The run ends where its last slot resolved: the announced total shrinks to the steps taken.
  expect(await stepCounter(page)).toEqual([counts.length, counts.length]);
  await expect(page.getByTestId('forward-passes')).toHaveText(String(counts.length));
  await expect(page.getByTestId('token').and(page.locator('[data-state="masked"]'))).toHaveCount(0);

  // The timeline names the shown step's count.
  await page.getByTestId('timeline').fill('1');
  await expect(page.getByTestId('timeline-phase')).toContainText(`committed ${counts[0]}`);
});

test('the threshold is checked like any setting: out of range is clamped and said', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('schedule').selectOption('adaptive');
  await page.getByTestId('threshold').fill('1.7');
  await page.getByTestId('threshold').blur();
  await expect(page.getByTestId('threshold')).toHaveValue('1');
  await expect(page.getByText(/Sure at 1\.7 is above 1/).first()).toBeVisible();
});
