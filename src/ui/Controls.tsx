// The sampler's controls. Every change goes to the form in the store; a run already going on
// keeps the settings it started with (the worker got a copy), so the panel says so.
import {
  HOT_TEMPERATURE,
  MAX_NGRAM,
  MAX_REFINE_ROUNDS,
  normalizeSettings,
  plannedSteps,
  refineShape,
  type SamplerSettings,
  type Strategy,
} from '../engine';
import { effectiveSettings, maskedCountOf } from '../store/form';
import { randomSeed } from '../store/seed';
import { isBusy, useApp } from '../store/store';
import type { BackendChoice } from '../runtime/types';
import { ModelPicker } from './ModelPicker';
import { NumberField, type Clamp } from './NumberField';

// Short names in the selects, what each does in the hint below: a long option is cut in a narrow
// select (Firefox at 1280 px cut "Linear (same count every step)").
const STRATEGIES: Array<{ value: Strategy; label: string; hint: string }> = [
  { value: 'confidence', label: 'Confidence', hint: 'The slots the model is most sure of first.' },
  { value: 'margin', label: 'Margin', hint: 'The slots with the clearest winner over the runner-up first.' },
  { value: 'entropy', label: 'Entropy', hint: 'The slots whose distribution is least uncertain first.' },
  { value: 'random', label: 'Random', hint: 'Slots in a random order, whatever the model thinks.' },
  {
    value: 'blocks',
    label: 'Blocks',
    hint: 'Block by block from left to right; inside each block, in the order chosen below.',
  },
  { value: 'left-to-right', label: 'Left to right', hint: 'One slot after another, like a normal language model.' },
];

const SCHEDULE_HINTS: Record<SamplerSettings['schedule'], string> = {
  linear: 'The same number of tokens every step.',
  cosine: 'Few tokens in the first steps, many at the end.',
  adaptive: 'Each step commits every slot the model is sure of.',
};

/** "1 step", "2 steps". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Clamps one field the way the engine would, keeping the engine's own sentence. */
function clampSetting(field: keyof SamplerSettings, value: number): Clamp {
  // Checked where it applies (the threshold under the adaptive schedule, the block length under
  // blocks): the field is shown only then, and the engine warns only then.
  const where: Partial<SamplerSettings> = { schedule: 'adaptive', strategy: 'blocks' };
  const { settings, warnings } = normalizeSettings({ ...where, [field]: value } as Partial<SamplerSettings>);
  return { value: settings[field] as number, note: warnings[0] ?? null };
}

