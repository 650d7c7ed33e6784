// A labelled number input, optionally with a slider beside it. The number input carries the
// test id, so Playwright's fill() can set it. While typing, the raw value goes to the store (the
// settings panel shows what the engine would make of it); on blur an impossible value is clamped
// and a note says what happened.
import { useEffect, useId, useState } from 'react';

export interface Clamp {
  value: number;
  note: string | null;
}

interface Props {
  label: string;
  testId: string;
  value: number;
  onChange(value: number): void;
  /** Turns an impossible value into a legal one on blur, with a sentence saying so. */
  clamp(value: number): Clamp;
  min?: number;
  max?: number;
  step?: number;
  slider?: { min: number; max: number; step: number };
  hint?: string;
  disabled?: boolean;
}

export function NumberField({ label, testId, value, onChange, clamp, min, max, step, slider, hint, disabled }: Props) {
  const id = useId();
  const [text, setText] = useState(String(value));
  const [note, setNote] = useState<string | null>(null);

  // Follow the store when the value changes from elsewhere (dice, share link, slider).
  useEffect(() => {
    if (Number.isNaN(value)) return; // "-" or "1e" mid-typing: keep what the user typed
    setText((t) => (Number(t) === value && t.trim() !== '' ? t : String(value)));
  }, [value]);

  const commitText = (t: string) => {
    setText(t);
    setNote(null);
    const n = t.trim() === '' ? Number.NaN : Number(t);
    onChange(n);
  };

  const onBlur = () => {
    const n = text.trim() === '' ? Number.NaN : Number(text);
    const c = clamp(n);
    if (c.value !== n || c.note) {
      setText(String(c.value));
      setNote(c.note);
      onChange(c.value);
    }
  };

  const describedBy = [hint ? `${id}-hint` : null, note ? `${id}-note` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        {slider && (
          <input
            type="range"
            aria-label={`${label} slider`}
            min={slider.min}
            max={slider.max}
            step={slider.step}
            value={Number.isFinite(value) ? Math.min(Math.max(value, slider.min), slider.max) : slider.min}
            disabled={disabled}
            onChange={(e) => commitText(e.target.value)}
          />
        )}
        <input
          id={id}
          type="number"
          inputMode="decimal"
          data-testid={testId}
          value={text}
          min={min}
          max={max}
          step={step}
          disabled={disabled}
          aria-describedby={describedBy}
          aria-invalid={note ? true : undefined}
          onChange={(e) => commitText(e.target.value)}
          onBlur={onBlur}
        />
      </div>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {note && (
        <p className="note" id={`${id}-note`} role="status">
          {note}
        </p>
      )}
    </div>
  );
}
