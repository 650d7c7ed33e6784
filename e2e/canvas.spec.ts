// The canvas as a page (issue 8): prose with typed text kept exactly, drafts in masked slots,
// refinement that masks tokens again, editing by re-masking with undo, and the phone layout.
import { mkdirSync } from 'node:fs';
import { test, expect } from './fixtures';
import {
  advance,
  animationsSettled,
  countState,
  hold,
  openApp,
  resume,
  runToEnd,
  setControls,
  startHeld,
  stepCounter,
} from './helpers';
import type { Page } from '@playwright/test';

const output = (page: Page) => page.getByTestId('output');
/** position → text of every generated token. */
async function tokenTexts(page: Page): Promise<Record<number, string>> {
  const pairs = await page
    .getByTestId('token')
    .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), e.textContent ?? ''] as const));
  return Object.fromEntries(pairs);
}
async function timelineTo(page: Page, k: number) {
  await page.getByTestId('timeline').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < k; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-step')).toHaveText(String(k));
}

test('prose: the prompt exactly as typed, pieces of a word touch, and the output is what Copy text copies', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  // NFC-foldable accents, curly quotes the tokenizer folds, an emoji and another script.
  const prompt = 'Le café était très naïve 🙂 “Ёлка”, she said';
  await setControls(page, { prompt, length: 40, steps: 8, temperature: 0.8, seed: 3 });
  await runToEnd(page);
  const shown = (await output(page).textContent()) ?? '';
  // The prompt's characters decode whole (the emoji and Cyrillic are several byte pieces each), and
  // the sampler never writes a byte piece of its own (SAMPLING.md 2a): no U+FFFD anywhere, though
  // after such a prompt the model, left alone, wrote lone pieces at this seed.
  expect(shown.startsWith(prompt)).toBe(true);
  expect(shown.slice(prompt.length).length).toBeGreaterThan(0);
  expect(shown).not.toContain('\uFFFD');
  expect(await page.getByTestId('prompt-token').first().textContent()).toBe(prompt);

  await page.getByTestId('copy-text').click();
  await expect(page.getByText('Text copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);

  // Pieces of one word sit edge to edge on the line; a new word starts after a space.
  const gaps = await page.getByTestId('token').evaluateAll((els) => {
    const out: number[] = [];
    for (let k = 1; k < els.length; k++) {
      const a = els[k - 1].getBoundingClientRect();
      const b = els[k].getBoundingClientRect();
      if (els[k].getAttribute('data-word') === els[k - 1].getAttribute('data-word') && Math.abs(a.top - b.top) < 2)
        out.push(b.left - a.right);
    }
    return out;
  });
  expect(gaps.length).toBeGreaterThan(0);
  for (const g of gaps) expect(Math.abs(g)).toBeLessThan(0.6);

  // Confidence is a mark beside the text: the text keeps the page's colour.
  const style = await page
    .locator('[data-testid="token"][data-state="resolved"]')
    .first()
    .evaluate((el) => {
      const cs = getComputedStyle(el);
      return {
        color: cs.color,
        body: getComputedStyle(document.body).color,
        line: cs.textDecorationLine,
        deco: cs.textDecorationColor,
      };
    });
  expect(style.color).toBe(style.body);
  expect(style.line).toContain('underline');
  expect(style.deco).not.toBe('rgba(0, 0, 0, 0)');
});

test('the draft: masked slots show the current guess, the toggle hides it, the timeline replays it', async ({
  page,
}) => {
  await openApp(page, '/?pace=manual');
  await expect(page.getByTestId('draft-toggle')).toBeChecked();
  await setControls(page, { prompt: 'The little fox', length: 48, steps: 16, temperature: 0.8, seed: 5 });
  await page.evaluate(() => (window.__canvasMs = []));
  await startHeld(page);
  // Live, one step at a time: from step 1 on every masked slot shows a guess.
  let drafted = 0;
  for (let k = 1; k < 16; k++) {
    await advance(page);
    const masked = await countState(page, 'masked');
    const withDraft = await page.locator('[data-testid="token"][data-state="masked"][data-draft]').count();
    expect(withDraft, `masked slots with a guess at step ${k}`).toBe(masked);
    drafted += withDraft;
  }
  expect(drafted).toBeGreaterThan(0);
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  const onMs = await page.evaluate(() => window.__canvasMs!.splice(0));

  // Replay: step 0 has no guess yet; from step 1 every masked slot has one, drawn through the noise.
  await timelineTo(page, 0);
  expect(await page.locator('[data-testid="token"][data-draft]').count()).toBe(0);
  await timelineTo(page, 6);
  const masked = await countState(page, 'masked');
  expect(masked).toBeGreaterThan(0);
  expect(await page.locator('[data-testid="token"][data-state="masked"][data-draft]').count()).toBe(masked);
  const first = page.locator('[data-testid="token"][data-state="masked"]').first();
  const drawn = await first.evaluate((el) => ({
    draft: el.getAttribute('data-draft'),
    before: getComputedStyle(el, '::before').content,
    // The noise is the slot's own layer (app.css, .tok.masked::after), drawn behind the guess.
    bg: getComputedStyle(el, '::after').backgroundImage,
  }));
  expect(drawn.before).toBe(JSON.stringify(drawn.draft));
  expect(drawn.bg).toContain('data:image/svg+xml');
  mkdirSync('test-results', { recursive: true });
  await animationsSettled(page); // the picture shows the canvas, not a token half-way through resolving
  await page.screenshot({ path: 'test-results/canvas-drafts.png' });
  await page.locator('section.output').screenshot({ path: 'test-results/canvas-drafts-panel.png' });

  // Off: masked slots are plain noise, nothing to read.
  await page.getByTestId('draft-toggle').uncheck();
  expect(await page.locator('[data-testid="token"][data-draft]').count()).toBe(0);
  expect(await countState(page, 'masked')).toBe(masked);

  // The cost of drafts per frame (build + commit of the canvas), drafts on against off.
  await page.evaluate(() => (window.__canvasMs = []));
  await runToEnd(page);
  const offMs = await page.evaluate(() => window.__canvasMs!.splice(0));
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  console.log(
    `canvas render per frame, median of ${onMs.length}/${offMs.length}: drafts on ${median(onMs).toFixed(2)} ms, off ${median(offMs).toFixed(2)} ms`,
  );
  await page.getByTestId('draft-toggle').check();
});

test('refinement: re-masked tokens blur back and resolve again, and every count includes the rounds', async ({
  page,
}) => {
  await openApp(page, '/?pace=manual');
  await setControls(page, { prompt: 'Once upon a time', length: 32, steps: 8, temperature: 0.8, seed: 4 });
  await page.getByTestId('refine').fill('2');
  // K = round(0.2 · 32) = 6 tokens per round over ceil(8 · 6 / 32) = 2 steps: 8 + 2 · 2 steps.
  await startHeld(page);
  expect(await stepCounter(page)).toEqual([0, 12]);
  // Live, step by step: each slot's states in the order they were shown.
  const states: Record<string, string[]> = {};
  for (let k = 0; k <= 12; k++) {
    if (k > 0) await advance(page);
    const now = await page
      .getByTestId('token')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-index')!, e.getAttribute('data-state')!] as const));
    for (const [i, st] of now) {
      const seq = (states[i] ??= []);
      if (seq.at(-1) !== st) seq.push(st);
    }
  }
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);
  expect(await stepCounter(page)).toEqual([12, 12]);
  await expect(page.getByTestId('forward-passes')).toHaveText('12');
  expect(await countState(page, 'masked')).toBe(0);
  expect(Object.values(states).filter((q) => q.join(' ').includes('resolved masked resolved')).length).toBeGreaterThan(
    0,
  );

  // Through the timeline: slots resolved by step 8 are masked again at 9, resolved again by 10.
  await timelineTo(page, 8);
  expect(await countState(page, 'masked')).toBe(0);
  await expect(page.getByTestId('timeline-phase')).toHaveText(/unmasking/);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-phase')).toHaveText(/refinement round 1 of 2/);
  const again = await page
    .locator('[data-testid="token"][data-state="masked"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-index')));
  expect(again.length).toBeGreaterThan(0);
  expect(await page.locator('.tok.masked.remasked').count()).toBeGreaterThan(0);
  await page.keyboard.press('ArrowRight');
  for (const i of again)
    await expect(page.locator(`[data-testid="token"][data-index="${i}"]`)).toHaveAttribute('data-state', 'resolved');

  // The rounds are a setting like the others: kept over a reload and carried by a share link.
  await page.reload();
  await expect(page.getByTestId('backend')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('refine')).toHaveValue('2');
  await page.getByTestId('share').click();
  await expect(page.getByTestId('share-url')).toHaveValue(/[#&]refine=2(&|$)/);
});

