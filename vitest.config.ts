import { defineConfig } from 'vitest/config';

// Unit tests run in Node: the engine is pure, and the runtime tests use onnxruntime-web's WASM
// backend in Node against the committed model. One worker: the machine has two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
  },
});
