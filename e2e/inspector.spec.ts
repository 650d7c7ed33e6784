// The inspector (issue 18, section 1): look inside any token at any step, from the logits of that
// step's forward pass, recomputed in the worker once the run has ended. The real model on WASM.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import {
  advance,
  generatedText,
  openApp,
  resume,
  runToEnd,
  seriousViolations,
  setControls,
  startHeld,
} from './helpers';

async function timelineTo(page: Page, k: number) {
  await page.getByTestId('timeline').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < k; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('timeline-step')).toHaveText(String(k));
}

interface Row {
  id: number;
  text: string;
  p: number;
  q: number;
  drawn: boolean;
}
/** The candidate rows as the test contract names them: data-token (text), data-prob, data-prob-sampled. */
async function candidates(page: Page): Promise<Row[]> {
  const rows = await page.getByTestId('candidate').evaluateAll((els) =>
    els.map((e) => ({
      id: Number(e.getAttribute('data-id')),
      text: e.getAttribute('data-token') ?? '',
      p: Number(e.getAttribute('data-prob')),
      q: Number(e.getAttribute('data-prob-sampled')),
      drawn: e.getAttribute('data-drawn') === 'true',
    })),
  );
  // In descending model probability, each row naming its token's text.
  for (let i = 1; i < rows.length; i++) expect(rows[i].p).toBeLessThanOrEqual(rows[i - 1].p);
  for (const r of rows) expect(r.text.length).toBeGreaterThan(0);
  return rows;
}

/** At temperature 0 the drawn token is the top candidate, with all of q. */
function expectGreedy(rows: Row[]) {
  expect(rows.length).toBeGreaterThanOrEqual(8);
  const drawn = rows.filter((r) => r.drawn);
  expect(drawn).toHaveLength(1);
  expect(drawn[0].q).toBe(1);
  expect(Math.max(...rows.map((r) => r.q))).toBe(drawn[0].q);
  expect(Math.max(...rows.map((r) => r.p))).toBe(drawn[0].p);
}

