// The model picker, in the build as committed (one model: a label) and in a build with two model
// folders: the committed model and a renamed copy of it (other name and bytes, so other URLs and
// hashes; unmask-base stands in for it once a GPU run has made it), built by twoModelBuild.ts in a
// temporary copy of the project, so the shared dist/ and models/ are never touched.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { advance, openApp, resume, runToEnd, setControls, startHeld, stepCounter } from './helpers';
import { COPY, startTwoModelBuild, type TwoModelBuild } from './twoModelBuild';
import { mb } from '../src/ui/format';

const SMALL = 'models/unmask-small';
// The committed model's own figures, so the tests follow a retrained model.
const CONFIG = JSON.parse(readFileSync(`${SMALL}/config.json`, 'utf8'));
const PORT = 4174;

/** Every .onnx the page (or its workers) asked the server for, by file name without the hash. */
function onnxRequests(page: Page): string[] {
  const seen: string[] = [];
  page.context().on('request', (r) => {
    const m = /\/assets\/([^/]+)\.onnx/.exec(r.url());
    if (m) seen.push(m[1]);
  });
  return seen;
}

test('with one model the picker is a label with its size and use, and the layout holds at 375 px', async ({ page }) => {
  const bytes = CONFIG.files['model.onnx'].bytes + CONFIG.files['tokenizer.json'].bytes;
  await page.setViewportSize({ width: 375, height: 800 });
  await openApp(page);
  const picker = page.getByTestId('model-picker');
  await expect(picker).toHaveAttribute('data-count', '1');
  await expect(picker.getByRole('radio')).toHaveCount(0);
  await expect(picker).toContainText(`unmask-small · ${mb(bytes)} MB download`);
  await expect(picker).toContainText('Fast on any device');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  const box = (await picker.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
});

test.describe('a build with two models', () => {
  test.describe.configure({ mode: 'serial' });
  test.use({ baseURL: `http://localhost:${PORT}` });
  let build: TwoModelBuild | null = null;
  let dir = '';

  test.beforeAll(async () => {
    test.setTimeout(600_000);
    build = await startTwoModelBuild(PORT);
    dir = build.dir;
  });

  test.afterAll(() => build?.stop());

  test('the service worker precaches no model file', () => {
    const sw = readFileSync(path.join(dir, 'dist/sw.js'), 'utf8');
    expect(sw).toMatch(/index\.html/);
    expect(sw).not.toMatch(/\.onnx|tokenizer/);
  });

  test('offers both with size and use; only the default is downloaded until the other is picked, and the pick persists', async ({
    page,
  }) => {
    const onnx = onnxRequests(page);
    await openApp(page);
    const options = page.getByTestId('model-option');
    await expect(options).toHaveCount(2);
    await expect(page.getByTestId('load-status')).toContainText('unmask-small');
    await expect(page.getByRole('radio', { name: /unmask-small/ })).toBeChecked();
    await expect(options.nth(0)).toContainText(/unmask-small · \d+\.\d{1,2} MB download\s*Fast on any device/);
    // A model the registry does not describe is described from its config.
    const millions = (CONFIG.params / 1e6).toFixed(1).replace('.', '\\.');
    await expect(options.nth(1)).toContainText(
      new RegExp(
        `unmask-copy · \\d+\\.\\d{1,2} MB download\\s*A ${millions} M-parameter model, ${CONFIG.model.n_layers} layers, reads ${CONFIG.context} tokens\\.`,
      ),
    );
    expect(onnx.map((n) => n.replace(/-[\w-]{8}$/, ''))).toEqual(['model']);
    const smallFile = onnx[0];

    await page.getByRole('radio', { name: /unmask-copy/ }).check();
    await expect(page.getByTestId('engine-loading')).toContainText(`(${COPY})`);
    await expect(page.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
    await expect(page.getByTestId('load-status')).toContainText('downloaded');
    expect(onnx).toHaveLength(2);
    expect(onnx[1]).not.toBe(smallFile);
    await setControls(page, { length: 8, steps: 4 });
    await runToEnd(page);

    await page.reload();
    await expect(page.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
    await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
    await expect(page.getByRole('radio', { name: /unmask-copy/ })).toBeChecked();
    // The reload fetched nothing of the small model: the copy came from the cache.
    expect(onnx).toHaveLength(2);
  });

  test('a switch mid-run stops the run, says so, loads the other model, and the next run works', async ({ page }) => {
    await openApp(page, '/?pace=manual');
    await expect(page.getByTestId('load-status')).toContainText('unmask-small');
    await setControls(page, { length: 100, steps: 100, prompt: 'Once upon a time' });
    await startHeld(page);
    await advance(page, 2);
    await page.getByRole('radio', { name: /unmask-copy/ }).check();
    await expect(page.getByTestId('model-note')).toHaveText(
      `The run was stopped to switch to ${COPY}; press Generate once it has loaded.`,
    );
    await expect(page.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
    await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
    // Stopped where it was held: after step 2.
    expect((await stepCounter(page))[0]).toBe(2);
    await resume(page);
    await setControls(page, { length: 8, steps: 4 });
    await runToEnd(page);
    await expect(page.getByTestId('model-note')).toHaveCount(0);
  });

  test.describe('offline', () => {
    test.use({ serviceWorkers: 'allow' });
    test('the picked model works offline once used', async ({ page, context }) => {
      await openApp(page);
      await page.getByRole('radio', { name: /unmask-copy/ }).check();
      await expect(page.getByTestId('load-status')).toContainText(`${COPY} ·`, { timeout: 90_000 });
      await expect(page.getByTestId('offline-status')).toHaveAttribute('data-state', /ready|repaired/, {
        timeout: 90_000,
      });
      await context.setOffline(true);
      await page.reload();
      await expect(page.getByTestId('load-status')).toContainText(`${COPY} · `, { timeout: 90_000 });
      await expect(page.getByTestId('load-status')).toContainText('loaded from cache');
      await setControls(page, { length: 8, steps: 4 });
      await runToEnd(page);
      await context.setOffline(false);
    });
  });
});
