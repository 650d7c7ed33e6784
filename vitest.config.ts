import { defineConfig } from 'vitest/config';

// Unit tests run in Node: the engine is pure, and the runtime tests use onnxruntime-web's WASM
// backend in Node against the committed model (component tests, *.test.tsx, pick happy-dom in
// their first line). One worker: the machine has two cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
  },
});
