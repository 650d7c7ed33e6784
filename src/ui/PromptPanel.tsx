// The prompt box (or the fill-in-the-blanks template) and the run buttons.
import { useLayoutEffect, useRef } from 'react';
import { isBusy, useApp } from '../store/store';
import type { Mode } from '../store/form';
import { NumberField } from './NumberField';

function clampInt(v: number, min: number, max: number, what: string) {
  if (!Number.isFinite(v)) return { value: min, note: `${what} must be a number; using ${min}.` };
  const r = Math.round(v);
  if (r < min) return { value: min, note: `${what} ${v} is below ${min}; using ${min}.` };
  if (r > max) return { value: max, note: `${what} ${v} is more than the model reads (${max} tokens); using ${max}.` };
  return { value: r, note: r !== v ? `${what} ${v} is not a whole number; using ${r}.` : null };
}

export function PromptPanel() {
  const form = useApp((s) => s.form);
  const setForm = useApp((s) => s.setForm);
  const busy = useApp(isBusy);
  const ready = useApp((s) => s.engine.status === 'ready');
  const context = useApp((s) => s.engine.model?.context ?? 128);
  const runError = useApp((s) => s.runError);
  const running = useApp((s) => s.run?.status === 'running' || s.pending !== null);
  const { generate, stop, regenerate, startCompare } = useApp.getState();
  const area = useRef<HTMLTextAreaElement>(null);
  const buttons = useRef<HTMLDivElement>(null);
  const generateButton = useRef<HTMLButtonElement>(null);
  const stopButton = useRef<HTMLButtonElement>(null);
  const wasRunning = useRef(running);
  // The button a keyboard user pressed is disabled as the run starts, which drops focus to the page:
  // hand it to Stop, and back to Generate once the run ends. Only focus that was lost moves; a user
  // who went on to a field keeps it.
  useLayoutEffect(() => {
    if (running === wasRunning.current) return;
    wasRunning.current = running;
    const active = document.activeElement;
    const lost = active === null || active === document.body;
    if (running && (lost || (active instanceof HTMLButtonElement && buttons.current?.contains(active)))) {
      stopButton.current?.focus();
    } else if (!running && (lost || active === stopButton.current)) {
      generateButton.current?.focus();
    }
  }, [running]);

  const text = form.mode === 'fill' ? form.template : form.prompt;
  const setText = (t: string) => setForm(form.mode === 'fill' ? { template: t } : { prompt: t });

  const insertBlank = () => {
    const el = area.current;
    const at = el ? el.selectionStart : text.length;
    const end = el ? el.selectionEnd : text.length;
    const blank = '[___]';
    setText(text.slice(0, at) + blank + text.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + blank.length, at + blank.length);
    });
  };

  const setMode = (mode: Mode) => setForm({ mode });

  return (
    <section className="panel prompt-panel" aria-labelledby="prompt-title">
      <h2 id="prompt-title" className="sr-only">
        Prompt
      </h2>
      <fieldset className="mode">
        <legend>Mode</legend>
        <label>
          <input
            type="radio"
            name="mode"
            data-testid="mode-prompt"
            checked={form.mode === 'prompt'}
            onChange={() => setMode('prompt')}
          />
          Continue a prompt
        </label>
        <label>
          <input
            type="radio"
            name="mode"
            data-testid="mode-fill"
            checked={form.mode === 'fill'}
            onChange={() => setMode('fill')}
          />
          Fill in the blanks
        </label>
      </fieldset>
      <label htmlFor="prompt-box" className="prompt-label">
        {form.mode === 'fill' ? 'Template' : 'Prompt'}
      </label>
      <textarea
        id="prompt-box"
        ref={area}
        data-testid="prompt"
        rows={3}
        value={text}
        spellCheck={false}
        aria-describedby="prompt-help"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          // Ctrl/Cmd+Enter runs, as in most editors.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            generate();
          }
        }}
      />
      {form.mode === 'fill' ? (
        <div className="fill-help" id="prompt-help">
          <p>
            Write <code>[___]</code> for a blank of {form.blankLength} tokens, or <code>[12]</code> for a blank of
            exactly 12 tokens. The model fills every blank and keeps your words in place.
          </p>
          <div className="row">
            <NumberField
              label="Length of [___]"
              testId="blank-length"
              value={form.blankLength}
              onChange={(v) => setForm({ blankLength: v })}
              clamp={(v) => clampInt(v, 1, context, 'Blank length')}
              min={1}
              max={context}
              step={1}
            />
            <button type="button" onClick={insertBlank} data-testid="insert-blank">
              Insert blank
            </button>
          </div>
        </div>
      ) : (
        <div className="row" id="prompt-help">
          <NumberField
            label="Tokens to generate"
            testId="length"
            value={form.length}
            onChange={(v) => setForm({ length: v })}
            clamp={(v) => clampInt(v, 1, context, 'Length')}
            min={1}
            max={context}
            step={1}
            hint={`The prompt and the new tokens share the model's ${context}-token window. Ctrl+Enter generates, Escape stops.`}
          />
        </div>
      )}
      <div className="buttons" ref={buttons}>
        <button
          type="button"
          className="primary"
          data-testid="generate"
          ref={generateButton}
          disabled={!ready || busy}
          onClick={generate}
        >
          Generate
        </button>
        <button type="button" data-testid="stop" ref={stopButton} disabled={!running} onClick={stop}>
          Stop
        </button>
        <button
          type="button"
          data-testid="regenerate"
          disabled={!ready || busy}
          onClick={regenerate}
          title="Run again with a new random seed"
        >
          Regenerate
        </button>
        <button
          type="button"
          data-testid="compare"
          disabled={!ready || busy}
          onClick={startCompare}
          title="Run the same prompt in diffusion order, then left to right"
        >
          Compare with left-to-right
        </button>
      </div>
      {runError && (
        <p className="error-inline" role="alert" data-testid="run-error">
          {runError}
        </p>
      )}
    </section>
  );
}