test('looks inside a resolved and a masked token at a mid step, with a what-if that leaves the run alone', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const chunks: string[] = [];
  page.on('request', (r) => {
    if (/SlotInspector-[\w-]+\.js$/.test(r.url())) chunks.push(r.url());
  });
  await openApp(page, '/?pace=manual');
  await setControls(page, { prompt: 'The king said', length: 12, steps: 4, temperature: 0, refine: 0 });
  await startHeld(page);
  await advance(page, 2);
  // During the run: what the frames kept, and Escape closes the inspector without stopping the run.
  expect(chunks, 'the inspector loads only when opened').toEqual([]);
  // A click on a token opens the inspector on it: no need to open the panel first.
  const masked = page.locator('[data-testid="token"][data-state="masked"]').first();
  const maskedSlot = Number(await masked.getAttribute('data-index'));
  await masked.click();
  const panel = page.getByTestId('slot-inspector');
  await expect(panel).toHaveAttribute('data-slot', String(maskedSlot));
  await expect(page.getByTestId('inspector-waiting')).toBeVisible();
  await expect(page.getByTestId('inspector-state')).toHaveAttribute('data-how', 'masked');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('run-status')).toHaveText(/^Running/);
  await resume(page);
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  const text = await generatedText(page);
  const runId = await page.getByTestId('canvas').getAttribute('data-run-id');

  // Step 2 of 4: a token resolved at that step.
  await timelineTo(page, 2);
  const resolved = page.locator('[data-testid="token"][data-state="resolved"][data-step="2"]').first();
  const resolvedSlot = Number(await resolved.getAttribute('data-index'));
  await resolved.click();
  await expect(panel).toHaveAttribute('data-slot', String(resolvedSlot));
  await expect(page.getByTestId('inspector-state')).toHaveAttribute('data-how', 'here');
  await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
  const rows = await candidates(page);
  expectGreedy(rows);
  // The drawn token's p is the confidence the canvas shows for it.
  const label = (await resolved.getAttribute('aria-label')) ?? '';
  const shownConfidence = Number(/confidence (\d+)%/.exec(label)?.[1]);
  expect(Math.abs(rows.find((r) => r.drawn)!.p * 100 - shownConfidence)).toBeLessThanOrEqual(0.5);

  // A token resolved at step 1, seen at step 2: the numbers are step 1's, and the panel says so.
  const earlier = page.locator('[data-testid="token"][data-state="resolved"][data-step="1"]').first();
  await earlier.click();
  await expect(page.getByTestId('inspector-state')).toHaveAttribute('data-how', 'earlier');
  await expect(page.getByTestId('inspector-state')).toHaveAttribute('data-pass', '1');
  await expect(page.getByTestId('inspector-state')).toContainText('step 1');

  // A token still masked at step 2, by keyboard: its rank says why it waits.
  const waiting = page.locator('[data-testid="token"][data-state="masked"]').first();
  await waiting.focus();
  await page.keyboard.press('i');
  await expect(panel).toHaveAttribute('data-slot', (await waiting.getAttribute('data-index')) ?? '');
  const rank = page.getByTestId('inspector-rank');
  await expect(rank).toBeVisible({ timeout: 30_000 });
  expect(Number(await rank.getAttribute('data-rank'))).toBeGreaterThan(
    Number(await rank.getAttribute('data-committed')),
  );
  await expect(page.getByTestId('candidate').first()).toBeVisible();
  expectGreedy(await candidates(page));
  await expect(page.getByTestId('inspector-why')).toContainText('temperature 0');

  // What-if: a higher temperature redraws the q bars at once, labelled, and the run stays as it was.
  const before = await candidates(page);
  await page.getByTestId('inspector-temperature').fill('1.5');
  await expect(page.getByTestId('inspector-candidates')).toHaveAttribute('data-whatif', 'true');
  await expect(page.getByTestId('inspector-whatif-label')).toContainText('What-if: q at temperature 1.5');
  const after = await candidates(page);
  expect(after.map((r) => r.p)).toEqual(before.map((r) => r.p));
  const drawnAfter = after.find((r) => r.drawn)!;
  expect(drawnAfter.q).toBeLessThan(1);
  expect(drawnAfter.q).toBeGreaterThan(after[1].q); // still the most likely, no longer certain
  await page.getByTestId('inspector-top-p').fill('0.5');
  await expect(page.getByTestId('inspector-whatif-label')).toContainText('top-p 0.5');
  // Top-p cuts the tail: what is kept shares all of q, so the drawn token's share grows.
  expect((await candidates(page)).find((r) => r.drawn)!.q).toBeGreaterThan(drawnAfter.q);
  await expect(page.getByTestId('canvas')).toHaveAttribute('data-run-id', runId ?? '');
  await page.getByTestId('timeline-live').click();
  expect(await generatedText(page)).toBe(text);

  // axe finds nothing serious with the inspector open.
  await timelineTo(page, 2);
  expect(await seriousViolations(page)).toEqual([]);

  // Escape closes it; a second Escape would stop a run (there is none) and changes nothing here.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/);
});

test('a click on a token opens the inspector and still selects its word; i inspects, Enter selects', async ({
  page,
}) => {
  await openApp(page);
  await setControls(page, { prompt: 'Once upon a time', length: 12, steps: 4, temperature: 0, refine: 0 });
  await runToEnd(page);
  const panel = page.getByTestId('slot-inspector');
  await expect(panel).toHaveCount(0);
  const resolved = page.locator('[data-testid="token"][data-state="resolved"]');
  const first = resolved.nth(2);
  const slot = await first.getAttribute('data-index');
  await first.click();
  await expect(panel).toHaveAttribute('data-slot', slot ?? '');
  await expect(first).toHaveAttribute('data-selected', 'true'); // re-imagine's selection, as before
  await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
  expect((await candidates(page)).length).toBeGreaterThanOrEqual(8);

  // By keyboard: Enter on another token selects its word and leaves the inspector where it was; i moves it.
  const other = resolved.nth(6);
  const otherSlot = await other.getAttribute('data-index');
  await other.focus();
  await page.keyboard.press('Enter');
  await expect(other).toHaveAttribute('data-selected', 'true');
  await expect(panel).toHaveAttribute('data-slot', slot ?? '');
  await page.keyboard.press('i');
  await expect(panel).toHaveAttribute('data-slot', otherSlot ?? '');
  await expect(other).toHaveAttribute('data-inspected', 'true');
});

