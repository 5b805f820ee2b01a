// Issue 14, ergonomics: what a deleted path weighed, the largest files of a
// listing, columns and the hex view that fit at 1366 px, the viewer reachable
// on a phone, a theme toggle that says where it goes.
import { expect, test } from '@playwright/test';
import { filter, fixture, openFile, truth } from './util';
import { formatBytes } from '../src/state/format';

test('a layer that deletes paths shows what the deleted copies weighed', async ({ page }) => {
  // Layer 5 of the features image whites out two files that layer 2 wrote (truth.json has their sizes).
  const t = truth('docker20-save-features');
  const written = new Map(t.images[0].layers[2].entries.map((e) => [e.path, (e as unknown as { size: number }).size]));
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#layers .layer[data-layer="5"]').click();
  await page.locator('#view-layer').click();
  for (const path of t.images[0].layers[5].whiteouts) {
    const row = page.locator(`.r[data-path="${path}"]`);
    await expect(row.locator('.mark.D')).toBeVisible();
    await expect(row.locator('.num .was')).toHaveText(formatBytes(written.get(path)!));
  }
});

test('largest files: one flat list across directories, largest first, with the writing layer', async ({ page }) => {
  const files = (truth('docker20-save-features').images[0].merged_fs.paths as { path: string; find_type?: string; size?: number }[]).filter((p) => p.find_type === 'f');
  const biggest = [...files].sort((a, b) => b.size! - a.size!);
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await page.locator('#sort').selectOption('largest');
  const rows = page.locator('.r');
  await expect(rows.first()).toHaveAttribute('data-path', biggest[0].path);
  const shown = await rows.evaluateAll((rs) => rs.slice(0, 6).map((r) => r.getAttribute('data-path')!));
  const size = new Map(files.map((f) => [f.path, f.size!]));
  for (let k = 1; k < shown.length; k++) expect(size.get(shown[k])!).toBeLessThanOrEqual(size.get(shown[k - 1])!);
  await expect(rows.first().locator('.lnum')).not.toHaveText('');
  await filter(page, 'etc/');
  await expect(rows.first()).toHaveAttribute('data-path', files.filter((f) => f.path.startsWith('etc/')).sort((a, b) => b.size! - a.size!)[0].path);
});

test('at 1366 px: the tree shows Owner, the hex view its ASCII column', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'busybox');
  await page.locator('.r[data-path="bin/busybox"]').click();
  await expect(page.locator('.r[data-path="bin/busybox"] .owner')).toBeVisible();
  await expect(page.locator('.r[data-path="bin/busybox"] .owner')).toHaveText('0:0');
  await page.locator('#mode-hex').click();
  const ascii = page.locator('#hex .hex-row .ascii').first();
  await expect(ascii).toBeVisible();
  const fits = await page.locator('#hex').evaluate((list) => {
    const a = list.querySelector('.hex-row .ascii')!.getBoundingClientRect();
    return a.right <= list.getBoundingClientRect().right;
  });
  expect(fits).toBe(true);
});

test('on a phone, picking a file brings the viewer into sight', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#viewer-path')).toBeInViewport();
  await expect(page.locator('#text')).toContainText('version 2');
});

test('the theme toggle says which theme it switches to', async ({ page }) => {
  await page.goto('./');
  const t = page.locator('#theme');
  await expect(t).toHaveAttribute('aria-label', /switch to the light theme/);
  await t.click();
  await expect(t).toHaveAttribute('aria-label', /switch to the dark theme/);
  await t.click();
  await expect(t).toHaveAttribute('aria-label', /switch to the system’s theme/);
});
