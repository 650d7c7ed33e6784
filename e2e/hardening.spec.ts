// Input from outside the app's code (saved forms, share links, a network that fails while the
// engine starts) never leaves a blank page or a wrong message.
import { test, expect } from './fixtures';
import { openApp, runToEnd, setControls } from './helpers';

const FORM_KEY = 'unmask:form:v1';

/** Stores `value` under the form's key before the app's first load only (not on reloads). */
async function storeOnce(page: import('@playwright/test').Page, value: string) {
  await page.addInitScript(
    ([key, v]) => {
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem(key, v);
    },
    [FORM_KEY, value],
  );
}

test('a saved form of the wrong shape renders the page with defaults and says so', async ({ page }) => {
  await storeOnce(page, '{"prompt":null}');
  await openApp(page);
  await expect(page.getByTestId('prompt')).toHaveValue('Once upon a time');
  await expect(page.getByTestId('saved-notice')).toContainText('could not be read');
  await expect(page.getByTestId('notice-problems')).toContainText('prompt was not text');
  await setControls(page, { length: 8, steps: 2 });
  await runToEnd(page);
});

test('bad saved settings: the controls show what is used, Reset keeps the text', async ({ page }) => {
  await storeOnce(
    page,
    JSON.stringify({
      mode: 'fill',
      template: 'My kept [___] text',
      length: 'long',
      settings: { strategy: 'zigzag', steps: '8', seed: 5 },
    }),
  );
  await page.goto('/');
  await expect(page.getByTestId('prompt')).toHaveValue('My kept [___] text');
  await expect(page.getByTestId('notice-problems')).toContainText('Unknown unmasking order "zigzag"; using margin.');
  // The dropdown shows the strategy in use, not the first option.
  await expect(page.getByTestId('strategy')).toHaveValue('margin');
  await expect(page.getByTestId('steps')).toHaveValue('32');
  await expect(page.getByTestId('seed')).toHaveValue('5');
  await page.getByTestId('reset-settings').click();
  await expect(page.getByTestId('saved-notice')).toHaveCount(0);
  await expect(page.getByTestId('prompt')).toHaveValue('My kept [___] text');
  await expect(page.getByTestId('seed')).toHaveValue('1');
  // The repaired form is what is saved now: a reload shows no notice and the same text.
  await page.reload();
  await expect(page.getByTestId('prompt')).toHaveValue('My kept [___] text');
  await expect(page.getByTestId('saved-notice')).toHaveCount(0);
});

test('a share link opened in a tab that already has the app applies, says what it set, and runs', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'Typed first', length: 24, steps: 6, seed: 3 });
  await page.evaluate(() => {
    location.hash = 'mode=prompt&prompt=From%20a%20link&length=12&steps=4&seed=9&refine=0';
  });
  await expect(page.getByTestId('prompt')).toHaveValue('From a link');
  const notice = page.getByTestId('link-notice');
  await expect(notice).toContainText('the prompt');
  await expect(notice).toContainText('length 12');
  await expect(notice).toContainText('steps 4');
  await expect(notice).toContainText('seed 9');
  await expect(page.getByTestId('steps')).toHaveValue('4');
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page.getByTestId('step-counter')).toHaveText(/step 4 \/ 4/);
  // The link is read once: the address bar no longer carries it.
  expect(new URL(page.url()).hash).toBe('');
  // The way back: what was typed before the link, and its settings, come back; the link's run stays.
  await notice.getByTestId('restore-before-link').click();
  await expect(page.getByTestId('prompt')).toHaveValue('Typed first');
  await expect(page.getByTestId('length')).toHaveValue('24');
  await expect(page.getByTestId('steps')).toHaveValue('6');
  await expect(page.getByTestId('link-notice')).toHaveCount(0);
  await expect(page.getByTestId('step-counter')).toHaveText(/step 4 \/ 4/);
});

test('a link without mode and with an unknown strategy falls back, and the dropdown shows what is used', async ({
  page,
}) => {
  await page.goto('/#prompt=Hello%20there&length=10&steps=5&strategy=zigzag&refine=0');
  await expect(page.getByTestId('prompt')).toHaveValue('Hello there');
  await expect(page.getByTestId('mode-prompt')).toBeChecked();
  await expect(page.getByTestId('notice-problems')).toContainText('Unknown unmasking order "zigzag"; using margin.');
  await expect(page.getByTestId('strategy')).toHaveValue('margin');
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page.getByTestId('step-counter')).toHaveText(/step 5 \/ 5/);
});

test("a network failure while fetching the engine's wasm is named as such, without engine text", async ({
  page,
  context,
}) => {
  await context.route('**/*.wasm', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await page.getByTestId('prompt').fill('Kept while offline');
  const error = page.getByTestId('engine-error');
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('engine-error-message')).toContainText(/network/i);
  await expect(page.getByTestId('engine-error-action')).toHaveText('Check your connection and press Retry.');
  await expect(page.getByTestId('engine-error-message')).not.toContainText(
    /cannot run in this browser|Aborted\(|no available backend|fetch/i,
  );
  await context.unroute('**/*.wasm');
  await page.getByTestId('retry').click();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('prompt')).toHaveValue('Kept while offline');
});
