// The engine worker killed under the page: idle, while loading, and in the middle of a run. A worker
// closed with self.close() sends no error event and no message, the silent death the store's
// watchdog (src/worker/watchdog.ts) must notice within its limit (30 s, a load 60 s) while a load or run is owed;
// the page then says so, restarts the engine by itself once, and keeps everything typed.
import type { Page, Worker } from '@playwright/test';
import { expect, test } from './fixtures';
import { advance, openApp, patchEngineScript, resume, runToEnd, setControls, startHeld } from './helpers';

// The watchdog's 30 s of silence, then a fresh worker's load; a load may be silent for 60 s.
const RESTART_MS = 45_000;
const LOAD_RESTART_MS = 75_000;

/** The engine's own worker: its script is unmask.worker-*.js; ORT's thread workers are others. */
async function engineWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().filter(isEngine).length).toBe(1);
  return page.workers().find(isEngine)!;
}
const isEngine = (w: Worker) => /unmask\.worker/.test(w.url());

/** Ends the worker from inside: no error event, no last message. */
async function kill(worker: Worker) {
  const closed = worker.waitForEvent('close');
  // The evaluation itself may never answer: the worker is gone before it can.
  void worker.evaluate(() => self.close()).catch(() => undefined);
  await closed;
}

async function expectRestarted(page: Page, limit = RESTART_MS) {
  await expect(page.getByTestId('engine-note')).toContainText('so it was restarted', { timeout: limit });
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: RESTART_MS });
}

test('an engine killed while idle is noticed at the next Generate and restarted; the prompt is kept', async ({
  page,
}) => {
  await openApp(page, '/?backend=wasm');
  await setControls(page, { prompt: 'The fox and the crow', length: 8, steps: 4, refine: 0 });
  await kill(await engineWorker(page));
  // Nothing is owed yet, so nothing can tell: the Generate is what goes unanswered.
  await page.getByTestId('generate').click();
  await expectRestarted(page);
  await expect(page.getByTestId('engine-note')).toContainText('Your text and settings are kept');
  await expect(page.getByTestId('prompt')).toHaveValue('The fox and the crow');
  await expect(page.getByTestId('length')).toHaveValue('8');
  await runToEnd(page);
  await expect(page.getByTestId('step-counter')).toHaveText('step 4 / 4');
  // The note was about the dead engine; a run that works ends it.
  await expect(page.getByTestId('engine-note')).toHaveCount(0);
});

test('an engine killed while it loads the model is restarted and loads', async ({ page, context }) => {
  test.setTimeout(180_000);
  // The model download waits until the first worker is dead, so it dies before any backend shows.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let first = true;
  await context.route('**/*.onnx', async (route) => {
    if (first) {
      first = false;
      await held;
    }
    // The request of the killed worker may be gone by now.
    await route.continue().catch(() => undefined);
  });
  const appeared = page.waitForEvent('worker', { predicate: isEngine });
  await page.goto('/?backend=wasm');
  await page.getByTestId('prompt').fill('Kept through the restart');
  await kill(await appeared);
  await expect(page.getByTestId('engine-loading')).toBeVisible();
  release();
  await expectRestarted(page, LOAD_RESTART_MS);
  await expect(page.getByTestId('prompt')).toHaveValue('Kept through the restart');
  await setControls(page, { length: 6, steps: 3, refine: 0 });
  await runToEnd(page);
});

test('an engine killed mid-run: the run shows as stopped with its tokens, the note names the step, and Generate, Stop and Escape work after the restart', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page, '/?backend=wasm&pace=manual');
  await setControls(page, { prompt: 'Once upon a time', length: 12, steps: 6, refine: 0 });
  await startHeld(page);
  await advance(page, 2);
  const resolved = page.locator('[data-testid="token"][data-state="resolved"]');
  const before = await resolved.allTextContents();
  expect(before.length).toBeGreaterThan(0);

  await kill(await engineWorker(page));
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/, { timeout: RESTART_MS });
  await expect(page.getByTestId('engine-note')).toContainText('The run stopped at step 2 of 6.');
  // What the run had resolved stays on screen.
  await expect(page.getByTestId('step-counter')).toHaveText('step 2 / 6');
  expect(await resolved.allTextContents()).toEqual(before);
  await expectRestarted(page);
  await expect(page.getByTestId('prompt')).toHaveValue('Once upon a time');
  expect(await resolved.allTextContents()).toEqual(before);

  // The new worker is paced too: Stop, then Escape, end a held run; then one runs to the end.
  await startHeld(page);
  await page.getByTestId('stop').click();
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
  await startHeld(page);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('run-status')).toHaveText(/^Stopped/);
  await resume(page);
  await runToEnd(page);
  await expect(page.getByTestId('step-counter')).toHaveText('step 6 / 6');
});

// ORT's WASM start waits for every thread worker ("em-pthread") to say it loaded. In Firefox one
// sometimes never starts, and the page sat at "Starting the engine" for good. This stalls every
// thread worker on purpose: `Worker`, for workers named em-pthread, returns one that never answers.
// Only an engine on one thread (none) can start. (The thread worker's own script cannot be held:
// Chromium serves it from memory, the engine having loaded the same file.)
const STALL_THREAD_WORKERS = `
  const Real = self.Worker;
  self.Worker = function (url, options) {
    if (!String(options?.name).startsWith('em-pthread')) return new Real(url, options);
    return { postMessage() {}, terminate() {}, addEventListener() {}, removeEventListener() {}, onmessage: null, onerror: null };
  };
`;

test('an engine whose thread workers never start is restarted on one thread and runs', async ({ page, context }) => {
  test.setTimeout(180_000);
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  test.skip(cores < 2, 'one core: the engine runs on one thread and starts no thread workers');
  const engines = await patchEngineScript(context, STALL_THREAD_WORKERS);
  await page.goto('/?backend=wasm');
  await page.getByTestId('prompt').fill('Kept while the engine starts again');
  // The stall itself: the page says it is still starting, and says what it will do.
  await expect(page.getByTestId('slow-start')).toContainText('restarts the engine', { timeout: 30_000 });
  await expect(page.getByTestId('backend')).toHaveCount(0);
  await expect(page.getByTestId('engine-note')).toContainText('did not finish starting', { timeout: LOAD_RESTART_MS });
  await expect(page.getByTestId('engine-note')).toContainText('restarted on one thread');
  await expect(page.getByTestId('threads')).toHaveText(/^\s*· 1 thread$/, { timeout: RESTART_MS });
  expect(engines()).toBe(2);
  await expect(page.getByTestId('prompt')).toHaveValue('Kept while the engine starts again');
  await setControls(page, { length: 6, steps: 3, refine: 0 });
  await runToEnd(page);
  await expect(page.getByTestId('step-counter')).toHaveText('step 3 / 3');
});
