// Turning a failed engine start into its real cause and the next step. ORT and Emscripten report
// a wasm file that did not arrive, a model it cannot parse and a browser without the features in
// the same way ("no available backend found" plus raw text); the user needs to know which it was.
import { ACTIONS, RuntimeError, messageOf } from './errors';

export type FailureCause = 'network' | 'corrupt' | 'unsupported';

// Texts seen from Chromium, Firefox and Emscripten when a file did not arrive.
const NETWORK =
  /failed to fetch|fetching of the wasm failed|networkerror|network error|load failed|dynamically imported module|importing a module script failed|err_internet|err_network|status code 40\d|status code 50\d/i;
// onnxruntime's words for a model it cannot read.
const CORRUPT = /protobuf|invalid model|model_proto|modelproto|failed to load model|deserializ/i;

/** The cause of an engine failure, from its text (and whether the browser says it is offline). */
export function causeOf(err: unknown, online: boolean): FailureCause {
  const text = fullText(err);
  if (!online || NETWORK.test(text)) return 'network';
  if (CORRUPT.test(text)) return 'corrupt';
  return 'unsupported';
}

/** The whole chain of messages (an error's cause often holds the telling part). */
function fullText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e !== undefined && e !== null && i < 5; i++) {
    parts.push(messageOf(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' | ');
}

/**
 * A RuntimeError that names the cause in plain words; the engine's own text travels as `detail`
 * (for a bug report), never as the message. A RuntimeError that already names a cause other than
 * "no backend" (e.g. a corrupt model's outputs) is kept.
 */
export function classifyEngineFailure(err: unknown, online: boolean): RuntimeError {
  for (let e: unknown = err, i = 0; e instanceof Error && i < 5; i++, e = e.cause) {
    if (e instanceof RuntimeError && e.code !== 'no-backend' && e.code !== 'internal') return e;
  }
  const detail = fullText(err);
  switch (causeOf(err, online)) {
    case 'network':
      return new RuntimeError(
        'download-failed',
        "The engine's files could not be downloaded: the network failed while the app was starting",
        ACTIONS.retryDownload,
        { cause: err, detail },
      );
    case 'corrupt':
      return new RuntimeError(
        'corrupt-model',
        'The model file is damaged: the engine cannot read it',
        ACTIONS.corrupt,
        {
          cause: err,
          detail,
        },
      );
    default:
      return new RuntimeError(
        'no-backend',
        'This browser cannot run the model: neither WebGPU nor WebAssembly could start',
        ACTIONS.noBackend,
        { cause: err, detail },
      );
  }
}