test('an order map cell moves the timeline to its step and opens the inspector on that token', async ({ page }) => {
  await openApp(page);
  await setControls(page, { prompt: 'Once upon a time', length: 8, steps: 4, temperature: 0, refine: 0 });
  await expect(page.getByTestId('generate')).toBeEnabled();
  await page.getByTestId('generate').click();
  await expect(page.getByTestId('run-status')).toHaveText(/^Done/, { timeout: 90_000 });
  await page.getByTestId('order-map-open').click();
  const cell = page.locator('[data-testid="order-cell"][data-step="3"]').first();
  const position = await cell.getAttribute('data-position');
  await cell.click();
  await expect(page.getByTestId('timeline-step')).toHaveText('3');
  const panel = page.getByTestId('slot-inspector');
  await expect(panel).toHaveAttribute('data-slot', position ?? '');
  await expect(panel).toHaveAttribute('data-step', '3');
  await expect(page.getByTestId('inspector-state')).toHaveAttribute('data-how', 'here');
  await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
  expectGreedy(await candidates(page));
  await expect(page.locator(`[data-testid="token"][data-index="${position}"]`)).toHaveAttribute(
    'data-inspected',
    'true',
  );
});

test('with no repeated 3-grams on, the inspector names the tokens the rule took away, and the run differs with it off', async ({
  page,
}) => {
  test.setTimeout(240_000);
  // Left to right and greedy: one slot a step, so every ban is visible at the slot's own pass.
  const link = `/#mode=prompt&prompt=The%20king%20and%20the%20queen&length=24&temp=0&refine=0&strategy=left-to-right&norep=3`;
  await openApp(page, link);
  await page.locator('details.advanced summary').click();
  await expect(page.getByTestId('no-repeat-ngram')).toHaveValue('3');
  await runToEnd(page);
  const banned = await generatedText(page);
  const tokens = page.getByTestId('token');
  let found = '';
  for (let k = 0; k < (await tokens.count()) && !found; k++) {
    await tokens.nth(k).click();
    const index = await tokens.nth(k).getAttribute('data-index');
    await expect(page.getByTestId('slot-inspector')).toHaveAttribute('data-slot', index ?? '');
    await expect(page.getByTestId('inspector-candidates')).toBeVisible({ timeout: 30_000 });
    if ((await page.getByTestId('inspector-banned').count()) > 0) {
      found = (await page.getByTestId('inspector-banned').textContent()) ?? '';
      // Taken away: none of them is among the candidates the model is offered.
      const ids = ((await page.getByTestId('inspector-banned').getAttribute('data-ids')) ?? '').split(' ');
      expect(ids.every((id) => /^\d+$/.test(id))).toBe(true);
      const listed = await page
        .getByTestId('candidate')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
      for (const id of ids) expect(listed).not.toContain(id);
    }
  }
  expect(found).toMatch(/^Not allowed here: “.*”\. Each would repeat a run of 3 tokens/);
  // The same run with the rule off: the model writes otherwise.
  await page.getByTestId('no-repeat-ngram').fill('0');
  await runToEnd(page);
  expect(await generatedText(page)).not.toBe(banned);
});

