// The single-file build (dist/layerscope-standalone.html: wasm and an iife worker
// inlined) inspects archives from file:// with no network at all.
import { expect, test } from '@playwright/test';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { filter, fixture, openFile, shot, web } from './util';

test('single-file build works from file:// with no network', async ({ page }) => {
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const url = pathToFileURL(resolve(web, 'dist/layerscope-standalone.html')).href;
  await page.goto(url);
  await expect(page.locator('#landing')).toBeVisible();
  await expect(page.locator('#try-example')).toHaveCount(0); // nothing to fetch from file://
  await openFile(page, fixture('skopeo-oci-archive-zstd-features'));
  await expect(page.locator('#tags .chip')).toHaveText(['fixture/features:1.0']);
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
  await shot(page, 'single-file');
  const metas = await page.locator('meta[http-equiv="Content-Security-Policy"]').evaluateAll((ms) => ms.map((m) => m.getAttribute('content') ?? ''));
  expect(metas).toHaveLength(2);
  expect(metas[0]).toContain("default-src 'none'");
  // connect-src is left to the second policy (the inlined connect-policy.js): with
  // no ?src=, nothing but the page's own data: URLs
  expect(metas[0].replace("connect-src data: http: https:;", '')).not.toMatch(/https?:|'unsafe-inline'|'unsafe-eval'/);
  expect(metas[1]).toBe("connect-src 'self' data:");
  for (const u of requests) expect(u, 'only the page itself, blob: and data: URLs').toMatch(/^(file:|blob:|data:)/);
  expect(requests.filter((u) => u.startsWith('file:'))).toEqual([url]);
  expect(violations).toEqual([]);
});
