// Real archives written by real tools (../shared/fixtures), checked against
// their .truth.json (computed by independent tools): tags, layer count,
// history, the modified /etc/app/config.ini, a whiteout-deleted path.
import { expect, test } from '@playwright/test';
import { filter, fixture, norm, openFile, truth } from './util';

const CASES = [
  'docker20-save-features', // legacy docker save
  'buildah-docker-archive-features', // buildah docker-archive (flat, symlinked layers)
  'containerd16-export-features', // Docker 25-style hybrid (OCI layout + manifest.json)
  'buildah-oci-archive-gzip-features', // oci-archive, gzip layers
  'skopeo-oci-archive-zstd-features', // oci-archive, zstd layers
];

for (const name of CASES) {
  test(`${name}: summary, history, modified file, whiteout`, async ({ page }) => {
    const t = truth(name);
    const im = t.images[0];
    await page.goto('./');
    await openFile(page, fixture(name));

    // Summary: tags and layer count.
    await expect(page.locator('#tags .chip')).toHaveText(im.repo_tags ?? im.ref_names ?? []);
    await expect(page.locator('#layers .layer')).toHaveCount(im.layer_count);
    await expect(page.locator('#layer-count')).toContainText(`${im.layer_count} layers · ${im.history_count} history steps`);

    // History: every step, in order, with the empty-layer ones marked.
    await page.locator('#tab-history').click();
    const steps = page.locator('#history > li');
    await expect(steps).toHaveCount(im.history_count);
    const createdBy = await steps.locator('.code').evaluateAll((els) => els.map((e) => e.getAttribute('title')));
    expect(createdBy).toEqual(im.history.map((h) => h.created_by ?? ''));
    await expect(page.locator('#history > li.empty')).toHaveCount(im.history_empty_layer_count);

    // The layer that modifies /etc/app/config.ini (not the one that first adds it).
    const modLayer = im.layers.findIndex((l, i) => i > 0 && l.entries.some((e) => norm(e.path) === 'etc/app/config.ini'));
    expect(modLayer).toBeGreaterThan(0);
    await page.locator(`#history button[data-layer="${modLayer}"]`).click();
    await expect(page.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
    await expect(page.locator('#view-layer')).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator(`#layers .layer[data-layer="${modLayer}"]`)).toHaveAttribute('aria-pressed', 'true');
    await filter(page, 'config.ini');
    const row = page.locator('.r[data-path="etc/app/config.ini"]');
    await expect(row.locator('.mark.M')).toBeVisible();
    await row.click();
    await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
    const text = page.locator('ls-virtual-list#text');
    await expect(text).toContainText('(version 2)');
    await expect(text).toContainText('gamma = new');
    await expect(text).not.toContainText('(version 1)');

    // The same path as the first layer wrote it.
    await page.locator('#layer-select').selectOption('0');
    await expect(text).toContainText('(version 1)');
    await expect(text).not.toContainText('gamma');

    // The merged tree at the top: the whiteout-deleted file is absent, its siblings are there.
    const top = im.layer_count - 1;
    await page.locator('#layer-select').selectOption(String(top));
    await page.locator('#view-merged').click();
    await filter(page, 'srv/app/');
    await expect(page.locator('.r[data-path="srv/app"]')).toBeVisible();
    await expect(page.locator('.r[data-path="srv/app/to-delete.txt"]')).toHaveCount(0);
    await filter(page, 'to-delete');
    await expect(page.locator('#tree-info')).toContainText('0 matches');
    await expect(page.getByText('No path matches the filter.')).toBeVisible();

    // The merged tree has exactly the paths `umoci unpack` found.
    await filter(page, '');
    const expected = im.merged_fs.path_count;
    await expect(page.locator('#tree-info')).toContainText(`${expected.toLocaleString('en-US')} paths`);

    // The layer that deleted it shows the deletion.
    const delLayer = im.layers.findIndex((l) => l.whiteouts.map(norm).includes('srv/app/to-delete.txt'));
    await page.locator('#layer-select').selectOption(String(delLayer));
    await page.locator('#view-layer').click();
    await filter(page, 'to-delete');
    const del = page.locator('.r[data-path="srv/app/to-delete.txt"]');
    await expect(del.locator('.mark.D')).toBeVisible();
    await del.click();
    await expect(page.locator('#deleted-note')).toContainText('deleted');
  });
}

test('multi-image archive: picker and switching', async ({ page }) => {
  const name = 'docker20-save-multi-2images-3tags';
  const t = truth(name);
  await page.goto('./');
  await openFile(page, fixture(name));
  const picker = page.locator('#image-picker button');
  await expect(picker).toHaveCount(t.image_count);
  // Which entry is which image does not depend on order: match by tags.
  for (let k = 0; k < t.image_count; k++) {
    await picker.nth(k).click();
    await expect(picker.nth(k)).toHaveAttribute('aria-pressed', 'true');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`image=${k}`);
    const tags = await page.locator('#tags .chip').allTextContents();
    const im = t.images.find((x) => JSON.stringify([...(x.repo_tags ?? [])].sort()) === JSON.stringify([...tags].sort()));
    expect(im, `image with tags ${tags.join(', ')}`).toBeTruthy();
    await expect(page.locator('#layers .layer')).toHaveCount(im!.layer_count);
    await page.locator('#view-merged').click();
    const n = im!.merged_fs.path_count;
    await expect(page.locator('#tree-info')).toContainText(`${n.toLocaleString('en-US')} ${n === 1 ? 'path' : 'paths'} ·`);
    await page.locator('#tab-history').click();
    await expect(page.locator('#history > li')).toHaveCount(im!.history_count);
    await page.locator('#tab-files').click();
  }
});

test('umoci archive: a deleted directory is absent from the merged tree', async ({ page }) => {
  const name = 'umoci-skopeo-oci-archive-whiteout';
  const t = truth(name);
  const im = t.images[0];
  await page.goto('./');
  await openFile(page, fixture(name));
  await expect(page.locator('#tags .chip')).toHaveText(im.ref_names ?? []);
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText(`${im.merged_fs.path_count} paths`);
  await expect(page.locator('.r[data-path="data/drop"]')).toHaveCount(0);
  await page.locator('#view-layer').click();
  await expect(page.locator('.r[data-path="data/drop"] .mark.D')).toBeVisible();
});
