// A multi-platform OCI archive (image index with two platforms and a BuildKit
// attestation manifest, generated with Python): the picker lists the platforms,
// the attestation is listed apart, switching changes the tree. And drag-and-drop.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, openFile, shot, tmp, web } from './util';

const multi = resolve(tmp, 'multi-platform.tar');
test.beforeAll(() => {
  execFileSync('python3', [resolve(web, 'e2e/make-multiplatform.py'), multi]);
});

test('multi-platform index: platform picker, attestations apart, switching', async ({ page }) => {
  await page.goto('./');
  await openFile(page, multi);
  const picker = page.locator('#image-picker button');
  await expect(picker).toHaveCount(2);
  await expect(picker.nth(0)).toContainText('multi/app:1 · linux/amd64');
  await expect(picker.nth(1)).toContainText('multi/app:1 · linux/arm64/v8');
  await expect(page.locator('#attestation-list li')).toHaveCount(1);
  await expect(page.locator('#attestation-list')).toContainText('Build attestation for multi/app:1 (linux/amd64)');
  await expect(page.locator('#attestation-list')).toContainText('https://spdx.dev/Document');

  await page.locator('#view-merged').click();
  await filter(page, 'etc/arch');
  await page.locator('.r[data-path="etc/arch"]').click();
  await expect(page.locator('#text')).toContainText('amd64');
  await picker.nth(1).click();
  await expect(page.locator('.r[data-path="usr/lib/arm64/libdemo.so"]')).toHaveCount(0); // filter still "etc/arch"
  await filter(page, 'arm64');
  await expect(page.locator('.r[data-path="usr/lib/arm64/libdemo.so"]')).toBeVisible();
  await filter(page, 'etc/arch');
  await page.locator('.r[data-path="etc/arch"]').click();
  await expect(page.locator('#text')).toContainText('arm64');
  await shot(page, 'multi-platform');
  // The attestation links to the image it is about.
  await page.locator('#attestation-list button').click();
  await expect(picker.nth(0)).toHaveAttribute('aria-pressed', 'true');
});

test('drop a file anywhere on the page', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(async () => {
    const blob = await (await fetch('examples/demo.tar')).blob();
    const dt = new DataTransfer();
    dt.items.add(new File([blob], 'dropped.tar'));
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    (window as unknown as { __dt: DataTransfer }).__dt = dt;
  });
  await expect(page.getByText('Drop to open')).toBeVisible();
  await shot(page, 'drop-overlay');
  await page.evaluate(() => {
    const dt = (window as unknown as { __dt: DataTransfer }).__dt;
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('dropped.tar');
  await expect(page.getByText('Drop to open')).toHaveCount(0);
});