export function Controls() {
  const form = useApp((s) => s.form);
  const busy = useApp(isBusy);
  const runSettings = useApp((s) => s.pending?.settings ?? (s.run?.status === 'running' ? s.run.settings : null));
  const backendChoice = useApp((s) => s.backendChoice);
  const setSettings = useApp((s) => s.setSettings);
  const setBackendChoice = useApp((s) => s.setBackendChoice);
  // A saved view preference (store/persist.ts), not a setting a run or a share link carries.
  const showDraft = useApp((s) => s.viewPrefs.showDraft);
  const setShowDraft = useApp((s) => s.setShowDraft);
  const s = form.settings;
  const masked = maskedCountOf(form);
  const { settings: effective, warnings } = effectiveSettings(form);
  const planned = plannedSteps(masked, effective);
  const refine = refineShape(masked, effective);
  const changedDuringRun = busy && runSettings !== null && JSON.stringify(effective) !== JSON.stringify(runSettings);

  const field = (key: keyof SamplerSettings) => ({
    value: s[key] as number,
    onChange: (v: number) => setSettings({ [key]: v } as Partial<SamplerSettings>),
    clamp: (v: number) => clampSetting(key, v),
  });

  return (
    <section className="panel controls" aria-labelledby="controls-title">
      <h2 id="controls-title">Settings</h2>
      <ModelPicker />
      {changedDuringRun && (
        <p className="next-run" role="status">
          Changes apply to the next run; the current run keeps its settings.
        </p>
      )}
      <NumberField
        label="Steps"
        testId="steps"
        {...field('steps')}
        min={1}
        step={1}
        slider={{ min: 1, max: Math.max(masked, 1), step: 1 }}
        hint={
          effective.strategy === 'left-to-right'
            ? `Left to right takes one step per token: ${planned} steps.`
            : effective.schedule === 'adaptive'
              ? `At most ${count(planned, 'step')} for ${count(masked, 'masked token')}${refine.rounds > 0 ? ', refinement included' : ''}: sure slots commit early, so a run often takes fewer.`
              : refine.rounds > 0
                ? `${count(planned - refine.rounds * refine.steps, 'step')} for ${count(masked, 'masked token')} + ${refine.rounds} × ${count(refine.steps, 'refinement step')} = ${planned}.`
                : `${count(planned, 'step')} for ${count(masked, 'masked token')}.`
        }
      />
      <div className="field">
        <label htmlFor="schedule">Schedule</label>
        <select
          id="schedule"
          data-testid="schedule"
          value={s.schedule}
          aria-describedby="schedule-hint"
          onChange={(e) => setSettings({ schedule: e.target.value as SamplerSettings['schedule'] })}
        >
          <option value="linear">Linear</option>
          <option value="cosine">Cosine</option>
          <option value="adaptive">Adaptive</option>
        </select>
        <p className="hint" id="schedule-hint">
          {SCHEDULE_HINTS[s.schedule]}
        </p>
      </div>
      {s.schedule === 'adaptive' && (
        <NumberField
          label="Sure at (top probability)"
          testId="threshold"
          {...field('threshold')}
          min={0}
          max={1}
          step={0.05}
          slider={{ min: 0.5, max: 1, step: 0.01 }}
          hint={
            effective.strategy === 'left-to-right'
              ? 'Left to right resolves one token per step: the threshold does not apply.'
              : `A step commits every masked slot${effective.strategy === 'blocks' ? ' of the current block' : ''} whose most likely token has probability ≥ ${effective.threshold}, and never fewer than the even pace that ends within the steps.`
          }
        />
      )}
      <NumberField
        label="Temperature"
        testId="temperature"
        {...field('temperature')}
        min={0}
        step={0.05}
        slider={{ min: 0, max: HOT_TEMPERATURE, step: 0.05 }}
        hint="0 always picks the most likely token (greedy)."
      />
      <div className="field">
        <label htmlFor="strategy">Unmasking order</label>
        <select
          id="strategy"
          data-testid="strategy"
          value={s.strategy}
          aria-describedby="strategy-hint"
          onChange={(e) => setSettings({ strategy: e.target.value as Strategy })}
        >
          {STRATEGIES.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <p className="hint" id="strategy-hint">
          {STRATEGIES.find((o) => o.value === s.strategy)?.hint}
        </p>
      </div>
      {s.strategy === 'blocks' && (
        <>
          <NumberField label="Block length" testId="block-length" {...field('blockLength')} min={1} step={1} />
          <div className="field">
            <label htmlFor="block-strategy">Order inside a block</label>
            <select
              id="block-strategy"
              data-testid="block-strategy"
              value={s.blockStrategy}
              aria-describedby="block-strategy-hint"
              onChange={(e) => setSettings({ blockStrategy: e.target.value as SamplerSettings['blockStrategy'] })}
            >
              {STRATEGIES.slice(0, 4).map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
            <p className="hint" id="block-strategy-hint">
              {STRATEGIES.find((o) => o.value === s.blockStrategy)?.hint}
            </p>
          </div>
        </>
      )}
      <div className="seed-row">
        <NumberField label="Seed" testId="seed" {...field('seed')} min={0} step={1} />
        <button
          type="button"
          className="dice"
          data-testid="dice"
          aria-label="Random seed"
          title="Random seed"
          onClick={() => setSettings({ seed: randomSeed() })}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <rect x="3" y="3" width="18" height="18" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
            <circle cx="8" cy="8" r="1.6" fill="currentColor" />
            <circle cx="12" cy="12" r="1.6" fill="currentColor" />
            <circle cx="16" cy="16" r="1.6" fill="currentColor" />
          </svg>
        </button>
      </div>
      <NumberField
        label="Refinement rounds (0 = off)"
        testId="refine"
        {...field('refineRounds')}
        min={0}
        max={MAX_REFINE_ROUNDS}
        step={1}
        hint={
          effective.refineRounds > 0
            ? `Each round masks the ${Math.round(effective.refineFraction * 100)}% least trusted generated tokens again and resolves them.`
            : 'After unmasking, the model can revisit the tokens it trusts least.'
        }
      />
      <div className="field check">
        <label>
          <input
            type="checkbox"
            data-testid="draft-toggle"
            checked={showDraft}
            onChange={(e) => setShowDraft(e.target.checked)}
          />
          Show the draft (the model's current guess in masked slots)
        </label>
      </div>
      <details className="advanced">
        <summary>Advanced</summary>
        <NumberField label="Top-k (0 = off)" testId="top-k" {...field('topK')} min={0} step={1} />
        <NumberField label="Top-p (1 = off)" testId="top-p" {...field('topP')} min={0} max={1} step={0.01} />
        <NumberField
          label="Repetition penalty (1 = off)"
          testId="repetition-penalty"
          {...field('repetitionPenalty')}
          min={1}
          step={0.05}
        />
        <NumberField
          label="Repetition window (tokens)"
          testId="repetition-window"
          {...field('repetitionWindow')}
          min={0}
          step={1}
        />
        <NumberField
          label="No repeated phrases of n tokens (0 = off)"
          testId="no-repeat-ngram"
          {...field('noRepeatNgram')}
          min={0}
          max={MAX_NGRAM}
          step={1}
          hint={
            effective.noRepeatNgram > 0
              ? `A slot may not take a token that would write a run of ${effective.noRepeatNgram} tokens the passage already holds.`
              : 'Off: the model may repeat itself word for word.'
          }
        />
        <NumberField
          label="Refinement share (of generated tokens per round)"
          testId="refine-fraction"
          {...field('refineFraction')}
          min={0.01}
          max={1}
          step={0.05}
        />
        <div className="field">
          <label htmlFor="backend-choice">Backend</label>
          <select
            id="backend-choice"
            data-testid="backend-choice"
            value={backendChoice}
            disabled={busy}
            onChange={(e) => setBackendChoice(e.target.value as BackendChoice)}
          >
            <option value="auto">Automatic (WebGPU if it works)</option>
            <option value="webgpu">WebGPU</option>
            <option value="wasm">WASM (CPU)</option>
          </select>
        </div>
      </details>
      {/* The live region is always there (one that appears with its text is often not read out); a
          list keeps its own role, so the region is a wrapper around it. */}
      <div role="status">
        {warnings.length > 0 && (
          <ul className="warnings" data-testid="settings-warnings">
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
