// Browser end-to-end tests: Debian's chromium (no browser download), the built app
// (web/dist) served by web/serve.mjs with its real CSP headers. Run: web/test-e2e.sh
import { defineConfig } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.LAYERSCOPE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts', // (e2e/*.test.ts are unit tests: vitest)
  outputDir: resolve(here, '../test-results/playwright'),
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  // failure-tail: each failure's cause again at the very end (CI keeps the log's tail)
  reporter: [['list'], [resolve(here, 'e2e/failure-tail.ts')]], // (a path, not './…': bench/playwright.config.ts spreads this one)
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: `node serve.mjs --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
});
