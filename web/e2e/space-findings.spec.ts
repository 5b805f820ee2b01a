// Issue 9 in the page: the Space and Findings tabs. Expectations are computed
// here from the fixture's truth.json (independent tools), not from our output:
// a regular-file copy is dead when a later layer has an entry at its path or the
// final filesystem lacks it (whiteout markers are not copies); wasted = their bytes; deleted-but-shipped = the dead
// copies whose path the final filesystem lacks.
import { expect, test } from '@playwright/test';
import { deadCopies, fixture, openFile, shot, truth } from './util';
import { formatBytes } from '../src/state/format';

for (const name of ['docker20-save-features', 'skopeo-oci-archive-zstd-features']) {
  test(`${name}: Space shows the wasted bytes and the biggest dead copy; its path opens in the tree`, async ({ page }) => {
    const dead = deadCopies(name);
    expect(dead.length).toBeGreaterThan(1);
    const wasted = dead.reduce((s, c) => s + c.size, 0);
    await page.goto('./');
    await openFile(page, fixture(name));
    await page.locator('#tab-space').click();
    await expect(page.locator('#wasted')).toHaveText(formatBytes(wasted));
    await expect(page.locator('#deleted-shipped')).toHaveText(formatBytes(dead.filter((c) => c.deleted).reduce((s, c) => s + c.size, 0)));
    const first = page.locator('#space-wasted tbody tr').first();
    await expect(first.locator('td').nth(0)).toHaveText(`/${dead[0].path}`);
    await expect(first.locator('td').nth(1)).toHaveText(formatBytes(dead[0].size));
    await expect(first.locator('td').nth(2)).toHaveText(`layer ${dead[0].layer}`);
    await expect(page.locator('#space-layers tbody tr')).toHaveCount(truth(name).images[0].layer_count);
    await shot(page, `space-${name}`);
    // The path link: the Files tab, that layer's changes, the path selected.
    await first.locator('td').nth(0).locator('button').click();
    await expect(page.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('#view-layer')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('#viewer-path')).toContainText(`/${dead[0].path}`);
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`layer=${dead[0].layer}&view=layer`);
    expect(await page.evaluate(() => location.hash)).not.toContain('tab='); // the Files tab is the default
  });
}

test('Findings: every deleted-but-shipped copy is listed; a content scan runs with progress and keeps them', async ({ page }) => {
  const name = 'docker20-save-features';
  const deleted = deadCopies(name)
    .filter((c) => c.deleted)
    .map((c) => `/${c.path}`)
    .sort();
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-findings').click();
  const rows = page.locator('#findings tbody tr[data-rule="deleted-but-shipped"]');
  await expect(rows).toHaveCount(deleted.length);
  const paths = (await rows.locator('td:nth-child(3) button').allTextContents()).sort();
  expect(paths).toEqual(deleted);
  await expect(page.locator('#findings-counts [data-severity="low"]')).toContainText(String(deleted.length));
  await page.locator('#scan-contents').click();
  await expect(page.locator('#content-scanned')).toBeVisible({ timeout: 60_000 });
  await expect(rows).toHaveCount(deleted.length);
  await shot(page, 'findings');
  // The hash keeps the tab: a reload comes back to it.
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('tab=findings');
});
