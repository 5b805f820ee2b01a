// The raw manifest next to the raw config, the history of a path across
// layers, and the merged tree's A/M marks of the writing layer — against the
// .truth.json of real archives.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { filter, fixture, norm, openFile, truth } from './util';

interface TruthImageMore {
  manifest_media_type?: string;
  manifest_digest?: string;
  repo_tags?: string[];
}

test('config tab: the raw manifest (oci-archive), pretty-printed, exact when copied', async ({ page }) => {
  const name = 'buildah-oci-archive-gzip-features';
  const im = truth(name).images[0] as unknown as TruthImageMore;
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-config').click();
  await expect(page.locator('#raw-config')).toBeVisible();
  const pre = page.locator('#raw-manifest');
  await expect(pre).toContainText(`"mediaType": "${im.manifest_media_type}"`);
  await expect(pre).toContainText('"schemaVersion": 2');
  // Pretty-printed: one key per line, indented.
  expect(((await pre.textContent()) ?? '').split('\n').length).toBeGreaterThan(10);
  // The copy button holds the manifest as stored: it hashes to the manifest digest.
  const raw = await page.locator('ls-copy[label="Copy the manifest as stored"]').evaluate((e) => (e as unknown as { text: string }).text);
  expect('sha256:' + createHash('sha256').update(raw, 'utf8').digest('hex')).toBe(im.manifest_digest);
  // Next to the config (side by side on a wide screen).
  const a = await page.locator('#raw-config').boundingBox();
  const b = await pre.boundingBox();
  expect(b!.x).toBeGreaterThan(a!.x + a!.width - 1);
});

test('config tab: an OCI layout shows its index.json as stored (GNU tar reads the same bytes); a legacy save has none', async ({ page }) => {
  const name = 'buildah-oci-archive-gzip-features';
  const stored = execFileSync('tar', ['-xOf', fixture(name), 'index.json'], { encoding: 'utf8' });
  const index = JSON.parse(stored) as { manifests: { digest: string }[] };
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-config').click();
  await expect(page.locator('#raw-index')).toContainText(index.manifests[0].digest);
  const raw = await page.locator('ls-copy[label="Copy index.json as stored"]').evaluate((e) => (e as unknown as { text: string }).text);
  expect(raw).toBe(stored);
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#tab-config').click();
  await expect(page.locator('#raw-manifest')).toBeVisible();
  await expect(page.locator('#raw-index')).toHaveCount(0);
});

test('config tab: a legacy docker save shows its manifest.json entry', async ({ page }) => {
  const name = 'docker20-save-features';
  const im = truth(name).images[0] as unknown as TruthImageMore;
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-config').click();
  const pre = page.locator('#raw-manifest');
  await expect(pre).toContainText('"Config":');
  await expect(pre).toContainText('"Layers":');
  for (const tag of im.repo_tags ?? []) await expect(pre).toContainText(tag);
});

test('file viewer: history of /etc/app/config.ini lists the adding and the modifying layer', async ({ page }) => {
  const name = 'buildah-oci-archive-gzip-features';
  const im = truth(name).images[0];
  const touching = im.layers.map((l, i) => (l.entries.some((e) => norm(e.path) === 'etc/app/config.ini') ? i : -1)).filter((i) => i >= 0);
  expect(touching.length).toBe(2);
  const [added, modified] = touching;
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();

  const hist = page.locator('#path-history');
  await expect(hist).toHaveAttribute('open', '');
  await expect(hist.locator('summary')).toContainText('History of this path (2 layers)');
  const rows = hist.locator('tr');
  await expect(rows).toHaveCount(2);
  expect(await rows.evaluateAll((trs) => trs.map((t) => [Number(t.getAttribute('data-layer')), t.getAttribute('data-change')]))).toEqual([
    [added, 'added'],
    [modified, 'modified'],
  ]);
  await expect(rows.nth(0).locator('.mark.A')).toHaveText('A');
  await expect(rows.nth(1).locator('.mark.M')).toHaveText('M');
  await expect(rows.nth(0)).toContainText('-rw-r--r-- 0644');
  await expect(rows.nth(1)).toContainText('145 B');
  // The merged view at the top shows the modifying layer's version.
  await expect(rows.nth(1).locator('.tag')).toHaveText('shown');

  // A layer number leads to that layer's changes, with the path selected.
  await rows.nth(0).getByRole('button', { name: `layer ${added}` }).click();
  await expect(page.locator('#view-layer')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`#layers .layer[data-layer="${added}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#text')).toContainText('(version 1)');
  await expect(page.locator('#path-history tr').nth(1)).toHaveClass(/later/);

  // A whiteout shows as D in the layer that deleted the path.
  const delLayer = im.layers.findIndex((l) => l.whiteouts.map(norm).includes('srv/app/to-delete.txt'));
  await page.locator('#layer-select').selectOption(String(delLayer));
  await filter(page, 'to-delete');
  await page.locator('.r[data-path="srv/app/to-delete.txt"]').click();
  const del = page.locator(`#path-history tr[data-layer="${delLayer}"]`);
  await expect(del.locator('.mark.D')).toHaveText('D');
  await expect(del).toContainText('deleted (whiteout)');
});

test('merged tree: the writing layer with its A/M mark', async ({ page }) => {
  const name = 'buildah-oci-archive-gzip-features';
  const im = truth(name).images[0];
  const touching = im.layers.map((l, i) => (l.entries.some((e) => norm(e.path) === 'etc/app/config.ini') ? i : -1)).filter((i) => i >= 0);
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#view-merged').click();
  await filter(page, 'etc/');
  const cfg = page.locator('.r[data-path="etc/app/config.ini"] .lnum');
  await expect(cfg).toHaveText(`M${touching[1]}`);
  await expect(cfg.locator('.chg.M')).toBeVisible();
  const top = im.layer_count - 1;
  await expect(cfg).toHaveAttribute('title', `last modified by layer ${touching[1]}${touching[1] === top ? ' (this layer)' : ''}`);
  // A file only the first layer wrote: added there.
  const group = page.locator('.r[data-path="etc/group"] .lnum');
  await expect(group).toHaveText('A0');
  await expect(group.locator('.chg.A')).toBeVisible();
  // The viewer says the same.
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#viewer-facts')).toContainText(`modified by layer ${touching[1]}`);
});
