// Names, labels and contents from an archive are text, never markup; the page
// talks to no other origin; the Content-Security-Policy holds (no violations).
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, openFile, shot, tmp, web } from './util';

const hostile = resolve(tmp, 'hostile.tar');

test.beforeAll(() => {
  execFileSync('python3', [resolve(web, 'e2e/make-hostile.py'), hostile]);
});

/** Records CSP violations and any payload that ran. */
async function watch(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { __violations: string[] }).__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __violations: string[] }).__violations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
}

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null);
const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

test('hostile names, labels, tags and contents render literally', async ({ page }) => {
  await watch(page);
  await page.goto('./');
  await openFile(page, hostile);
  const P = (n: number) => `<img src=x onerror="window.__pwned=${n}">`;

  // Tags, author-free summary, layers.
  await expect(page.locator('#tags .chip').nth(1)).toHaveText(`hostile/${P(14)}:2`);
  // File names in the tree (the changes of the only layer, all expanded).
  await page.locator('#view-layer').click();
  await expect(page.locator('#tree').getByText(`${P(1)}.conf`, { exact: true })).toBeVisible();
  await expect(page.locator('#tree').getByText('<b onmouseover="window.__pwned=15">bold', { exact: true })).toBeVisible();
  await expect(page.locator('#tree').getByText('<svg onload="window.__pwned=4">.txt', { exact: true })).toBeVisible();
  // A symlink whose name and target are markup.
  await page.locator('#tree').getByText(P(5), { exact: true }).click();
  await expect(page.locator('#link-note')).toContainText(`"><img src=x onerror="window.__pwned=6">`);
  // File content.
  await page.locator('#tree').getByText(`${P(1)}.conf`, { exact: true }).click();
  await expect(page.locator('#text')).toContainText('<script>window.__pwned=3</script>');
  await shot(page, 'hostile-files');

  // Labels, env, command in the config view; the history step.
  await page.locator('#tab-config').click();
  await expect(page.locator('#labels')).toContainText(P(9));
  await expect(page.locator('#labels')).toContainText(P(10));
  await expect(page.locator('#env')).toContainText(P(8));
  await expect(page.locator('#raw-config')).toContainText('"author": "<img src=x onerror=\\"window.__pwned=7\\">"');
  await page.locator('#tab-history').click();
  await expect(page.locator('#history')).toContainText(P(13));
  await shot(page, 'hostile-config');

  // Nothing became an element, nothing ran.
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  expect(await page.locator('b[onmouseover]').count()).toBe(0);
  expect(await page.locator('svg[onload]').count()).toBe(0);
  expect(await pwned(page)).toBeNull();
  expect(await violations(page)).toEqual([]);
});

test('images preview as <img> of blob: URLs; a scripted SVG does not run', async ({ page }) => {
  await watch(page);
  await page.goto('./');
  await openFile(page, hostile);
  await page.locator('#view-layer').click();
  await filter(page, 'www/');
  await page.locator('.r[data-path="www/pixel.png"]').click();
  const img = page.locator('#preview');
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(48);
  await page.locator('.r[data-path="www/logo.svg"]').click();
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((e) => (e as HTMLImageElement).naturalWidth)).toBe(64);
  await shot(page, 'image-preview-svg');
  expect(await page.locator('rect[fill="#c33"]').count()).toBe(0);
  expect(await pwned(page)).toBeNull();
  // The SVG source is still readable as text.
  await page.locator('#mode-text').click();
  await expect(page.locator('#text')).toContainText('<script>window.parent.__pwned=21</script>');
  expect(await violations(page)).toEqual([]);
});

test('no request leaves the origin; CSP is strict and never violated', async ({ page, baseURL }) => {
  await watch(page);
  const origin = new URL(baseURL!).origin;
  const foreign: string[] = [];
  page.context().on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !u.startsWith('blob:') && !u.startsWith('data:')) foreign.push(u);
  });
  const seen: string[] = [];
  page.context().on('request', (r) => seen.push(r.url()));
  // Every script this origin serves (the page's, the worker's) carries a policy without eval.
  const scriptPolicies: string[] = [];
  page.context().on('response', (r) => {
    if (/\.m?js$/.test(new URL(r.url()).pathname)) scriptPolicies.push(r.headers()['content-security-policy'] ?? '(none)');
  });
  const resp = await page.goto('./');
  const header = resp!.headers()['content-security-policy'] ?? '';
  expect(header).toContain("default-src 'none'");
  expect(header).not.toMatch(/https?:|\*|'unsafe-inline'|'unsafe-eval'/);
  // The static meta policy leaves connect-src to the second one, which the first
  // script adds (public/connect-policy.js): with no ?src=, this origin only.
  const metas = await page.locator('meta[http-equiv="Content-Security-Policy"]').evaluateAll((ms) => ms.map((m) => m.getAttribute('content') ?? ''));
  expect(metas).toHaveLength(2);
  expect(metas[0]).toContain("connect-src 'self' http: https:;");
  expect(metas[0].replace("connect-src 'self' http: https:;", '')).not.toMatch(/https?:|\*|'unsafe-inline'|'unsafe-eval'/);
  expect(metas[1]).toBe("connect-src 'self'");
  expect(await page.locator('html').getAttribute('data-connect')).toBe('');

  // A full session: the example (fetched from this origin), tree, file, history, config.
  await page.locator('#try-example').click();
  await expect(page.locator('#archive-panel')).toBeVisible();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('[');
  await page.locator('#tab-history').click();
  await page.locator('#tab-config').click();
  await openFile(page, hostile);
  await page.locator('#view-layer').click();
  await filter(page, 'png');
  await page.locator('.r[data-path="www/pixel.png"]').click();
  await expect(page.locator('#preview')).toHaveAttribute('src', /^blob:/);

  expect(seen.some((u) => u.endsWith('.wasm')), 'the wasm came from this origin').toBe(true);
  expect(seen.some((u) => u.endsWith('examples/demo.tar'))).toBe(true);
  expect(foreign).toEqual([]);
  expect(scriptPolicies.length, 'the page and worker scripts were fetched').toBeGreaterThan(1);
  for (const p of scriptPolicies) expect(p).not.toMatch(/'unsafe-eval'|'unsafe-inline'|\(none\)/);
  expect(await violations(page)).toEqual([]);
});