test('slots of one step written in order: the inspector says when a slot was drawn again, what its pass drew and why', async ({
  page,
}) => {
  test.setTimeout(240_000);
  // Greedy, four slots a step: the Python twin on this model draws again at two of them (SAMPLING.md 4).
  const link = `/#mode=prompt&prompt=Once%20upon%20a%20time&length=16&steps=4&temp=0&refine=0&norep=3`;
  await openApp(page, link);
  await runToEnd(page);
  const tokens = page.getByTestId('token');
  let found = false;
  for (let k = 0; k < (await tokens.count()) && !found; k++) {
    await tokens.nth(k).click();
    const index = Number(await tokens.nth(k).getAttribute('data-index'));
    await expect(page.getByTestId('slot-inspector')).toHaveAttribute('data-slot', String(index));
    await expect(page.getByTestId('inspector-candidates')).toBeVisible({ timeout: 30_000 });
    const hint = page.getByTestId('inspector-redrawn');
    if ((await hint.count()) === 0) continue;
    found = true;
    // The numbers are the row the slot was drawn from again: the pass's draw is not among them but
    // among the ids taken away, and at temperature 0 the written token is its top.
    const passDrew = (await hint.getAttribute('data-drawn')) ?? '';
    const rows = await candidates(page);
    expectGreedy(rows);
    expect(rows.map((r) => String(r.id))).not.toContain(passDrew);
    const taken = page.getByTestId('inspector-banned');
    await expect(taken).toContainText('Not allowed here once the slots before it in this step were written');
    expect(((await taken.getAttribute('data-ids')) ?? '').split(' ')).toContain(passDrew);
    const text = /^The pass drew “([\s\S]*?)”, but/.exec((await hint.textContent()) ?? '');
    expect(text).not.toBeNull();
    const written = rows.find((r) => r.drawn)!;
    // Tokens are named between quotes, newlines and tabs shown as marks (inspectorData.visiblePiece).
    const visible = (t: string) => t.replace(/\r?\n/g, '↵').replace(/\t/g, '⇥');
    await expect(hint).toContainText(`which gave “${visible(written.text)}”`);
    if ((await hint.getAttribute('data-why')) === 'doubled') {
      // A neighbour resolved by the same step holds the token the pass drew.
      const step = await tokens.nth(k).getAttribute('data-step');
      const beside = await page
        .locator(`[data-testid="token"][data-step="${step}"]`)
        .evaluateAll(
          (els, i) =>
            els
              .filter((e) => Math.abs(Number(e.getAttribute('data-index')) - i) === 1)
              .map((e) => /^“([\s\S]*)” —/.exec(e.getAttribute('title') ?? '')?.[1] ?? ''),
          index,
        );
      // Both sides as the hint shows a token (marks for newlines), then trimmed alike.
      expect(beside.map((b) => visible(b).trim())).toContain(text![1].trim());
    } else {
      await expect(hint).toHaveAttribute('data-why', 'repeat');
    }
  }
  expect(found).toBe(true);
});

test('what it leaned on: each token the step saw hidden in turn, the written token measured on the real model', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await setControls(page, { prompt: 'Once upon a time', length: 12, steps: 4, temperature: 0, refine: 0 });
  await runToEnd(page);
  // A token of the last step: the step saw the prompt and every token written before it.
  const token = page.locator('[data-testid="token"][data-state="resolved"][data-step="4"]').first();
  await token.click();
  await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
  const drawnP = (await candidates(page)).find((r) => r.drawn)!.p;
  const run = page.getByTestId('lean-run');
  const passes = Number(/\((\d+) forward passes\)/.exec((await run.textContent()) ?? '')?.[1]);
  expect(passes).toBeGreaterThan(4); // the prompt's tokens and those of three steps
  await run.click();
  await expect(page.getByTestId('lean-summary')).toBeVisible({ timeout: 90_000 });
  // The pass on the canvas as it was is the inspector's pass: its p over the whole vocabulary is at most
  // the table's, which leaves out the ids the sampler never writes and those the rules forbid.
  const summary = (await page.getByTestId('lean-summary').textContent()) ?? '';
  const baseP = Number(/p ([\d.]+)% on this canvas/.exec(summary)?.[1]) / 100;
  expect(baseP).toBeGreaterThan(0);
  expect(baseP).toBeLessThanOrEqual(drawnP + 0.0005); // shown to 0.1 %
  const bits = await page
    .getByTestId('lean-token')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bits'))));
  expect(bits).toHaveLength(passes - 1);
  expect(bits.every(Number.isFinite)).toBe(true);
  expect(Math.max(...bits.map(Math.abs))).toBeGreaterThan(0.01); // hiding some token changed something
  const named = bits.filter((b) => b > 0.1).length;
  if (named) await expect(page.getByTestId('lean-summary')).toContainText('It leaned most on');
  else await expect(page.getByTestId('lean-summary')).toContainText('No token it saw');
  await expect(page.getByTestId('lean-slot')).toHaveText((await token.textContent()) ?? '');
  expect(await seriousViolations(page), 'axe with the shaded canvas shown').toEqual([]);
});

