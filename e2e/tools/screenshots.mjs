// The README's screenshots of the explainer views, from the built app on the committed model:
//   npm start            (in another shell: serves the build on localhost:4173)
//   node e2e/tools/screenshots.mjs
// writes docs/inspector.png, docs/order-map.png and docs/noise.png (Debian's Chromium, WASM).
import { chromium } from '@playwright/test';

const base = process.env.URL ?? 'http://localhost:4173';
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
await page.goto(base);
await page.getByTestId('backend').waitFor({ timeout: 90_000 });
const tour = page.getByTestId('tour-close');
if (await tour.isVisible().catch(() => false)) await tour.click();

await page.getByTestId('prompt').fill('The old house stood at the end of the lane');
await page.getByTestId('length').fill('48');
await page.getByTestId('seed').fill('3');
await page.getByTestId('generate').click();
await page.getByText(/^Done/).first().waitFor({ timeout: 90_000 });

await page.getByTestId('inspector-open').click();
await page.locator('[data-testid="token"][data-state="resolved"]').nth(14).click();
await page.getByTestId('slot-inspector').locator('[data-testid="candidate"]').first().waitFor();
await page.getByTestId('slot-inspector').screenshot({ path: 'docs/inspector.png' });

await page.getByTestId('order-map-open').click();
await page.getByTestId('order-map').waitFor();
await page.locator('details:has([data-testid="order-map-open"])').screenshot({ path: 'docs/order-map.png' });

await page.getByTestId('objective-open').click();
await page.getByTestId('noise-level').fill('0.35');
await page.getByTestId('noise-loss').getByText('bits per hidden token').waitFor({ timeout: 30_000 });
await page.getByTestId('noise-curve-run').click();
await page.getByText(/^Done: 10 values of t/).waitFor({ timeout: 120_000 });
await page.locator('.objective-panel').screenshot({ path: 'docs/noise.png' });
await browser.close();
