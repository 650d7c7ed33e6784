// Every explainer view on a phone (375 px) with reduced motion: each opens, shows its content within the
// screen's width (nothing scrolls sideways), and the inspector and the map still answer the keyboard.
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

test('at 375 px with reduced motion every view opens inside the screen', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page);
  await setControls(page, { prompt: 'The little girl', length: 16, steps: 4, temperature: 0.8, refine: 1 });
  await runToEnd(page);
  const noSideways = async (what: string) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth), what).toBeLessThanOrEqual(375);

  // The inspector, from the keyboard: focus a token, press i.
  await page.getByTestId('token').nth(3).focus();
  await page.keyboard.press('i');
  const inspector = page.getByTestId('slot-inspector');
  await expect(inspector.getByTestId('candidate').first()).toBeVisible();
  expect(await inspector.getByTestId('candidate').count()).toBeGreaterThanOrEqual(8);
  const box = (await page.getByTestId('inspector-temperature').boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  await noSideways('the inspector');

  await page.getByTestId('order-map-open').click();
  await expect(page.getByTestId('order-map')).toHaveAttribute('data-orientation', 'steps-across');
  await expect(page.getByTestId('order-cell')).toHaveCount(16);
  await noSideways('the order map');

  await page.getByTestId('objective-open').click();
  await expect(page.getByTestId('noise-level')).toBeVisible();
  await noSideways('the noise panel');

  await page.getByTestId('sweep-open').click();
  await expect(page.getByTestId('steps-sweep')).toBeVisible();
  await noSideways('the cost of steps');

  await page.getByTestId('tour-open').click();
  await expect(page.getByTestId('tour')).toBeVisible();
  await noSideways('the tour');
  // Reduced motion: nothing in the views animates.
  const moving = await page.evaluate(
    () =>
      document
        .getAnimations()
        .filter((a) => a.playState === 'running' && (a.effect as KeyframeEffect)?.target?.closest?.('.explain, .tour'))
        .length,
  );
  expect(moving).toBe(0);
});
