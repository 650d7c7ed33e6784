// What a person does with the app, as functions the specs share.
import AxeBuilder from '@axe-core/playwright';
import { expect, type BrowserContext, type Page } from '@playwright/test';

export interface RunOptions {
  prompt?: string;
  length?: number;
  steps?: number;
  temperature?: number;
  seed?: number;
  strategy?: string;
  /** Refinement rounds (the default may refine: tests that count steps set 0). */
  refine?: number;
}

/** Serves the engine worker's own script (unmask.worker-*.js) with `code` run before it: a way to make
 * the browser misbehave inside the worker (a thread worker or a GPU that never answers) where the
 * page's own code cannot tell it is a test. Returns how many engine workers have fetched it. */
export async function patchEngineScript(context: BrowserContext, code: string): Promise<() => number> {
  let engines = 0;
  await context.route('**/unmask.worker-*.js', async (route) => {
    engines++;
    const response = await route.fetch();
    await route.fulfill({ response, body: `{\n${code}\n}\n${await response.text()}` });
  });
  return () => engines;
}

/** Opens the app and waits until the model is loaded and a backend chosen. */
export async function openApp(page: Page, path = '/') {
  await page.goto(path);
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
}

export async function setControls(page: Page, o: RunOptions) {
  if (o.prompt !== undefined) await page.getByTestId('prompt').fill(o.prompt);
  if (o.length !== undefined) await page.getByTestId('length').fill(String(o.length));
  if (o.steps !== undefined) await page.getByTestId('steps').fill(String(o.steps));
  if (o.temperature !== undefined) await page.getByTestId('temperature').fill(String(o.temperature));
  if (o.seed !== undefined) await page.getByTestId('seed').fill(String(o.seed));
  if (o.strategy !== undefined) await page.getByTestId('strategy').selectOption(o.strategy);
  if (o.refine !== undefined) await page.getByTestId('refine').fill(String(o.refine));
}

/** Clicks Generate and waits for the worker to say the run is done. */
export async function runToEnd(page: Page) {
  await expect(page.getByTestId('generate')).toBeEnabled();
  // The previous run also shows "Done": wait for a new run id as well, so a Generate that does
  // nothing cannot pass for a second identical run.
  const before = await page.getByTestId('canvas').getAttribute('data-run-id');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('canvas')).not.toHaveAttribute('data-run-id', before ?? '', { timeout: 90_000 });
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
}

/** The generated tokens' text in reading order. */
export async function generatedText(page: Page): Promise<string> {
  return (await page.getByTestId('token').allTextContents()).join('|');
}

export async function countState(page: Page, state: 'masked' | 'resolved'): Promise<number> {
  return page.locator(`[data-testid="token"][data-state="${state}"]`).count();
}

export async function maxDataStep(page: Page): Promise<number> {
  const steps = await page
    .locator('[data-testid="token"][data-state="resolved"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-step'))));
  return steps.length === 0 ? 0 : Math.max(...steps);
}

/** "step k / S" → [k, S]. */
export async function stepCounter(page: Page): Promise<[number, number]> {
  const text = (await page.getByTestId('step-counter').textContent()) ?? '';
  const m = /step (\d+) \/ (\d+)/.exec(text);
  if (!m) throw new Error(`unexpected step counter "${text}"`);
  return [Number(m[1]), Number(m[2])];
}

// The engine's pace control (src/worker/paceControl.ts): with `?pace=manual` in the address every run
// waits before each step until the test lets it go, so a test sees a run at an exact step.
type Paced = Window & { __unmaskPace?: { step(n?: number): void; resume(): void; hold(): void } };

/** Under manual pace: clicks Generate and waits until the new run is on screen, held at step 0. */
export async function startHeld(page: Page) {
  await expect(page.getByTestId('generate')).toBeEnabled();
  const before = await page.getByTestId('canvas').getAttribute('data-run-id');
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('canvas')).not.toHaveAttribute('data-run-id', before ?? '');
  await expect(page.getByTestId('run-status')).toHaveText(/^Running/);
  await expect(page.getByTestId('step-counter')).toHaveText(/^step 0 \/ \d+$/);
}

/** Lets the held run take `n` more steps and waits until the last of them is on screen. */
export async function advance(page: Page, n = 1) {
  const [k, total] = await stepCounter(page);
  await page.evaluate((m) => (window as Paced).__unmaskPace!.step(m), n);
  await expect(page.getByTestId('step-counter')).toHaveText(`step ${k + n} / ${total}`);
}

/** Lets every run go at its own speed from now on. */
export async function resume(page: Page) {
  await page.evaluate(() => (window as Paced).__unmaskPace!.resume());
}

/** Holds every later run again before each step. */
export async function hold(page: Page) {
  await page.evaluate(() => (window as Paced).__unmaskPace!.hold());
}

/** Waits until every animation that ends has ended (the noise of masked slots never does). */
export async function animationsSettled(page: Page) {
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState === 'finished' || a.effect?.getComputedTiming().endTime === Infinity),
  );
}

/**
 * Serious and critical axe violations on the page as it is now (or inside `include` only), as
 * "rule (impact): selectors" lines. A token fading in (opacity 0 to 1 over 420 ms) has no contrast
 * yet, so the finite animations are let end first.
 */
export async function seriousViolations(page: Page, include?: string): Promise<string[]> {
  await animationsSettled(page);
  const axe = new AxeBuilder({ page });
  const { violations } = await (include ? axe.include(include) : axe).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
