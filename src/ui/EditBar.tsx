// Edit by re-masking: the selected words become masked again and the model fills them using the
// text on both sides; undo brings the previous text back.
import { isBusy, useApp } from '../store/store';
import { useCanvasView } from './canvasView';
import type { Slot } from './passage';

export function EditBar({ editable, slots }: { editable: boolean; slots: readonly Slot[] }) {
  const selection = useCanvasView((s) => s.selection);
  const clear = useCanvasView((s) => s.clear);
  const canUndo = useApp((s) => s.history.length > 0 && !isBusy(s));
  // The run stays on screen while another model or backend loads, or after the engine failed.
  const ready = useApp((s) => s.engine.status === 'ready');
  const { reimagine, undo } = useApp.getState();
  const words = new Set(slots.filter((s) => selection.includes(s.index)).map((s) => s.word)).size;
  const status = !editable
    ? ''
    : !ready
      ? 'Re-imagine works once the model is ready (the engine status above says what it is doing).'
      : selection.length > 0
        ? `${words} word${words === 1 ? '' : 's'} selected (${selection.length} token${selection.length === 1 ? '' : 's'}).`
        : 'Select words to re-imagine: click, shift-click or drag; or Space on a focused word.';
  return (
    <div className="edit-bar" role="group" aria-label="Edit by re-masking">
      <button
        type="button"
        data-testid="reimagine"
        disabled={!editable || !ready || selection.length === 0}
        onClick={() => reimagine(selection)}
        title="Mask the selected words again and let the model fill them from the text on both sides"
      >
        Re-imagine{selection.length > 0 ? ` ${words} word${words === 1 ? '' : 's'}` : ''}
      </button>
      <button type="button" data-testid="undo" disabled={!canUndo} onClick={undo}>
        Undo
      </button>
      {selection.length > 0 && (
        <button type="button" data-testid="clear-selection" onClick={clear}>
          Clear selection
        </button>
      )}
      <span className="hint" role="status" data-testid="selection-status">
        {status}
      </span>
    </div>
  );
}
