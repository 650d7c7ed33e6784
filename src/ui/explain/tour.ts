// The guided tour's steps as data: one idea each, the live view that shows it, and what opens that view.
// A step may open a disclosure or a panel; it never starts a run, and the one step that changes a
// setting (the mode) says so in its text. Loaded with the tour (Tour.tsx), not with the page.
import { useApp } from '../../store/store';

export interface TourStep {
  id: string;
  title: string;
  /** One or two sentences. */
  text: string;
  /** A selector for the element the step points at. */
  target: string;
  /** The element outlined: the target's closest ancestor matching this (the target itself when absent). */
  box?: string;
  /** Opens the view that shows the idea, before it is highlighted. */
  open?: () => void;
}

/** Opens a panel behind a disclosure button, unless it is open already. */
function clickOpen(selector: string) {
  const b = document.querySelector<HTMLButtonElement>(selector);
  if (b?.getAttribute('aria-expanded') === 'false') b.click();
}

/** Opens the <details> whose summary is `summary` (its toggle event tells React). */
function openDetails(summary: string) {
  const d = document.querySelector(summary)?.closest('details');
  if (d && !d.open) d.open = true;
}

export const TOUR: readonly TourStep[] = [
  {
    id: 'noise',
    title: 'A canvas of noise',
    text: 'Every run starts here: your prompt, then a row of masked slots drawn as noise. Nothing in them is decided yet; the model fills them in place, not one after another.',
    target: '[data-testid="canvas"]',
  },
  {
    id: 'objective',
    title: 'What the model learned',
    text: 'It was trained on one task: hide each token of a passage with probability t and guess them all back, reading the text on both sides. The tour has opened that task on real passages the model never saw: slide t and watch the guesses and the loss.',
    target: '[data-testid="objective-open"]',
    box: 'section',
    open: () => clickOpen('[data-testid="objective-open"]'),
  },
  {
    id: 'refine',
    title: 'Step by step, and back again',
    text: 'Each step is one pass of the model over the whole canvas, and the slots ranked first by the unmasking order are committed (by default the surest: the widest lead of the top token over the runner-up). With refinement rounds above 0 it then masks the tokens it trusted least again and resolves them once more.',
    target: '[data-testid="refine"]',
    box: '.field',
  },
  {
    id: 'draft',
    title: 'Blurry to crisp',
    text: 'Under the noise each masked slot shows the model’s current best guess: blurred while it is unsure, sharper as it grows surer. This switch turns the draft on and off.',
    target: '[data-testid="draft-toggle"]',
    box: '.field',
  },
  {
    id: 'order',
    title: 'In what order?',
    text: 'The order map draws each token at the step it was written: positions across, steps down. Writing left to right would be the diagonal; a diffusion run scatters around it. The tour has opened it.',
    target: '[data-testid="order-map-open"]',
    box: 'details',
    open: () => openDetails('[data-testid="order-map-open"]'),
  },
  {
    id: 'infill',
    title: 'It reads both sides',
    text: 'In “Fill in the blanks” the masked slots sit in the middle of your text, and the model uses the words before and after them. This step switches the mode to it; your prompt is kept, and “Continue a prompt” brings it back.',
    target: '.prompt-panel',
    open: () => useApp.getState().setForm({ mode: 'fill' }),
  },
  {
    id: 'control',
    title: 'Steer it',
    text: 'Write [___] where you want words, or [12] for twelve tokens. After a run, select words on the canvas and press Re-imagine: only those are masked again and filled to fit the rest.',
    target: '[data-testid="prompt"]',
  },
  {
    id: 'cost',
    title: 'The cost of steps',
    text: 'Fewer steps commit more tokens at once: faster, and less coherent, since tokens one step writes never see each other (the inspector’s “Written together” shows what the model makes of a token once it does). The tour has opened the panel that measures this; it runs only when you press its button.',
    target: '[data-testid="sweep-open"]',
    box: 'section',
    open: () => clickOpen('[data-testid="sweep-open"]'),
  },
  {
    id: 'blocks',
    title: 'Hybrids: blocks',
    text: 'Choose “Blocks” here to write left to right block by block, in diffusion order inside each block: halfway between the two. The tour leaves this setting as it is.',
    target: '[data-testid="strategy"]',
    box: '.field',
  },
  {
    id: 'why',
    title: 'Why this word?',
    text: 'After a run, click a token the model wrote: the inspector shows its candidates at the step that wrote it, and “What it leaned on” hides the tokens that step saw (the 40 nearest), one at a time, to find the ones the choice could not do without.',
    target: '[data-testid="canvas"]',
  },
];

/** The element a step outlines, or null when its view is not on the page. */
export function stepElement(step: TourStep): HTMLElement | null {
  const el = document.querySelector<HTMLElement>(step.target);
  if (!el) return null;
  return (step.box ? el.closest<HTMLElement>(step.box) : null) ?? el;
}
