import { defineConfig } from '@playwright/test';

// Without this, Playwright neither reports nor routes the service worker's own requests, and the
// offline and same-origin checks could not see them (playwright.dev/docs/service-workers-experimental).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

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
    baseURL: 'http://localhost:4173',
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
    command: 'npx vite preview --port 4173 --strictPort',
    url: 'http://localhost:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
