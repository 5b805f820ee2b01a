// A 4.5 GiB archive (a sparse file: ~12 KB of disk, tests/huge/make_huge.py) in the
// page: File.slice offsets past 2^32 reach the core intact; only headers are read;
// a file stored after the 4.5 GiB one shows its exact text.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, openFile, repo, tmp } from './util';

const huge = resolve(tmp, 'huge-4.5g.tar');
let facts: { size: number; big: number; tail: string };
test.beforeAll(() => {
  test.setTimeout(300_000); // make_huge.py hashes the 4.5 GiB it describes
  facts = JSON.parse(execFileSync('python3', [resolve(repo, 'tests/huge/make_huge.py'), huge]).toString());
});
test.afterAll(() => rmSync(huge, { force: true }));

test('a 4.5 GiB archive: sizes past 4 GiB, headers only, a file stored past 4 GiB reads back', async ({ page }) => {
  await page.goto('./');
  await openFile(page, huge);
  await expect(page.locator('#tags .chip')).toHaveText(['huge:1']);
  await expect(page.locator('#archive-panel')).toContainText('4.50 GiB');
  const read = await page.evaluate(() => document.querySelector('layer-scope-app')!.current!.engine.bytesRead());
  expect(read).toBeLessThan(1 << 20);
  await page.locator('#view-merged').click();
  // The 4.5 GiB entry's own size, not only the archive's (a wrapped 32-bit size would be ~512 MiB).
  await filter(page, 'big.bin');
  await expect(page.locator('.r[data-path="big.bin"]')).toContainText('4.50 GiB');
  await filter(page, 'tail.txt');
  await page.locator('.r[data-path="after/tail.txt"]').click();
  await expect(page.locator('#text')).toContainText(facts.tail.trim());
});
