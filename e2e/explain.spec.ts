// The order map (issue: see why it writes what it writes): one cell per generated token at the step it
// last resolved, loaded only when opened; clicking a cell moves the timeline to that step.
import { test, expect } from './fixtures';
import { advance, openApp, resume, runToEnd, seriousViolations, setControls, startHeld } from './helpers';

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

test('the order map marks the given text, refinement re-masks, the left-to-right diagonal and both charts', async ({
  page,
}) => {
  await openApp(page);
  await setControls(page, { prompt: 'The king said', length: 12, steps: 4, temperature: 0, refine: 2 });
  await runToEnd(page);
  await page.getByTestId('order-map-open').click();
  const map = page.getByTestId('order-map');
  await expect(map.getByTestId('order-cell')).toHaveCount(12); // loaded and drawn
  // The prompt comes first: every position before the first generated token is given.
  const generated = await page
    .getByTestId('token')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  expect(generated).toHaveLength(12);
  const given = [...Array(Math.min(...generated)).keys()];
  expect(given.length).toBeGreaterThan(0);
  await expect(page.getByTestId('prompt-token').first()).toHaveAttribute('data-index', '0');
  // The prompt is a grey band of its own in both maps (this run's and the diagonal's).
  const bands = await map
    .getByTestId('order-given')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-position'))));
  expect(bands).toEqual([...given, ...given]);
  // Two rounds of refinement re-mask 20 % of 12 tokens each: crosses where a resolution was undone, at
  // a step before the one the token finally resolved at.
  const cells = await map
    .getByTestId('order-cell')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-position')), Number(e.getAttribute('data-step'))]),
    );
  expect(cells).toHaveLength(12);
  const undone = await map
    .getByTestId('order-undone')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-position')), Number(e.getAttribute('data-step'))]),
    );
  expect(undone.length).toBeGreaterThanOrEqual(2);
  const last = new Map(cells.map(([p, s]) => [p, s]));
  for (const [p, s] of undone) expect(last.get(p)!).toBeGreaterThan(s);
  const total = Number((await page.getByTestId('step-counter').textContent())!.match(/\/ (\d+)/)![1]);
  expect(Math.max(...cells.map(([, s]) => s))).toBeGreaterThan(4); // refinement steps come after the 4
  // The diagonal: the same 12 tokens in reading order, steps never going back.
  const ltr = await map
    .getByTestId('order-ltr-cell')
    .evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-position')), Number(e.getAttribute('data-step'))]),
    );
  expect(ltr.map(([p]) => p)).toEqual(cells.map(([p]) => p).sort((a, b) => a - b));
  for (let k = 1; k < ltr.length; k++) expect(ltr[k][1]).toBeGreaterThanOrEqual(ltr[k - 1][1]);
  expect(ltr.at(-1)![1]).toBe(total);
  // The schedule: one point per step, ending at no masked slot; one confidence bar per step that committed.
  const points = (await map.getByTestId('order-chart-masked').getAttribute('data-points'))!.split(' ').map(Number);
  expect(points).toHaveLength(total);
  expect(points.at(-1)).toBe(0);
  expect(Number(await map.getByTestId('order-chart-confidence').getAttribute('data-bars'))).toBe(total);
  // The toggle recolours the cells by confidence.
  const fills = () => map.getByTestId('order-cell').evaluateAll((els) => els.map((e) => e.getAttribute('fill')));
  const byStep = await fills();
  await map.getByLabel(/Colour by confidence/).check();
  expect(await fills()).not.toEqual(byStep);
});

test('the order map grows with a live run and works from the keyboard', async ({ page }) => {
  await openApp(page, '/?backend=wasm&pace=manual');
  await setControls(page, { prompt: 'Once upon a time', length: 12, steps: 4, temperature: 0, refine: 0 });
  await page.getByTestId('order-map-open').click();
  await startHeld(page);
  const cells = page.getByTestId('order-map').getByTestId('order-cell');
  await expect(cells).toHaveCount(0);
  await advance(page);
  await expect(cells).toHaveCount(3);
  await advance(page);
  await expect(cells).toHaveCount(6);
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(cells).toHaveCount(12);
  // One tab stop: the first cell; the arrows move along the passage; Enter opens that step and token.
  await expect(page.locator('[data-testid="order-cell"][tabindex="0"]')).toHaveCount(1);
  await cells.first().focus();
  await page.keyboard.press('ArrowRight');
  const second = cells.nth(1);
  await expect(second).toBeFocused();
  const [position, step] = await second.evaluate((e) => [e.getAttribute('data-position'), e.getAttribute('data-step')]);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('timeline-step')).toHaveText(step!);
  await expect(page.getByTestId('slot-inspector')).toHaveAttribute('data-slot', position!);
  expect(await seriousViolations(page, '[data-testid="order-map"]')).toEqual([]);
});

