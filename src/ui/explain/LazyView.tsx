// A view whose code loads when it is first opened, inside its own error boundary: a chunk that cannot
// load (offline before the service worker had cached it, or a deploy since) or a view that throws
// breaks that view only, says so, and offers Try again. React.lazy keeps a failed import for good, so
// Try again makes a new lazy component and imports again; where the browser keeps the failed chunk
// too, importAfresh asks for it under a new URL (e2e/explain.spec.ts). A shared chunk that failed with
// it cannot be asked for anew that way: after a failed Try again the message says to reload.
import { Component, lazy, Suspense, useState, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import { messageOf } from '../../runtime/errors';
import { causeOf } from '../../runtime/failure';
import { withTimeLimit } from '../../runtime/timeLimit';
import { importAfresh } from './importAfresh';

type Loader = () => Promise<{ default: ComponentType }>;

interface Props {
  load: Loader;
  /** What the view is called in its error, e.g. "the inspector". */
  name: string;
  fallback: ReactNode;
  /** A chunk that neither arrives nor fails (a hung connection) counts as failed after this long. */
  limitMs?: number;
}

export function LazyView({ load, name, fallback, limitMs = 60_000 }: Props) {
  const limited = () =>
    withTimeLimit(importAfresh(load), limitMs, `its code did not arrive within ${Math.round(limitMs / 1000)} s`);
  const [View, setView] = useState(() => lazy(limited));
  const [retried, setRetried] = useState(false);
  const retry = () => {
    setRetried(true);
    setView(() => lazy(limited));
  };
  return (
    <ViewBoundary name={name} retried={retried} onRetry={retry}>
      <Suspense fallback={fallback}>
        <View />
      </Suspense>
    </ViewBoundary>
  );
}

interface BoundaryProps {
  name: string;
  /** Whether Try again was pressed before: a browser may keep a failed download until a reload. */
  retried: boolean;
  onRetry: () => void;
  children: ReactNode;
}

class ViewBoundary extends Component<BoundaryProps, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error: error ?? new Error('unknown error') };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.name} failed`, error, info.componentStack);
  }

  private retry = () => {
    this.props.onRetry();
    this.setState({ error: null });
  };

  render() {
    if (this.state.error === null) return this.props.children;
    const networkCause = causeOf(this.state.error, navigator.onLine) === 'network';
    return (
      <div role="alert" className="error" data-testid="view-failed">
        <p>
          {capitalized(this.props.name)} could not be shown ({messageOf(this.state.error)}).{' '}
          {networkCause
            ? 'Its code did not arrive: if this device is offline, it may not be saved here yet. Connect, then try again.'
            : 'Try again, or reload the page if it happens again.'}{' '}
          {this.props.retried && networkCause
            ? 'If it fails again while connected, reload the page: this browser may keep a failed download until then. '
            : ''}
          The rest of the page works as before.
        </p>
        <button type="button" data-testid="view-retry" onClick={this.retry}>
          Try again
        </button>
      </div>
    );
  }
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
