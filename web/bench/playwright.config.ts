// `make bench`, the browser half (tests/bench/bench.py runs it): the built app
// (web/dist, served by serve.mjs as in the e2e suite) and its peers in Debian's
// chromium, on the archives bench.py generated. Not part of `make test`.
import { defineConfig } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const port = Number(process.env.LAYERSCOPE_E2E_PORT ?? 4174);

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  outputDir: resolve(here, '../../test-results/playwright-bench'),
  timeout: 3 * 60 * 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}/`,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--enable-precise-memory-info'],
    },
  },
  webServer: {
    command: `node serve.mjs --port ${port}`,
    cwd: resolve(here, '..'),
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    stdout: 'ignore',
  },
});
