// The order map (issue: see why it writes what it writes): one cell per generated token at the step it
// last resolved, loaded only when opened; clicking a cell moves the timeline to that step.
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

test('the order map shows every generated token at its step, and a click moves the timeline there', async ({
  page,
}) => {
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/OrderMap-[\w-]+\.js$/.test(r.url())) chunks.push(r.url());
  });
  await openApp(page);
  await setControls(page, { prompt: 'The king said', length: 12, steps: 4, temperature: 0, refine: 0 });
  await runToEnd(page);
  expect(chunks, 'the view loads only when opened').toEqual([]);
  await page.getByTestId('order-map-open').click();
  const cells = page.getByTestId('order-cell');
  await expect(cells).toHaveCount(12);
  expect(chunks).toHaveLength(1);
  const cellFacts = await cells.evaluateAll((els) =>
    els.map((e) => [Number(e.getAttribute('data-position')), Number(e.getAttribute('data-step'))]),
  );
  // Every step of a 4-step run wrote something, and each cell names a generated token of the canvas.
  expect(new Set(cellFacts.map(([, s]) => s))).toEqual(new Set([1, 2, 3, 4]));
  const generated = await page
    .locator('[data-testid="canvas"] [data-index]:not([data-state="given"])')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  for (const [position] of cellFacts) expect(generated).toContain(position);
  const [, firstStep] = cellFacts.find(([, s]) => s === 2)!;
  await cells
    .filter({ has: page.locator('xpath=self::*[@data-step="2"]') })
    .first()
    .click();
  await expect(page.getByTestId('timeline-step')).toHaveText(String(firstStep));
});

test('Play watches a finished run again, step by step, and stops at its end', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'Once upon a time', length: 8, steps: 4, temperature: 0, refine: 0 });
  await runToEnd(page);
  const step = page.getByTestId('timeline-step');
  await expect(step).toHaveText('4');
  await page.getByTestId('timeline-speed').selectOption('1');
  await page.getByTestId('timeline-play').click();
  await expect(step).toHaveText('0'); // from the start
  await expect(page.getByTestId('timeline-play')).toHaveText('Pause');
  await expect(step).toHaveText('1', { timeout: 5_000 });
  await expect(step).toHaveText('2', { timeout: 5_000 });
  await page.getByTestId('timeline-play').click(); // pause
  await expect(page.getByTestId('timeline-play')).toHaveText('Play');
  const paused = await step.textContent();
  await page.getByTestId('timeline-speed').selectOption('8');
  await page.getByTestId('timeline-play').click(); // resume from where it was paused
  await expect(step).toHaveText('4', { timeout: 5_000 });
  await expect(page.getByTestId('timeline-play')).toHaveText('Play');
  expect(Number(paused)).toBeGreaterThanOrEqual(2);
});
