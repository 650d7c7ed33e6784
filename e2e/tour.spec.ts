// The guided tour in the real app: offered once on a first visit, each step opens and outlines its live
// view, Escape closes the tour and leaves a held run going (a second Escape stops it, as before), and
// after a reload there is no offer and "Take the tour" resumes at the step it was closed at.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openApp, seriousViolations, startHeld } from './helpers';

const STEPS = 10;

async function expectStep(page: Page, k: number) {
  await expect(page.getByTestId('tour-count')).toHaveText(`Step ${k} of ${STEPS}`);
  const outlined = page.locator('.tour-target');
  await expect(outlined).toHaveCount(1);
  await expect(outlined).toBeVisible();
  await expect(outlined).toBeInViewport();
}

test('the tour is offered once, walks the live views, closes on Escape without stopping a run, and resumes', async ({
  page,
}) => {
  await openApp(page, '/?pace=manual');
  await expect(page.getByTestId('tour-offer')).toBeVisible();
  // One way in: the offer explains, the button beside it starts.
  await expect(page.locator('.tour-line').getByRole('button')).toHaveText(['Take the tour', 'No thanks']);
  await page.getByTestId('tour-open').click();

  const tour = page.getByRole('dialog', { name: 'A canvas of noise' });
  await expect(tour).toBeVisible();
  await expect(tour).toHaveAccessibleDescription(/masked slots/);
  await expect(page.getByTestId('tour')).toBeFocused();
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await expect(page.getByTestId('tour-back')).toBeDisabled();
  await expectStep(page, 1);
  await expect(page.locator('.tour-target')).toHaveAttribute('data-testid', 'canvas');
  expect(await seriousViolations(page), 'axe with the tour open').toEqual([]);

  for (let k = 2; k <= STEPS; k++) {
    await page.getByTestId('tour-next').click();
    await expectStep(page, k);
  }
  // The test contract's tour-next stays the primary button; at the last step it says Finish.
  await expect(page.getByTestId('tour-next')).toHaveText('Finish');
  await expect(page.getByTestId('tour-next')).toHaveAttribute('data-last', 'true');
  // The steps opened their views: the training objective, the order map, the cost of steps, the
  // fill-in-the-blanks mode.
  await expect(page.getByTestId('objective-open')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('details:has([data-testid="order-map-open"])')).toHaveAttribute('open', '');
  await expect(page.getByTestId('sweep-open')).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('mode-fill')).toBeChecked();

  // Back to step 7 (templates and re-imagine), which outlines the text box.
  for (let k = STEPS - 1; k >= 6; k--) {
    await page.getByTestId('tour-back').click();
    await expectStep(page, k);
  }
  await page.getByTestId('tour-next').click();
  await expectStep(page, 7);
  await expect(page.locator('.tour-target')).toHaveAttribute('data-testid', 'prompt');

  // Non-modal: a run starts with the tour open, and Escape closes the tour, not the run.
  await startHeld(page);
  await page.getByTestId('tour').focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.locator('.tour-target')).toHaveCount(0);
  await expect(page.getByTestId('tour-open')).toBeFocused();
  await expect(page.getByTestId('run-status')).toHaveText(/^Running/);
  // With no dialog open, Escape stops the run as it always has.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);

  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('tour-open')).toBeVisible();
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await page.getByTestId('tour-open').click();
  await expectStep(page, 7);
  await page.getByTestId('tour-restart').click();
  await expectStep(page, 1);
  await expect(page.getByTestId('tour-next')).toBeFocused();
  await page.getByTestId('tour-close').click();
  await expect(page.getByTestId('tour')).toHaveCount(0);
});

test('No thanks puts the offer away for good', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('tour-dismiss').click();
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('tour-offer')).toHaveCount(0);
  await page.getByTestId('tour-open').click();
  await expectStep(page, 1);
  // By keyboard: Enter on Next and Back, focus kept in the dialog; Finish at the end starts it afresh.
  await page.getByTestId('tour-next').focus();
  await page.keyboard.press('Enter');
  await expectStep(page, 2);
  await page.getByTestId('tour-back').focus();
  await page.keyboard.press('Enter');
  await expectStep(page, 1);
  await expect(page.getByTestId('tour-next')).toBeFocused();
  for (let k = 2; k <= STEPS; k++) await page.keyboard.press('Enter');
  await expectStep(page, STEPS);
  await expect(page.getByTestId('tour-next')).toHaveText('Finish');
  await expect(page.getByTestId('tour-next')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('tour')).toHaveCount(0);
  await expect(page.getByTestId('tour-open')).toBeFocused();
  await page.getByTestId('tour-open').click();
  await expectStep(page, 1);
});