test('written together: the tokens one step wrote, and the token scored again with them in view', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await setControls(page, { prompt: 'Once upon a time', length: 16, steps: 2, temperature: 0, refine: 0 });
  await runToEnd(page);
  // Two even steps of eight: a token of the first step was drawn beside seven it never saw.
  const stepOne = page.locator('[data-testid="token"][data-state="resolved"][data-step="1"]');
  const n = await stepOne.count();
  expect(n).toBe(8);
  await stepOne.nth(3).click();
  await expect(page.getByTestId('candidate').first()).toBeVisible({ timeout: 30_000 });
  const drawnP = (await candidates(page)).find((r) => r.drawn)!.p;
  await expect(page.getByTestId('together')).toHaveAttribute('data-mates', String(n - 1));
  await expect(page.getByTestId('together-mate')).toHaveCount(n - 1);
  await page.getByTestId('together-run').click();
  const summary = page.getByTestId('together-summary');
  await expect(summary).toBeVisible({ timeout: 60_000 });
  const [alone, together, bits] = await summary.evaluate((e) =>
    ['data-alone', 'data-together', 'data-bits'].map((a) => Number(e.getAttribute(a))),
  );
  // Drawn alone is the inspector's own pass: over the whole vocabulary, at most the table's p.
  expect(alone).toBeGreaterThan(0);
  expect(alone).toBeLessThanOrEqual(drawnP + 0.0005);
  expect(together).toBeGreaterThan(0);
  expect(together).toBeLessThanOrEqual(1);
  expect(bits).toBeCloseTo(Math.log2(alone / together), 6);
  await expect(summary).toContainText(`had p ${(alone * 100).toFixed(1)}%`);

  // The whole step weighed the same way: its numbers for this token are the ones just measured.
  await page.getByTestId('step-weigh-run').click();
  const stepSummary = page.getByTestId('step-weigh-summary');
  await expect(stepSummary).toBeVisible({ timeout: 90_000 });
  const own = Number(await page.getByTestId('together-slot').getAttribute('data-bits'));
  expect(own).toBeCloseTo(bits, 4);
  const mateBits = await page
    .getByTestId('together-mate')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bits'))));
  expect(mateBits).toHaveLength(n - 1);
  expect(mateBits.every(Number.isFinite)).toBe(true);
  const [worse, better, firsts, turned] = await stepSummary.evaluate((e) =>
    ['data-worse', 'data-better', 'data-firsts', 'data-turned'].map((a) => Number(e.getAttribute(a))),
  );
  const all = [own, ...mateBits];
  expect(worse).toBe(all.filter((b) => b >= 1).length);
  expect(better).toBe(all.filter((b) => b <= -1).length);
  // At temperature 0 a step writes the model's first choices (but for the special ids and the rules'
  // bans, which its whole-vocabulary choice may still pick).
  expect(firsts).toBeGreaterThanOrEqual(1);
  expect(firsts).toBeLessThanOrEqual(n);
  expect(turned).toBeLessThanOrEqual(firsts);
  expect(await seriousViolations(page), 'axe with the step-mates outlined and shaded').toEqual([]);
});
