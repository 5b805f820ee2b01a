// `make bench`, the browser half (tests/bench/bench.py runs it): the e2e suite's
// setup (web/playwright.config.ts: Debian's chromium, web/dist served by serve.mjs
// with its CSP headers) on the archives bench.py generated, one test at a time.
// Not part of `make test`.
import { defineConfig } from '@playwright/test';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import base from '../playwright.config';

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: /.*\.bench\.ts/,
  outputDir: resolve(here, '../../test-results/playwright-bench'),
  timeout: 3 * 60 * 60_000,
  workers: 1,
  use: {
    ...base.use,
    launchOptions: { ...base.use!.launchOptions, args: [...(base.use!.launchOptions!.args ?? []), '--enable-precise-memory-info'] },
    trace: 'off',
    screenshot: 'off',
  },
  webServer: { ...(base.webServer as { command: string }), cwd: resolve(here, '..') },
});