test('edit by re-masking: select by click, shift-click, drag and keyboard; re-imagine fills only the selection; undo restores', async ({
  page,
}) => {
  await openApp(page);
  await setControls(page, { prompt: 'The king said', length: 32, steps: 8, temperature: 1, seed: 12 });
  await runToEnd(page);
  const before = await tokenTexts(page);
  const text = await output(page).textContent();
  const tokens = page.locator('[data-testid="token"]');

  // Click selects a whole word; shift-click extends to another word.
  await tokens.nth(3).click();
  const word = await tokens.nth(3).getAttribute('data-word');
  await expect(page.locator(`[data-testid="token"][data-word="${word}"]`).first()).toHaveAttribute(
    'data-selected',
    'true',
  );
  await tokens.nth(9).click({ modifiers: ['Shift'] });
  const chosen = await page
    .locator('[data-testid="token"][data-selected="true"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  expect(chosen.length).toBeGreaterThanOrEqual(7);

  await page.getByTestId('reimagine').click();
  await expect(page.getByTestId('announcer')).toHaveText(/Re-imagining \d+ tokens|Done/);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  const after = await tokenTexts(page);
  for (const [i, t] of Object.entries(before))
    if (!chosen.includes(Number(i))) expect(after[Number(i)], `token ${i} kept`).toBe(t);
  expect(await page.getByTestId('prompt-token').first().textContent()).toBe('The king said');
  // At the re-imagine's step 0 exactly the chosen slots were masked.
  await timelineTo(page, 0);
  const maskedAt0 = await page
    .locator('[data-testid="token"][data-state="masked"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
  expect(maskedAt0).toEqual(chosen);
  await page.getByTestId('timeline-live').click();

  // Undo brings the first text back, exactly.
  await page.getByTestId('undo').click();
  await expect(output(page)).toHaveText(text ?? '');
  await expect(page.getByTestId('announcer')).toHaveText(/Undone/);
  await expect(page.getByTestId('undo')).toBeDisabled();

  // Drag from one word to another selects the words between.
  const a = await tokens.nth(12).boundingBox();
  const b = await tokens.nth(16).boundingBox();
  await page.mouse.move(a!.x + 2, a!.y + a!.height / 2);
  await page.mouse.down();
  await page.mouse.move(b!.x + 2, b!.y + b!.height / 2, { steps: 5 });
  await page.mouse.up();
  for (const k of [12, 14, 16]) await expect(tokens.nth(k)).toHaveAttribute('data-selected', 'true');
  await page.getByTestId('clear-selection').click();
  expect(await page.locator('[data-selected]').count()).toBe(0);

  // Keyboard: Space selects the focused word, Shift+ArrowRight extends; Re-imagine by keyboard too.
  await tokens.nth(20).focus();
  await page.keyboard.press('Space');
  await expect(tokens.nth(20)).toHaveAttribute('data-selected', 'true');
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(tokens.nth(22)).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('inspector')).toContainText('Token');
  await page.getByTestId('reimagine').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page.getByTestId('undo')).toBeEnabled();
});

