// One error type for everything the runtime can fail at: a protocol error code, a message saying
// what happened in plain words, and the action the user can take. The worker forwards the fields
// as-is; the engine's own text (never shown as the message) may travel as `detail`.
import type { ErrorCode } from './types';

export class RuntimeError extends Error {
  readonly code: ErrorCode;
  readonly action: string;
  readonly detail?: string;

  constructor(code: ErrorCode, message: string, action: string, options?: { cause?: unknown; detail?: string }) {
    super(message, options);
    this.name = 'RuntimeError';
    this.code = code;
    this.action = action;
    this.detail = options?.detail;
  }
}

/** Every next step the app offers, in one place. */
export const ACTIONS = {
  retryDownload: 'Check your connection and press Retry',
  corrupt: 'The model file is damaged; press Retry to download it again',
  missingFile:
    'The site has a newer version than this page: press Reload for the current version; if it happens again, the site is missing this file',
  reload: 'Reload the page; if it happens again, please report it',
  noBackend: 'Use a recent Chrome, Edge or Firefox with WebAssembly enabled',
  waitLoading: 'Wait until it is ready',
  waitLoad: 'Wait for it to finish',
  changeRequest: 'Change the prompt or the settings and try again',
  ownTab:
    'Open the page in a tab of its own, at its web address (not inside another page or as a file), then press Retry',
} as const;

/** The message of anything thrown, for error texts. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
