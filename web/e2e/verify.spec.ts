// "Verify digests": every layer hashed in the worker and compared with its
// digest and diff_id, checked against the .truth.json (hashes computed by
// independent tools); an archive compressed as a whole (read again with hashing
// on); a tampered layer shows ✗ and the mismatch warnings.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture, openFile, shot, tmp, truth, web } from './util';

interface TruthLayer {
  stored_digest: string;
  computed_diff_id: string;
}

const layersOf = (name: string) => (truth(name).images[0] as unknown as { layers: TruthLayer[] }).layers;

async function verify(page: Page): Promise<void> {
  await page.locator('#verify').click();
  await expect(page.locator('#verify-result')).toBeVisible({ timeout: 60_000 });
}

/** The ✓/✗ marks of layer k: [check, computed hash] for digest and diff_id. */
async function checks(page: Page, k: number) {
  const layer = page.locator(`#layers .layer[data-layer="${k}"]`);
  const one = async (kind: string) => {
    const c = layer.locator(`.check[data-kind="${kind}"]`);
    return { check: await c.getAttribute('data-check'), computed: await c.getAttribute('data-computed'), text: (await c.textContent())?.trim() };
  };
  return { digest: await one('digest'), diffId: await one('diff_id') };
}

test('oci-archive (gzip layers): computed digests and diff_ids equal the truth, no mismatch', async ({ page }) => {
  const name = 'buildah-oci-archive-gzip-features';
  const layers = layersOf(name);
  await page.goto('./');
  await openFile(page, fixture(name));
  // Nothing is claimed before verifying.
  await expect(page.locator('#layers .check')).toHaveCount(0);
  await expect(page.locator('#verify')).toHaveText(/Verify digests/);

  await verify(page);
  const result = page.locator('#verify-result');
  await expect(result).toHaveAttribute('data-bad', '0');
  await expect(result).toHaveAttribute('data-ok', String(layers.length));
  await expect(result).toContainText(`All ${layers.length} layers match their digest and diff_id`);
  for (let k = 0; k < layers.length; k++) {
    const c = await checks(page, k);
    expect(c.digest).toEqual({ check: 'ok', computed: layers[k].stored_digest, text: '✓ digest' });
    expect(c.diffId).toEqual({ check: 'ok', computed: layers[k].computed_diff_id, text: '✓ diff_id' });
  }
  await expect(page.locator('#warnings li[data-code="diff-id-mismatch"]')).toHaveCount(0);
  await expect(page.locator('#warnings li[data-code="digest-mismatch"]')).toHaveCount(0);
  await expect(page.locator('#warnings li[data-code="verify-failed"]')).toHaveCount(0);

  // Browsing goes on as before (same worker, now verified).
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText(`${truth(name).images[0].merged_fs.path_count} paths`);
});

test('docker save | gzip: the whole-archive-compressed file is read again with hashing on', async ({ page }) => {
  const name = 'docker20-save-features';
  const layers = layersOf(name);
  const gz = resolve(tmp, 'docker20-save-features.tar.gz');
  if (!existsSync(gz)) execFileSync('sh', ['-c', `gzip -1 -c '${fixture(name)}' > '${gz}'`]);
  await page.goto('./');
  await openFile(page, gz);
  await verify(page);
  const result = page.locator('#verify-result');
  await expect(result).toHaveAttribute('data-ok', String(layers.length));
  await expect(result).toHaveAttribute('data-bad', '0');
  await expect(result).toContainText('read again from its start');
  for (let k = 0; k < layers.length; k++) {
    const c = await checks(page, k);
    expect(c.digest.computed).toBe(layers[k].stored_digest);
    expect(c.diffId.computed).toBe(layers[k].computed_diff_id);
  }
});

test('a tampered layer: ✗ on that layer, mismatch warnings, the others ✓', async ({ page }) => {
  const bad = resolve(tmp, 'tampered.tar');
  const k = 4; // the layer that modifies /etc/app/config.ini
  execFileSync('python3', [resolve(web, 'e2e/make-tampered.py'), fixture('docker20-save-features'), bad, String(k)]);
  const layers = layersOf('docker20-save-features');
  await page.goto('./');
  await openFile(page, bad);
  await expect(page.locator('#warnings li[data-code="diff-id-mismatch"]')).toHaveCount(0);
  await verify(page);
  const result = page.locator('#verify-result');
  await expect(result).toHaveAttribute('data-bad', '1');
  await expect(result).toContainText('1 layer of 6 does not match its digest or diff_id');
  const c = await checks(page, k);
  expect(c.diffId.check).toBe('bad');
  expect(c.diffId.text).toBe('✗ diff_id');
  expect(c.diffId.computed).not.toBe(layers[k].computed_diff_id);
  for (let j = 0; j < layers.length; j++) if (j !== k) expect((await checks(page, j)).diffId.check).toBe('ok');
  await expect(page.locator('#warnings li[data-code="diff-id-mismatch"]')).toHaveCount(1);
  await expect(page.locator('#warnings li[data-code="diff-id-mismatch"]')).toContainText(`layer ${k}`);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator('#verify-result').evaluate((e) => e.scrollIntoView({ block: 'start' }));
    await shot(page, `${scheme}-verify-mismatch-warnings`);
    await page.locator(`#layers .layer[data-layer="${k}"]`).scrollIntoViewIfNeeded();
    await shot(page, `${scheme}-verify-mismatch-layers`);
  }
});