test('phone: the running canvas comes into view, steps and temperature stay at hand, notices cover nothing', async ({
  page,
}) => {
  await page.setViewportSize({ width: 375, height: 740 });
  // A share link shows a notice at the top of the page.
  await openApp(page, '/?pace=manual#prompt=It%20was%20a%20dark%20night&length=56&steps=56&temp=0.8&seed=8');
  await expect(page.getByTestId('link-notice')).toBeVisible();
  // The link's own run goes at its speed; the one started below is held until the checks are done.
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await hold(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await startHeld(page);
  await expect(page.getByTestId('canvas')).toBeInViewport();
  await expect(page.getByTestId('quick-steps')).toBeInViewport();
  await page.getByTestId('quick-steps').fill('20');
  await page.getByTestId('quick-temperature').fill('0.5');
  await expect(page.getByTestId('quick-stop')).toBeInViewport();
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await expect(page.getByTestId('steps')).toHaveValue('20');
  await expect(page.getByTestId('temperature')).toHaveValue('0.5');
  // The timeline's slider spans the phone's width (it was squeezed to 14 px beside its buttons).
  const slider = await page.getByTestId('timeline').boundingBox();
  expect(slider?.width ?? 0).toBeGreaterThan(200);

  // No notice or status box overlaps a control, at the top of the page or anywhere else.
  const overlaps = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.toast, .notice, [role="status"]:not(.sr-only), [role="alert"]')].map(
      (e) => e.getBoundingClientRect(),
    );
    const controls = [...document.querySelectorAll('button, input, select, textarea')].map((e) =>
      e.getBoundingClientRect(),
    );
    const hit = (a: DOMRect, b: DOMRect) =>
      a.width > 0 && b.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    return boxes.flatMap((n) =>
      controls.filter(
        (c) => hit(n, c) && !(c.top >= n.top && c.bottom <= n.bottom && c.left >= n.left && c.right <= n.right),
      ),
    ).length;
  });
  expect(overlaps).toBe(0);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test('reduced motion: nothing animates, the canvas still resolves', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page, '/?pace=manual');
  await setControls(page, { prompt: 'A cat', length: 24, steps: 24, temperature: 0.8, seed: 2 });
  // Held mid-way, so both masked and just-resolved tokens are on the canvas.
  await startHeld(page);
  await advance(page, 6);
  expect(await countState(page, 'masked')).toBeGreaterThan(0);
  expect(await countState(page, 'resolved')).toBeGreaterThan(0);
  const names = await page.evaluate(() => [
    ...new Set(
      [...document.querySelectorAll('[data-testid="token"]')].flatMap((e) => [
        getComputedStyle(e).animationName,
        // The noise is a layer of its own (app.css, .tok.masked::after).
        getComputedStyle(e, '::after').animationName,
      ]),
    ),
  ]);
  expect(names).toEqual(['none']);
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  expect(await countState(page, 'resolved')).toBe(24);
});