test('on a phone the order map turns: steps across, positions down, and nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  await setControls(page, { prompt: 'The queen', length: 24, steps: 8, temperature: 0, refine: 0 });
  await runToEnd(page);
  await page.getByTestId('order-map-open').click();
  const map = page.getByTestId('order-map');
  await expect(map).toHaveAttribute('data-orientation', 'steps-across');
  await expect(map.getByTestId('order-cell')).toHaveCount(24);
  // Cells of one step share a column now: x follows the step, y the position.
  const boxes = await map.getByTestId('order-cell').evaluateAll((els) =>
    els.map((e) => ({
      step: Number(e.getAttribute('data-step')),
      position: Number(e.getAttribute('data-position')),
      x: Number(e.getAttribute('x')),
      y: Number(e.getAttribute('y')),
    })),
  );
  for (const b of boxes) expect([b.x, b.y]).toEqual([(b.step - 1) * 8, b.position * 8]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await page.setViewportSize({ width: 1000, height: 800 });
  await expect(map).toHaveAttribute('data-orientation', 'positions-across');
});

test.describe('a view whose code cannot load', () => {
  // No service worker: the page asks the network for the chunk itself, so the route can fail it.
  test.use({ serviceWorkers: 'block' });

  test('says so beside a page that still works, and Try again loads it', async ({ page, context }) => {
    let offline = true;
    const asked: string[] = [];
    await context.route(/OrderMap-[\w-]+\.js(\?.*)?$/, (route) => {
      asked.push(route.request().url());
      return offline ? route.abort('internetdisconnected') : route.continue();
    });
    await openApp(page);
    await setControls(page, { prompt: 'The king said', length: 6, steps: 3, temperature: 0, refine: 0 });
    await page.getByTestId('order-map-open').click();
    await expect(page.getByTestId('view-failed')).toContainText(/^The order map could not be shown \(/);
    // Only the view broke: a run still works.
    await runToEnd(page);
    offline = false;
    const before = asked.length;
    await page.getByTestId('view-retry').click();
    // Some Chromium builds fetch a failed chunk again on a second import(); others (Debian's 150) keep
    // the failure for the page's life, and there LazyView asks for it under a new URL.
    await expect(page.getByTestId('order-cell')).toHaveCount(6);
    await expect(page.getByTestId('view-failed')).toHaveCount(0);
    expect(asked.length).toBeGreaterThan(before);
  });

  test('offline after the page loaded: two views fail, and once connected Try again loads each, styled', async ({
    page,
    context,
  }) => {
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    await openApp(page);
    await context.setOffline(true);
    await page.getByTestId('sweep-open').click();
    await page.getByTestId('objective-open').click();
    const failed = page.getByTestId('view-failed');
    await expect(failed).toHaveCount(2);
    const sweepFailed = failed.filter({ hasText: /^The cost of steps could not be shown \(/ });
    const objectiveFailed = failed.filter({ hasText: /^The training objective could not be shown \(/ });
    await expect(sweepFailed).toHaveCount(1);
    await expect(objectiveFailed).toHaveCount(1);
    await context.setOffline(false);
    const before = asked.length;
    // Each view's chunk imports only what the page loaded at start (the passages' loader is the page's
    // own), so in a browser that keeps failed chunks there is one file per view to ask for again.
    await sweepFailed.getByTestId('view-retry').click();
    await expect(page.getByTestId('steps-sweep')).toBeEnabled();
    await objectiveFailed.getByTestId('view-retry').click();
    await expect(page.getByTestId('noise-loss')).toContainText('bits per hidden token', { timeout: 30_000 });
    await expect(failed).toHaveCount(0);
    const again = asked.slice(before).filter((u) => /\/assets\/[\w-]+\.js(\?|$)/.test(u));
    expect(again.some((u) => /\/CostOfSteps-[\w-]+\.js/.test(u))).toBe(true);
    expect(again.some((u) => /\/TrainingObjective-[\w-]+\.js/.test(u))).toBe(true);
    // Nothing but each view's own file: no chunk the views share.
    expect(again.filter((u) => !/\/(CostOfSteps|TrainingObjective)-/.test(u))).toEqual([]);
    // Their styles apply: sweep.css lays the sweep's actions out in a row.
    const display = await page.getByTestId('steps-sweep').evaluate((b) => getComputedStyle(b.parentElement!).display);
    expect(display).toBe('flex');
  });
});
