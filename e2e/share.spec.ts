// A share link restores the prompt, the mode, the settings and the model, and with the same seed
// the same run.
import { test, expect } from './fixtures';
import { generatedText, openApp, runToEnd, setControls } from './helpers';
import { COPY, startTwoModelBuild, type TwoModelBuild } from './twoModelBuild';

test('a share link reproduces the run', async ({ page, browser, baseURL }) => {
  await openApp(page);
  await setControls(page, {
    prompt: 'The girl & the "wolf" #2',
    length: 32,
    steps: 8,
    temperature: 1,
    seed: 77,
    strategy: 'margin',
  });
  await runToEnd(page);
  const original = await generatedText(page);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link.startsWith(baseURL!)).toBe(true);

  // Someone else opens it: a fresh context with nothing saved.
  const other = await browser.newContext({ serviceWorkers: 'block' });
  const foreign: string[] = [];
  other.on('request', (r) => {
    if (new URL(r.url()).origin !== new URL(baseURL!).origin && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  const page2 = await other.newPage();
  await page2.goto(link);
  await expect(page2.getByTestId('prompt')).toHaveValue('The girl & the "wolf" #2');
  await expect(page2.getByTestId('steps')).toHaveValue('8');
  await expect(page2.getByTestId('seed')).toHaveValue('77');
  await expect(page2.getByTestId('temperature')).toHaveValue('1');
  await expect(page2.getByTestId('length')).toHaveValue('32');
  await expect(page2.getByTestId('strategy')).toHaveValue('margin');
  // It runs by itself once the model is ready.
  await expect(page2.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  expect(await generatedText(page2)).toBe(original);
  await other.close();
  expect(foreign).toEqual([]);
});

test.describe('a build with two models', () => {
  const PORT = 4175;
  test.use({ baseURL: `http://localhost:${PORT}` });
  let build: TwoModelBuild | null = null;
  test.beforeAll(async () => {
    test.setTimeout(600_000);
    build = await startTwoModelBuild(PORT);
  });
  test.afterAll(() => build?.stop());

  test('a share link carries the model: the recipient runs the same model and text; a model the build lacks is kept out and reported', async ({
    page,
    browser,
  }) => {
    await openApp(page);
    await expect(page.getByTestId('load-status')).toContainText('unmask-small');
    await page.getByRole('radio', { name: new RegExp(COPY) }).check();
    await expect(page.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
    await setControls(page, { prompt: 'The fox', length: 12, steps: 4, temperature: 1, seed: 31, refine: 0 });
    await runToEnd(page);
    const original = await generatedText(page);
    await page.getByTestId('share').click();
    const link = await page.getByTestId('share-url').inputValue();
    expect(new URLSearchParams(new URL(link).hash.slice(1)).get('model')).toBe(COPY);

    // Someone else opens it: nothing saved, so their default (unmask-small) would load without the link.
    const other = await browser.newContext({ serviceWorkers: 'block' });
    const page2 = await other.newPage();
    await page2.goto(link);
    await expect(page2.getByTestId('link-notice')).toContainText(`model ${COPY}`);
    await expect(page2.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
    await expect(page2.getByRole('radio', { name: new RegExp(COPY) })).toBeChecked();
    await expect(page2.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
    expect(await generatedText(page2)).toBe(original);

    // In the open tab, a link to the other model switches the ready engine and runs there.
    const back = new URL(link);
    back.hash = back.hash.replace(`model=${COPY}`, 'model=unmask-small');
    const runBefore = await page2.getByTestId('canvas').getAttribute('data-run-id');
    await page2.evaluate((h) => (location.hash = h), back.hash);
    await expect(page2.getByTestId('link-notice')).toContainText('model unmask-small');
    await expect(page2.getByTestId('load-status')).toContainText('unmask-small ·', { timeout: 90_000 });
    await expect(page2.getByTestId('canvas')).not.toHaveAttribute('data-run-id', runBefore ?? '', { timeout: 90_000 });
    await expect(page2.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });

    // A model this build does not offer: the current one stays, the notice says so, the link still runs.
    const runMid = await page2.getByTestId('canvas').getAttribute('data-run-id');
    await page2.evaluate(() => (location.hash = '#prompt=Hello&length=8&steps=4&model=unmask-huge'));
    await expect(page2.getByTestId('notice-problems')).toHaveText(
      'The model "unmask-huge" is not in this version of the app; kept unmask-small.',
    );
    await expect(page2.getByTestId('canvas')).not.toHaveAttribute('data-run-id', runMid ?? '', { timeout: 90_000 });
    await expect(page2.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
    await expect(page2.getByTestId('load-status')).toContainText('unmask-small ·');
    await other.close();
  });
});

test('a share link opens an explainer state: a step of the run, an inspected slot, a noise level', async ({
  page,
  browser,
}) => {
  await openApp(page);
  await setControls(page, { prompt: 'The king rode out', length: 24, steps: 8, seed: 5, refine: 0 });
  await runToEnd(page);
  // Step 3 on the timeline, the inspector on a generated token, the noise panel at t 0.7.
  await page.getByTestId('timeline').fill('3');
  await page.getByTestId('inspector-open').click();
  const token = page.getByTestId('token').nth(5);
  const slot = await token.getAttribute('data-index');
  await token.click();
  await expect(page.getByTestId('slot-inspector')).toHaveAttribute('data-slot', slot!);
  await expect(page.getByTestId('slot-inspector')).toHaveAttribute('data-step', '3');
  await page.getByTestId('objective-open').click();
  await page.getByTestId('noise-level').fill('0.7');
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link).toMatch(new RegExp(`at=3&slot=${slot}&noise=0.7$`));

  const other = await browser.newContext({ serviceWorkers: 'block' });
  const page2 = await other.newPage();
  await page2.goto(link);
  await expect(page2.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page2.getByTestId('timeline-step')).toHaveText('3');
  await expect(page2.getByTestId('slot-inspector')).toHaveAttribute('data-slot', slot!);
  await expect(page2.getByTestId('slot-inspector')).toHaveAttribute('data-step', '3');
  await expect(page2.getByTestId('noise-level')).toHaveValue('0.7');
  await expect(page2.locator('[data-testid="noise-token"][data-state="masked"]').first()).toBeVisible();
  // A step past the run is said, not silently dropped.
  const page3 = await other.newPage();
  await page3.goto(link.replace('at=3', 'at=99'));
  await expect(page3.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page3.getByText("The link's step 99 is past this run's 8 steps; showing the last.")).toBeVisible();
  await other.close();
});
