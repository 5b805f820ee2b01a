// Issue 14, the keyboard: a skip link, ↑/↓ through the layers (one Tab stop
// for the list), → / ← between layers, tree and viewer, arrows along the tab
// strips, and the `?` sheet.
import { expect, test } from '@playwright/test';
import { fixture, openFile } from './util';

test('skip link, layers by arrow keys with one Tab stop, on to the tree and back', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  const card = (n: number) => page.locator(`#layers .layer[data-layer="${n}"]`);
  await expect(page.locator('#layers .layer[tabindex="0"]')).toHaveCount(1);

  await page.locator('body').press('Tab');
  await expect(page.locator('#skip')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(card(5)).toBeFocused();

  await page.keyboard.press('ArrowUp');
  await expect(card(4)).toBeFocused();
  await expect(card(4)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#layer-select')).toHaveValue('4');
  await page.keyboard.press('Home');
  await expect(card(0)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(card(1)).toBeFocused();
  await expect(card(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#layers .layer[tabindex="0"]')).toHaveCount(1);
  await expect(card(1)).toHaveAttribute('tabindex', '0');

  // → to the tree; Tab from the one layer stop leaves the list.
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#tree')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(page.locator('.r.sel')).toHaveCount(1);
  await page.keyboard.press('ArrowLeft'); // top level, nothing open below: back to the layers
  await expect(card(1)).toBeFocused();
});

test('→ on a file goes to the viewer, Esc comes back; arrows along the view tabs and archive tabs', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await openFile(page, fixture('skopeo-oci-archive-zstd-features'));
  await page.locator('#view-merged').click();
  await page.locator('#filter').fill('config.ini');
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'etc/app/config.ini');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#text')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('#tree')).toBeFocused();

  await page.locator('#tab-files').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#tab-history')).toBeFocused();
  await expect(page.locator('#tab-history')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#tab-findings')).toHaveAttribute('aria-selected', 'true'); // wraps to the last view tab

  const tabs = page.locator('.tab');
  await expect(tabs.nth(1)).toHaveAttribute('tabindex', '0');
  await expect(tabs.nth(0)).toHaveAttribute('tabindex', '-1');
  await tabs.nth(1).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.nth(0)).toBeFocused();
  await expect(tabs.nth(0)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('docker20-save-features.tar');
});

test('? shows the keys, Esc closes them; not while typing in the filter', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#filter').fill('a?');
  await expect(page.locator('#keys')).toBeHidden();
  await page.locator('#layers .layer[aria-pressed="true"]').focus();
  await page.keyboard.press('?');
  const sheet = page.locator('#keys');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('previous / next layer');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  await page.locator('#keys-button').click();
  await expect(sheet).toBeVisible();
  await sheet.getByRole('button', { name: 'Close' }).click();
  await expect(sheet).toBeHidden();
});
