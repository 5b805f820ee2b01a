// Bad input gets a clear, specific message; a whole-archive gzip (docker save | gzip)
// is read as a stream and still browsable.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, fixture, openFile, shot, tmp } from './util';

test('a file that is not an image archive: a plain-words error', async ({ page }) => {
  const notTar = resolve(tmp, 'notes.txt');
  writeFileSync(notTar, 'just some text, not a tar archive\n'.repeat(100));
  await page.goto('./');
  await page.locator('#file').setInputFiles(notTar);
  const err = page.locator('#open-error');
  await expect(err).toBeVisible();
  await expect(err).toContainText('notes.txt');
  await expect(err).toContainText(/not|tar/i);
  await shot(page, 'error-not-an-archive');
  await err.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('#landing')).toBeVisible();
});

test('a truncated archive: an error or warnings, never a hang', async ({ page }) => {
  const src = readFileSync(fixture('docker20-save-features'));
  const cut = resolve(tmp, 'truncated.tar');
  writeFileSync(cut, src.subarray(0, Math.floor(src.length * 0.6)));
  await page.goto('./');
  await page.locator('#file').setInputFiles(cut);
  await expect(page.locator('#open-error, #archive-panel')).toBeVisible();
  if (await page.locator('#open-error').isVisible()) {
    await expect(page.locator('#open-error .mono')).not.toHaveText('');
  } else {
    await expect(page.locator('#warnings li').first()).toBeVisible();
  }
  await shot(page, 'error-truncated');
});

test('docker save | gzip: the outer compressed archive opens and files read', async ({ page }) => {
  const gz = resolve(tmp, 'docker20-save-features.tar.gz');
  if (!existsSync(gz)) execFileSync('sh', ['-c', `gzip -1 -c '${fixture('docker20-save-features')}' > '${gz}'`]);
  await page.goto('./');
  await openFile(page, gz);
  await expect(page.locator('#archive-panel')).toContainText('gzip-compressed');
  await expect(page.locator('#tags .chip')).toHaveText(['fixture/features:1.0']);
  await expect(page.locator('#layers .layer')).toHaveCount(6);
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
});

test('a hostile archive fails in its own tab, its error is text, the other archive keeps working', async ({ page }) => {
  // Nothing image-like inside, and member names that are markup: the error lists them.
  const bad = resolve(tmp, 'hostile-not-an-image.tar');
  execFileSync('python3', ['-c', `
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w') as t:
    for n in ['<img src=x onerror="window.__pwned=31">', '<script>window.__pwned=32</script>.json']:
        ti = tarfile.TarInfo(n); ti.size = 2; t.addfile(ti, io.BytesIO(b'{}'))
`, bad]);
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#file').setInputFiles(bad);
  const err = page.locator('#open-error');
  await expect(err).toBeVisible();
  await expect(err).toContainText('not-an-image');
  await expect(err).toContainText('<img src=x onerror="window.__pwned=31">');
  await expect(err.locator('img, script')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
  await shot(page, 'error-hostile-names');
  // The first archive is untouched: its tab still browses and reads files.
  const tabs = page.locator('.tab');
  await expect(tabs).toHaveCount(2);
  await tabs.first().click();
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('docker20-save-features.tar');
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
  // And the failed one still shows its error when picked again.
  await tabs.nth(1).click();
  await expect(page.locator('#open-error')).toContainText('not-an-image');
});
