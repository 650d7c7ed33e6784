// A run from first visit to the last step: progress, backend, frames that only ever add tokens,
// the step count, determinism, Stop, and fill-in-the-blanks.
import { mkdirSync } from 'node:fs';
import { test, expect } from './fixtures';
import {
  advance,
  animationsSettled,
  countState,
  generatedText,
  maxDataStep,
  openApp,
  resume,
  runToEnd,
  setControls,
  startHeld,
  stepCounter,
} from './helpers';

test('first visit: download progress, backend, and a run that only ever adds tokens', async ({ page }) => {
  // Record, from the first paint on, the download label after each DOM change: the download is
  // too fast to sample from outside the page.
  await page.addInitScript(() => {
    const w = window as unknown as { __download: string[] };
    w.__download = [];
    new MutationObserver(() => {
      const label = document.querySelector('label[for="load-progress"]')?.textContent;
      if (label && document.querySelector('[data-testid="download-progress"]')) w.__download.push(label);
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  await openApp(page, '/?pace=manual');
  await expect(page.getByTestId('backend')).toContainText(/webgpu|wasm/);
  await expect(page.getByTestId('load-status')).toContainText(/downloaded \d+\.\d+ MB/);
  const download = await page.evaluate(() => (window as unknown as { __download: string[] }).__download);
  // A first visit downloads the engine's WebAssembly with the model, and the label says so.
  expect(download.some((l) => /Downloading the model and the engine \([^)]+\) — [\d.]+ of [\d.]+ MB/.test(l))).toBe(
    true,
  );

  const length = 48;
  await setControls(page, { prompt: 'Once upon a time', length, steps: 24, temperature: 0.8, seed: 7, refine: 0 });
  await startHeld(page);
  expect(await countState(page, 'resolved')).toBe(0);
  // Live, one step at a time: every step resolves more tokens and none goes back.
  mkdirSync('test-results', { recursive: true });
  let resolved = 0;
  for (let k = 1; k <= 24; k++) {
    await advance(page);
    const n = await countState(page, 'resolved');
    expect(n, `resolved after step ${k}`).toBeGreaterThan(resolved);
    resolved = n;
    // The run in progress (for the README): held at step 6 of 24, the resolve animations over.
    if (k === 6) {
      await expect(page.getByTestId('run-status')).toHaveText(/^Running/);
      await animationsSettled(page);
      await page.screenshot({ path: 'test-results/run-in-progress.png' });
    }
  }
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);

  // The end: every generated slot resolved, no mask left.
  await expect(page.getByTestId('token')).toHaveCount(length);
  expect(await countState(page, 'masked')).toBe(0);
  expect(await countState(page, 'resolved')).toBe(length);

  // The timeline: step by step from 0, the resolved count strictly grows and no token shows a
  // step later than the one displayed.
  const timeline = page.getByTestId('timeline');
  await timeline.focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('timeline-step')).toHaveText('0');
  expect(await countState(page, 'resolved')).toBe(0);
  let previous = 0;
  for (let k = 1; k <= 24; k++) {
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('timeline-step')).toHaveText(String(k));
    const n = await countState(page, 'resolved');
    expect(n).toBeGreaterThan(previous);
    expect(await maxDataStep(page)).toBe(k);
    previous = n;
  }
  expect(previous).toBe(length);

  // The README's picture: the canvas half-way through, from the timeline.
  await timeline.focus();
  await page.keyboard.press('Home');
  for (let k = 0; k < 12; k++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-step')).toHaveText('12');
  await animationsSettled(page);
  await page.screenshot({ path: 'test-results/run-half-way.png' });
});

test('steps = S gives S steps', async ({ page }) => {
  await openApp(page);
  for (const steps of [5, 13]) {
    await setControls(page, { prompt: 'The king', length: 32, steps, temperature: 0.8, seed: 3, refine: 0 });
    await runToEnd(page);
    expect(await stepCounter(page)).toEqual([steps, steps]);
    expect(await maxDataStep(page)).toBe(steps);
    expect(await page.getByTestId('forward-passes').textContent()).toBe(String(steps));
  }
  // Left to right takes one step per token whatever the steps control says.
  await setControls(page, { length: 20, steps: 4, strategy: 'left-to-right' });
  await runToEnd(page);
  expect(await stepCounter(page)).toEqual([20, 20]);
});

test('temperature 0 with the same seed repeats; different seeds at temperature 1 differ', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'She looked at the', length: 32, steps: 8, temperature: 0, seed: 11 });
  await runToEnd(page);
  const first = await generatedText(page);
  await runToEnd(page);
  expect(await generatedText(page)).toBe(first);

  await setControls(page, { temperature: 1, seed: 1 });
  await runToEnd(page);
  const seed1 = await generatedText(page);
  await setControls(page, { seed: 2 });
  await runToEnd(page);
  expect(await generatedText(page)).not.toBe(seed1);
});

test('Stop in the middle stops the run, and a new run then works', async ({ page }) => {
  await openApp(page, '/?pace=manual');
  await setControls(page, { prompt: 'It was', length: 56, steps: 56, temperature: 0.8, seed: 5, refine: 0 });
  await startHeld(page);
  await advance(page, 2);
  // An Escape that ends an input method's composition belongs to the IME: the run goes on.
  await page.evaluate(() =>
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', isComposing: true, bubbles: true })),
  );
  await expect(page.getByTestId('stop')).toBeEnabled();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
  expect(await stepCounter(page)).toEqual([2, 56]);
  expect(await countState(page, 'masked')).toBeGreaterThan(0);
  await expect(page.getByTestId('stop')).toBeDisabled();
  await resume(page);

  // A new run starts from scratch and finishes.
  await setControls(page, { length: 32, steps: 8 });
  await runToEnd(page);
  expect(await stepCounter(page)).toEqual([8, 8]);
  expect(await countState(page, 'masked')).toBe(0);
});

test('fill in the blanks keeps every given word in place', async ({ page }) => {
  await openApp(page);
  await page.getByTestId('mode-fill').check();
  await page.getByTestId('blank-length').fill('6');
  await page.getByTestId('prompt').fill('The old [___] sat on the [4] and [___] .');
  await setControls(page, { steps: 6, temperature: 0.8, seed: 9, refine: 0 });
  await runToEnd(page);

  // Slot kinds in reading order: given text, 6 tokens, given, 4, given, 6, given.
  const kinds = await page
    .locator('[data-testid="token"], [data-testid="prompt-token"]')
    .evaluateAll((els) => els.map((e) => (e.getAttribute('data-testid') === 'token' ? 'T' : 'G')).join(''));
  expect(kinds).toMatch(/^G+T{6}G+T{4}G+T{6}G+$/);
  expect(await countState(page, 'masked')).toBe(0);
  // The given words, unchanged and in order (spaces before a blank are the tokenizer's business).
  const given = (await page.getByTestId('prompt-token').allTextContents()).join('');
  expect(given).toBe('The old sat on the and .');

  // And they were there from step 0 on.
  await page.getByTestId('timeline').focus();
  await page.keyboard.press('Home');
  expect((await page.getByTestId('prompt-token').allTextContents()).join('')).toBe(given);
  expect(await countState(page, 'masked')).toBe(16);
});
