// One slot of the canvas. Given text is plain; a resolved token is text with a confidence mark
// (a viridis underline and tint, the text itself stays high-contrast); a masked slot is noise,
// with the model's current guess showing through it, blurred by how unsure the model is. Text is
// rendered as text, never as HTML. Events are handled by the canvas (delegation), so a token
// re-renders only when what it shows changes.
import { memo, type CSSProperties } from 'react';
import type { Slot } from './passage';
import { splitLead } from './passage';
import { CONFIDENCE_STEPS, confidenceStep, percent } from './confidence';

// The slot's fields as props, not the object: a frame builds new slot objects, and memo compares
// props by identity, so only tokens whose shown values changed re-render.
export interface TokenProps extends Slot {
  step: number;
  totalSteps: number;
  confidence: number;
  showDraft: boolean;
  selected: boolean;
  remasked: boolean;
  /** The slot the inspector looks inside. */
  inspected: boolean;
  tabbable: boolean;
}

export const Token = memo(function Token({
  step,
  totalSteps,
  confidence,
  showDraft,
  selected,
  remasked,
  inspected,
  tabbable,
  ...slot
}: TokenProps) {
  const i = slot.index;
  if (slot.state === 'given') {
    // The canvas is white-space: pre-wrap, so the given text's own spaces and newlines show as typed.
    return (
      <span data-testid="prompt-token" data-index={i} className="given">
        {slot.text}
      </span>
    );
  }
  if (slot.state === 'masked') {
    const draft = showDraft && slot.draft !== null ? slot.draft : null;
    const guess = slot.draft !== null ? `, the model's guess “${slot.draft.trim()}” at ${percent(slot.draftP)}` : '';
    return (
      <span
        data-testid="token"
        data-state="masked"
        data-index={i}
        data-draft={draft ?? undefined}
        data-inspected={inspected ? 'true' : undefined}
        className={`tok masked ${draft !== null ? 'drafted' : 'noise'}${remasked ? ' remasked' : ''}${inspected ? ' inspected' : ''}`}
        style={{ '--p': slot.draftP.toFixed(3) } as CSSProperties}
        role="img"
        aria-label={`Token ${i + 1}: ${remasked ? 'masked again to be revised' : 'still masked'}${guess}`}
        tabIndex={tabbable ? 0 : -1}
      />
    );
  }
  const { lead, body } = splitLead(slot.text);
  const c = CONFIDENCE_STEPS[confidenceStep(confidence)];
  const when = step > 0 ? `resolved at step ${step} of ${totalSteps}` : 'kept from before';
  const info = `${when}, confidence ${percent(confidence)}`;
  const newline = body.length > 0 && body.trim() === '' && body.includes('\n');
  return (
    <>
      {lead}
      <span
        data-testid="token"
        data-state="resolved"
        data-step={step}
        data-index={i}
        data-word={slot.word}
        data-selected={selected ? 'true' : undefined}
        data-inspected={inspected ? 'true' : undefined}
        className={`tok resolved${selected ? ' selected' : ''}${newline ? ' newline' : ''}${inspected ? ' inspected' : ''}`}
        style={{ '--c': c.background } as CSSProperties}
        role="img"
        title={`“${slot.text}” — ${info}`}
        aria-label={`${newline ? 'line break' : body}: ${info}${selected ? ', selected' : ''}`}
        tabIndex={tabbable ? 0 : -1}
      >
        {body}
      </span>
    </>
  );
});
