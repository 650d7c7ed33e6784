// The last line of defence: whatever a component throws, the page shows what happened, the text
// the user typed (to copy), and a way out: reset the saved settings (the text is kept) or reload.
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { messageOf } from '../runtime/errors';
import { useApp } from '../store/store';

interface State {
  error: unknown;
}

/** The user's text, read defensively: the state itself may be what broke. */
function keptText(): string {
  try {
    const f = useApp.getState().form as Partial<{ mode: unknown; prompt: unknown; template: unknown }>;
    const t = f?.mode === 'fill' ? f.template : f?.prompt;
    return typeof t === 'string' ? t : '';
  } catch {
    return '';
  }
}

export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error ?? new Error('unknown error') };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('The page failed to render', error, info.componentStack);
  }

  private reset = () => {
    try {
      useApp.getState().resetSettings();
    } catch {
      // Even a store that cannot reset must not keep the page blank: the reload below still works.
    }
    this.setState({ error: null });
  };

  render() {
    if (this.state.error === null) return this.props.children;
    const text = keptText();
    return (
      <main className="layout crash" role="alert" data-testid="crash">
        <section className="panel error-box">
          <h1>Something on this page broke</h1>
          <p>
            The page could not show itself ({messageOf(this.state.error)}). This is often caused by saved settings from
            another version of the app.
          </p>
          <p>Reset the saved settings to their defaults (your text below is kept), or reload the page.</p>
          {text && (
            <>
              <label htmlFor="kept-text">Your text</label>
              <textarea id="kept-text" data-testid="kept-text" readOnly rows={3} value={text} />
            </>
          )}
          <p className="actions">
            <button type="button" className="primary" data-testid="reset-settings" onClick={this.reset}>
              Reset saved settings
            </button>{' '}
            <button type="button" onClick={() => location.reload()}>
              Reload
            </button>
          </p>
        </section>
      </main>
    );
  }
}
