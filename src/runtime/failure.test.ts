import { describe, expect, it } from 'vitest';
import { ACTIONS, RuntimeError } from './errors';
import { causeOf, classifyEngineFailure } from './failure';

// Texts as onnxruntime-web and Emscripten give them (chooseBackend wraps them as 'no-backend').
const wrapped = (engineText: string) =>
  new RuntimeError(
    'no-backend',
    `The model cannot run in this browser (x; WASM failed too: ${engineText})`,
    ACTIONS.noBackend,
    {
      cause: new Error(engineText),
    },
  );

describe('engine failures', () => {
  it('a wasm that did not arrive is a network failure, with the engine text only as detail', () => {
    const err = classifyEngineFailure(
      wrapped(
        'no available backend found. ERR: [wasm] RuntimeError: Aborted(both async and sync fetching of the wasm failed)',
      ),
      true,
    );
    expect(err.code).toBe('download-failed');
    expect(err.action).toBe(ACTIONS.retryDownload);
    expect(err.message).not.toMatch(/Aborted|backend found|cannot run/);
    expect(err.detail).toMatch(/both async and sync fetching/);
    expect(causeOf(new TypeError('Failed to fetch dynamically imported module: /assets/ort.mjs'), true)).toBe(
      'network',
    );
  });

  it('offline, any start failure is a network failure', () => {
    expect(causeOf(new Error('something odd'), false)).toBe('network');
  });

  it('a model onnxruntime cannot parse is a corrupt file', () => {
    const err = classifyEngineFailure(
      wrapped("Can't create a session. Failed to load model because protobuf parsing failed."),
      true,
    );
    expect(err.code).toBe('corrupt-model');
    expect(err.action).toBe(ACTIONS.corrupt);
  });

  it('anything else is a browser that cannot run the model', () => {
    const err = classifyEngineFailure(wrapped('WebAssembly.instantiate(): SIMD unsupported'), true);
    expect(err.code).toBe('no-backend');
    expect(err.message).toBe('This browser cannot run the model: neither WebGPU nor WebAssembly could start');
  });

  it('keeps a cause the runtime already named (e.g. a model with the wrong outputs)', () => {
    const corrupt = new RuntimeError('corrupt-model', 'wrong outputs', ACTIONS.corrupt);
    const outer = new RuntimeError('no-backend', 'The model cannot run', ACTIONS.noBackend, { cause: corrupt });
    expect(classifyEngineFailure(outer, true)).toBe(corrupt);
  });
});
