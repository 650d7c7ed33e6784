// The control for a series of passes a view runs on demand (usePasses): the button that starts it,
// or its progress and Cancel while it runs, why it cannot start, and why it stopped. Screen readers
// hear the start and the end, not every pass.
import type { PassesState } from './usePasses';

export function PassesControl<T>({
  state,
  testId,
  label,
  progress,
  disabled,
  why,
  working,
  done,
  onRun,
  onCancel,
}: {
  state: PassesState<T>;
  /** The prefix of its test ids: `-run`, `-progress`, `-cancel`, `-stopped`. */
  testId: string;
  label: string;
  progress: (done: number, total: number) => string;
  disabled: boolean;
  /** Why it cannot start now (said beside the disabled button). */
  why: string | null;
  /** What a screen reader hears when it starts, and when it has ended. */
  working: string;
  done: string;
  onRun(): void;
  onCancel(): void;
}) {
  const status = (
    <span className="sr-only" role="status">
      {state.phase === 'running' ? working : state.phase === 'done' ? done : state.phase === 'stopped' ? state.why : ''}
    </span>
  );
  if (state.phase === 'running')
    return (
      <p className="lean-progress">
        {status}
        <label>
          {progress(state.done, state.total)}{' '}
          <progress value={state.done} max={state.total} data-testid={`${testId}-progress`} />
        </label>{' '}
        <button type="button" data-testid={`${testId}-cancel`} onClick={onCancel}>
          Cancel
        </button>
      </p>
    );
  return (
    <p>
      {status}
      <button type="button" data-testid={`${testId}-run`} disabled={disabled} onClick={onRun}>
        {label}
      </button>
      {why && <span className="hint"> {why}</span>}
      {state.phase === 'stopped' && (
        <span className="hint" data-testid={`${testId}-stopped`}>
          {' '}
          {state.why}
        </span>
      )}
    </p>
  );
}
