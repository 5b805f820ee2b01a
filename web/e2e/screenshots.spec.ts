// Screenshots of the main views, light and dark, wide and half a laptop screen:
// test-results/screenshots/*.png (artifacts for review).
import { expect, test, type Page } from '@playwright/test';
import { filter, fixture, openFile, shot } from './util';

async function example(page: Page, hash = ''): Promise<void> {
  await page.goto('./' + hash);
  if (!hash) {
    await page.locator('#try-example').click();
  }
  await expect(page.locator('#archive-panel')).toBeVisible({ timeout: 60_000 }); // the example opens slowly on a loaded machine
}

for (const scheme of ['light', 'dark'] as const) {
  test(`main views, ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('./');
    await shot(page, `${scheme}-landing`);

    await example(page, '#src=examples/demo.tar&layer=2&view=layer&path=/etc/app/config.ini');
    await expect(page.locator('#text')).toContainText('modified in layer 3');
    await shot(page, `${scheme}-changes-text`);

    await page.locator('#view-merged').click();
    await page.locator('#expand-all').click();
    await filter(page, '');
    await page.locator('.r[data-path="bin/busybox"]').click();
    await expect(page.locator('#hex')).toContainText('7f 45 4c 46');
    await shot(page, `${scheme}-merged-hex`);

    await page.locator('#tab-history').click();
    await expect(page.locator('#history')).toBeVisible();
    await shot(page, `${scheme}-history`);

    await page.locator('#tab-config').click();
    await expect(page.locator('#raw-config')).toBeVisible();
    await shot(page, `${scheme}-config`);

    await openFile(page, fixture('docker20-save-multi-2images-3tags'));
    await shot(page, `${scheme}-multi-image`);
  });

  test(`verify, manifest, path history, merged marks, ${scheme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('./');
    await openFile(page, fixture('buildah-oci-archive-gzip-features'));
    await page.locator('#verify').click();
    await expect(page.locator('#verify-result')).toBeVisible();
    await page.locator('#view-merged').click();
    await filter(page, 'etc/');
    await page.locator('.r[data-path="etc/app/config.ini"]').click();
    await expect(page.locator('#path-history tr')).toHaveCount(2);
    await expect(page.locator('#text')).toContainText('version 2');
    await shot(page, `${scheme}-verified-history`);

    await page.locator('#tab-config').click();
    await expect(page.locator('#raw-manifest')).toBeVisible();
    await page.locator('#raw-manifest').scrollIntoViewIfNeeded();
    await shot(page, `${scheme}-config-manifest`);
  });

  test(`half a laptop screen, ${scheme}`, async ({ page }) => {
    await page.setViewportSize({ width: 760, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await example(page, '#src=examples/demo.tar&layer=2&view=layer&path=/etc/app/config.ini');
    await expect(page.locator('#text')).toContainText('modified in layer 3');
    await shot(page, `${scheme}-narrow-top`);
    await page.locator('#tree').scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollBy(0, 0));
    await page.locator('ls-file-tree').evaluate((e) => e.scrollIntoView());
    await shot(page, `${scheme}-narrow-files`);
  });
}

test('theme toggle: follow the system, light, dark', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('./');
  const host = page.locator('layer-scope-app');
  const bg = () => host.evaluate((e) => getComputedStyle(e).backgroundColor);
  const light = await bg();
  await page.locator('#theme').click(); // auto -> light
  await expect(host).toHaveAttribute('theme', 'light');
  expect(await bg()).toBe(light);
  await page.locator('#theme').click(); // light -> dark
  await expect(host).toHaveAttribute('theme', 'dark');
  expect(await bg()).not.toBe(light);
  await page.reload(); // remembered
  await expect(host).toHaveAttribute('theme', 'dark');
  await page.locator('#theme').click(); // dark -> auto
  await expect(host).toHaveAttribute('theme', 'auto');
  expect(await bg()).toBe(light);
});

// Issue 14: a laptop (1366×900) and a phone (390×844), light and dark.
for (const [device, width, height] of [['laptop', 1366, 900], ['phone', 390, 844]] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${device} ${width}×${height}, ${scheme}`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto('./');
      await shot(page, `${device}-${scheme}-landing`);
      await example(page, '#src=examples/demo.tar&layer=2&view=layer&path=/etc/app/config.ini');
      await expect(page.locator('#text')).toContainText('modified in layer 3');
      await shot(page, `${device}-${scheme}-changes-text`);
      await page.locator('#view-merged').click();
      await filter(page, 'busybox');
      await page.locator('.r[data-path="bin/busybox"]').click();
      await page.locator('#mode-hex').click();
      await expect(page.locator('#hex')).toContainText('7f 45 4c 46');
      await shot(page, `${device}-${scheme}-merged-hex`);
      await page.locator('#sort').selectOption('largest');
      await filter(page, '');
      await shot(page, `${device}-${scheme}-largest`);
      await page.locator('#keys-button').click();
      await expect(page.locator('#keys')).toBeVisible();
      await shot(page, `${device}-${scheme}-keys`);
    });
  }
}
