import { defineConfig } from 'vitest/config';

// Unit tests run in Node: the engine is pure, and the runtime tests use onnxruntime-web's WASM
// backend in Node against the committed model (component tests, *.test.tsx, pick happy-dom in
// their first line). One worker: the machine has two cores.
export default defineConfig({
  plugins: [
    {
      // vite-plugin-pwa's virtual module exists only in the app's own build: here it resolves to a
      // stand-in that a component test replaces with vi.mock (src/ui/Pwa.test.tsx).
      name: 'pwa-register-stand-in',
      resolveId: (id) => (id === 'virtual:pwa-register/react' ? '\0pwa-register-react' : null),
      load: (id) =>
        id === '\0pwa-register-react'
          ? "export function useRegisterSW() { throw new Error('mock virtual:pwa-register/react in this test'); }"
          : null,
    },
  ],
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
    environment: 'node',
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
  },
});
