// A share link restores the prompt, the mode and the settings, and with the same seed the same run.
import { test, expect } from './fixtures';
import { generatedText, openApp, runToEnd, setControls } from './helpers';

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
