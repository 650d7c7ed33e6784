import { defineConfig } from '@playwright/test';

// Without this, Playwright neither reports nor routes the service worker's own requests, and the
// offline and same-origin checks could not see them (playwright.dev/docs/service-workers-experimental).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

// Where the build under test is served: E2E_PORT and E2E_DIST let two suites run side by side.
const port = Number(process.env.E2E_PORT ?? 4173);
const dist = process.env.E2E_DIST ?? 'dist';

// Debian's Chromium: `npx playwright install` cannot download browsers here.
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  // Two cores and a training job beside us: one test at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath, args },
    // Most tests start fresh and need no service worker; the PWA tests turn it on.
    serviceWorkers: 'block',
    viewport: { width: 1200, height: 860 },
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      // SwiftShader WebGPU (CPU): about a second per forward pass, so only the backend test runs here.
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...args, '--enable-unsafe-webgpu'] } },
    },
  ],
  webServer: {
    // Serves the build that `npm run test:e2e` just made, with the production headers.
    command: `npx vite preview --port ${port} --strictPort --outDir ${dist}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
