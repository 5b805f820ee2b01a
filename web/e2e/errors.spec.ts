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
