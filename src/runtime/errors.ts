// One error type for everything the runtime can fail at: a protocol error code, a message saying
// what happened, and the action the user can take. The worker forwards the three fields as-is.
import type { ErrorCode } from '../worker/protocol';

export class RuntimeError extends Error {
  readonly code: ErrorCode;
  readonly action: string;

  constructor(code: ErrorCode, message: string, action: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    this.action = action;
  }
}

export const ACTIONS = {
  retryDownload: 'Check your connection and press Retry',
  corrupt: 'The model file is damaged; press Retry to download it again',
  reload: 'Reload the page; if it happens again, please report it',
  noBackend: 'Use a recent Chrome, Edge or Firefox with WebAssembly enabled',
} as const;

/** The message of anything thrown, for error texts. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
