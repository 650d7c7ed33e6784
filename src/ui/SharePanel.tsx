// A link that restores the prompt, the mode, every setting and the model (same seed, same run), and
// what the explainer views show (the timeline's step, the inspected slot, the noise panel's level),
// and a button that copies the generated text.
import { useState } from 'react';
import { currentModel } from '../store/model';
import { shareUrl } from '../store/share';
import { useApp } from '../store/store';
import { useInspector } from './explain/inspectorState';
import { useNoiseView } from './explain/noiseView';
import { runText } from './passage';

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // no permission or no clipboard: the text is shown to copy by hand
  }
}

export function SharePanel() {
  const form = useApp((s) => s.form);
  const model = useApp(currentModel);
  // The passage exactly as the canvas shows it (the prompt as typed, then the generated text).
  const text = useApp((s) =>
    s.run?.status === 'done' && s.engine.model
      ? runText(s.run, s.engine.model.bytes ?? null, s.engine.model.pieces)
      : null,
  );
  const [link, setLink] = useState<string | null>(null);
  const [message, setMessage] = useState('');

  return (
    <section className="panel share" aria-labelledby="share-title">
      <h2 id="share-title" className="sr-only">
        Share
      </h2>
      <div className="buttons">
        <button
          type="button"
          data-testid="share"
          onClick={async () => {
            const inspector = useInspector.getState();
            const noise = useNoiseView.getState();
            const url = shareUrl(form, window.location, model, {
              step: useApp.getState().view,
              slot: inspector.open ? inspector.slot : null,
              noise: noise.open ? noise.noise : null,
            });
            setLink(url);
            setMessage((await copy(url)) ? 'Link copied.' : 'Copy the link below.');
          }}
        >
          Copy share link
        </button>
        <button
          type="button"
          data-testid="copy-text"
          disabled={text === null}
          onClick={async () =>
            setMessage((await copy(text ?? '')) ? 'Text copied.' : 'Could not copy: select the text and copy it.')
          }
        >
          Copy text
        </button>
        <span role="status" className="hint">
          {message}
        </span>
      </div>
      {link && (
        <input
          className="share-url"
          data-testid="share-url"
          aria-label="Share link"
          readOnly
          value={link}
          onFocus={(e) => e.target.select()}
        />
      )}
    </section>
  );
}
