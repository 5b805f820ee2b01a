// 200,000 paths: the tree lists them in pages, keeps only the visible rows in the
// DOM, scrolls, filters and expands. Figures go to test-results/many-files.json
// (no timing assertions: see DESIGN.md).
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, openFile, repo, shot, tmp, web } from './util';

const many = resolve(tmp, 'many-200k.tar');
test.beforeAll(() => {
  if (!existsSync(many)) execFileSync('python3', [resolve(web, 'e2e/make-many-files.py'), many, '200000']);
});

test('200,000 paths: list, expand all, scroll, filter', async ({ page }) => {
  test.setTimeout(120_000);
  const figures: Record<string, number> = {};
  await page.goto('./');
  let t = Date.now();
  await openFile(page, many);
  figures.open_ms = Date.now() - t;
  t = Date.now();
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText('200,401 paths', { timeout: 60_000 });
  figures.list_and_build_tree_ms = Date.now() - t;

  t = Date.now();
  await page.locator('#expand-all').click();
  await expect.poll(() => page.locator('#tree').evaluate((e) => e.scrollHeight)).toBeGreaterThan(200_000 * 26);
  figures.expand_all_ms = Date.now() - t;

  const scroll = await page.locator('#tree').evaluate(async (el) => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
    const times: number[] = [];
    for (let k = 1; k <= 60; k++) {
      const t0 = performance.now();
      el.scrollTop = (el.scrollHeight * k) / 60;
      await frame();
      await frame();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: times[30], max: times[59], rows: el.querySelectorAll('.r').length };
  });
  figures.scroll_two_frames_median_ms = Math.round(scroll.median);
  figures.scroll_two_frames_max_ms = Math.round(scroll.max);
  figures.rows_in_dom = scroll.rows;
  expect(scroll.rows).toBeLessThan(200);
  await expect(page.locator('.r[data-path^="data/d399/"]').last()).toBeVisible();
  await shot(page, 'many-files-scrolled');

  t = Date.now();
  await filter(page, 'file-0499');
  await expect(page.locator('#tree-info')).toContainText('400 matches');
  figures.filter_ms = Date.now() - t;
  await filter(page, 'd123/*7.txt', 'glob');
  await expect(page.locator('#tree-info')).toContainText('50 matches');
  // A filter keeping many rows draws its first screenful at once, the rest a frame
  // later: the whole listing ends up there (data/, 400 directories, 40,000 matches).
  await filter(page, 'file-04');
  await expect(page.locator('#tree-info')).toContainText('40,000 matches');
  await expect.poll(() => page.locator('#tree').evaluate((e) => e.scrollHeight)).toBe(40_401 * 26);
  await page.locator('#tree').press('End');
  await expect(page.locator('.r[data-path="data/d399/file-0499.txt"]')).toBeVisible();
  writeFileSync(resolve(repo, 'test-results/many-files.json'), JSON.stringify(figures, null, 2) + '\n');
});

const deep = resolve(tmp, 'deep-200k.tar');

test('200,000 deep paths (~167 bytes each): the page JS heap the tree costs (figures)', async ({ page }) => {
  test.setTimeout(180_000);
  if (!existsSync(deep)) execFileSync('python3', [resolve(web, 'e2e/make-many-files.py'), deep, '200000', '12']);
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.goto('./');
  const before = await heap();
  await openFile(page, deep);
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText('paths', { timeout: 120_000 });
  await page.locator('#expand-all').click();
  await expect.poll(() => page.locator('#tree').evaluate((e) => e.scrollHeight), { timeout: 60_000 }).toBeGreaterThan(200_000 * 26);
  const after = await heap();
  const figures = { paths: 200_000, mean_path_bytes: 167, heap_before_mib: before / 2 ** 20, heap_after_mib: after / 2 ** 20, tree_heap_mib: (after - before) / 2 ** 20 };
  writeFileSync(resolve(repo, 'test-results/many-files-deep.json'), JSON.stringify(figures, null, 2) + '\n');
  console.log('deep paths heap', JSON.stringify(figures));
  // the issue-13 bound: tens of MB for 200,000 deep paths, not hundreds (48 MiB measured)
  expect(figures.tree_heap_mib).toBeLessThan(100);
});
