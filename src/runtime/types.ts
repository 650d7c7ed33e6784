// The runtime's words that the worker protocol, the store and the UI share: where the model runs
// and what can go wrong. They live here because the runtime produces them; everything above
// imports them from here (one import that runs upward).

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';
export type Backend = 'webgpu' | 'wasm';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm'];

export type ErrorCode =
  'no-backend' | 'download-failed' | 'corrupt-model' | 'bad-request' | 'busy' | 'device-lost' | 'internal';

export const ERROR_CODES: readonly ErrorCode[] = [
  'no-backend',
  'download-failed',
  'corrupt-model',
  'bad-request',
  'busy',
  'device-lost',
  'internal',
];
