// The page holds still while it loads: on a phone, a first visit and a visit with everything cached
// each shift the layout by at most 0.1 (the sum of the layout-shift entries, as Lighthouse's CLS counts
// them: shifts right after user input are left out).
import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 412, height: 915 }, serviceWorkers: 'allow' });

async function watchShifts(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __shifts: { value: number; sources: string[] }[] };
    w.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as {
        value: number;
        hadRecentInput: boolean;
        sources?: { node?: Node }[];
      }[]) {
        if (e.hadRecentInput) continue;
        const sources = (e.sources ?? []).map((s) => {
          const el = s.node instanceof Element ? s.node : s.node?.parentElement;
          return el ? `${el.tagName.toLowerCase()}.${el.className}[${el.getAttribute('data-testid') ?? ''}]` : '?';
        });
        w.__shifts.push({ value: e.value, sources });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
}

async function settledShift(page: Page) {
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
  // Let the last notices appear and the fonts settle before reading the sum.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shifts = await page.evaluate(
    () => (window as unknown as { __shifts: { value: number; sources: string[] }[] }).__shifts,
  );
  const total = shifts.reduce((a, s) => a + s.value, 0);
  console.log(`layout shift ${total.toFixed(3)}:`, JSON.stringify(shifts));
  return total;
}

test('a first and a cached visit on a phone each shift the layout by at most 0.1', async ({ page }) => {
  await watchShifts(page);
  await page.goto('/');
  expect(await settledShift(page), 'first visit').toBeLessThanOrEqual(0.1);
  await page.reload();
  expect(await settledShift(page), 'cached visit').toBeLessThanOrEqual(0.1);
});

test('opening the explainer views on a phone shifts the layout by at most 0.1', async ({ page }) => {
  await watchShifts(page);
  await page.goto('/');
  await settledShift(page);
  await page.getByTestId('prompt').fill('The old woman');
  await page.getByTestId('length').fill('12');
  await page.getByTestId('steps').fill('4');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await page.evaluate(() => ((window as unknown as { __shifts: unknown[] }).__shifts.length = 0));
  // Each view's content arrives after its code and data load, past the input that opened it.
  await page.getByTestId('order-map-open').click();
  await expect(page.getByTestId('order-cell').first()).toBeVisible();
  await page.getByTestId('token').first().click(); // opens the inspector on it
  await expect(page.getByTestId('candidate').first()).toBeVisible();
  await page.getByTestId('objective-open').click();
  await expect(page.getByTestId('noise-loss')).toContainText('bits per hidden token', { timeout: 30_000 });
  await page.getByTestId('sweep-open').click();
  await expect(page.getByTestId('steps-sweep')).toBeVisible();
  await page.waitForTimeout(1000); // past the 500 ms that count as following the input
  expect(await settledShift(page), 'views opened').toBeLessThanOrEqual(0.1);
});
