// Deep links, keyboard, sort/filter/expand, the viewer's modes and paging,
// download, several open archives.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, fixture, openFile, tmp, web } from './util';

const data = resolve(tmp, 'nav-data.tar');
test.beforeAll(() => {
  execFileSync('python3', [resolve(web, 'e2e/make-hostile.py'), data]);
});

test('deep link opens the hosted example at a path, and survives a reload', async ({ page }) => {
  await page.goto('./#src=examples/demo.tar&layer=2&view=layer&path=/etc/app/config.ini');
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#text')).toContainText('; modified in layer 3');
  await expect(page.locator('#view-layer')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#layers .layer[data-layer="2"]')).toHaveAttribute('aria-pressed', 'true');

  // Navigating updates the hash…
  await page.locator('#mode-hex').click();
  await expect(page.locator('#hex')).toContainText('00000000');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('mode=hex');
  await page.locator('#view-merged').click();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('view=merged');
  const hash = await page.evaluate(() => location.hash);
  expect(hash).toContain('src=examples/demo.tar');
  expect(hash).toContain('path=/etc/app/config.ini');

  // …and a reload returns to the same place.
  await page.reload();
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#view-merged')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#mode-hex')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#hex')).toContainText('00000000');
});

test('a link into a local archive asks for the file, then applies', async ({ page }) => {
  await page.goto('./#archive=docker20-save-features.tar&layer=4&view=layer&path=/etc/app/config.ini');
  await expect(page.getByText('This link points into')).toBeVisible();
  await openFile(page, fixture('docker20-save-features'));
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#text')).toContainText('(version 2)');
});

test('keyboard: / filters, arrows move, Enter opens', async ({ page }) => {
  await page.goto('./');
  await page.locator('#try-example').click();
  await expect(page.locator('#archive-panel')).toBeVisible();
  await page.locator('#view-merged').click();
  // No wait for the merged listing: '/', the filter and Enter work while it
  // loads (the first match is selected when it arrives)
  await page.keyboard.press('/');
  await expect(page.locator('#filter')).toBeFocused();
  await page.keyboard.type('passwd');
  await page.keyboard.press('Enter'); // to the tree, first row
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'etc');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'etc/passwd');
  await page.keyboard.press('Enter');
  await expect(page.locator('#viewer-path')).toContainText('/etc/passwd');
  await expect(page.locator('#text')).toContainText('root:');

  // Without a filter: Home, → expands, ↓ enters, ← goes back up, ← collapses.
  await page.locator('#filter').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('#filter')).toHaveValue('');
  await page.locator('#tree').focus();
  await page.keyboard.press('Home');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'bin');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.r[data-path="bin"]')).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', /^bin\//);
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'bin');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.r[data-path="bin"]')).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('End');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'usr');
});

test('sort by size, glob and regex filters, expand and collapse all', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  const first = page.locator('.r').first();
  await expect(first).toHaveAttribute('data-path', 'bin');
  await page.locator('#sort').selectOption('size');
  await expect(first).toHaveAttribute('data-path', 'srv'); // srv/app/big.bin: 3 MiB
  await filter(page, '*.ini', 'glob');
  await expect(page.locator('.r.match')).toHaveCount(1);
  await expect(page.locator('.r.match')).toHaveAttribute('data-path', 'etc/app/config.ini');
  await filter(page, '^/srv/app/links/hard-[12]\\.txt$', 'regex');
  await expect(page.locator('.r.match')).toHaveCount(2);
  await filter(page, '([', 'regex');
  await expect(page.locator('#tree-info')).toContainText('Invalid regular expression');
  await filter(page, '');
  const top = await page.locator('.r').count();
  await page.locator('#expand-all').click();
  await expect.poll(() => page.locator('.r').count()).toBeGreaterThan(top);
  await page.locator('#collapse-all').click();
  await expect.poll(() => page.locator('.r').count()).toBe(top);
});

test('viewer: hex for binary, paging, jump to offset, symlink and hardlink details', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'big.bin');
  await page.locator('.r[data-path="srv/app/big.bin"]').click();
  await expect(page.locator('#mode-hex')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#viewer-status')).toHaveText(/0 B–1\.00 MiB of 3\.00 MiB/);
  await page.locator('#load-more').click();
  await expect(page.locator('#viewer-status')).toHaveText(/0 B–2\.00 MiB of 3\.00 MiB/);
  await page.locator('input[name="off"]').fill('0x2ffff0');
  await page.locator('input[name="off"]').press('Enter');
  await expect(page.locator('#hex')).toContainText('002ffff0');

  await filter(page, 'links/');
  await page.locator('.r[data-path="srv/app/links/rel-symlink"]').click();
  await expect(page.locator('#link-note')).toContainText('Symbolic link to target.txt');
  await expect(page.locator('#link-note')).toContainText('/srv/app/links/target.txt');
  await page.locator('.r[data-path="srv/app/links/dangling-symlink"]').click();
  await expect(page.locator('#link-note')).toContainText('dangling');
  await page.locator('.r[data-path="srv/app/links/target.txt"]').click();
  await expect(page.locator('#link-note')).toContainText('Hard link to /srv/app/links/hard-1.txt');
  await expect(page.locator('#text')).toContainText('target');
  await page.locator('#link-note button').click();
  await expect(page.locator('#viewer-path')).toContainText('/srv/app/links/hard-1.txt');
});

test('viewer: large text is paged, line numbers continue, download gives the bytes', async ({ page }) => {
  await page.goto('./');
  await openFile(page, data);
  await page.locator('#view-merged').click();
  await filter(page, 'big.log');
  await page.locator('.r[data-path="var/log/big.log"]').click();
  await expect(page.locator('#text')).toContainText('line 00001 of the big log');
  await expect(page.locator('#viewer-status')).toContainText('of 3.20 MiB');
  const lines1 = Number((await page.locator('#viewer-status').textContent())!.match(/([\d,]+) lines/)![1].replace(/,/g, ''));
  expect(lines1).toBeGreaterThan(15_000);
  await page.locator('#load-all').click();
  await expect(page.locator('#viewer-status')).toContainText('60,000 lines');
  await page.locator('#text').evaluate((e) => (e.scrollTop = e.scrollHeight));
  await expect(page.locator('#text')).toContainText('line 60000 of the big log');
  await expect(page.locator('#text .ln').last()).toHaveText('60000');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
  expect(download.suggestedFilename()).toBe('big.log');
  const got = readFileSync((await download.path())!, 'utf8');
  expect(got.split('\n').length).toBe(60001);
  expect(got.startsWith('line 00001 of the big log')).toBe(true);
});

test('several archives open, one current', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await openFile(page, fixture('skopeo-oci-archive-zstd-features'));
  const tabs = page.locator('.tab');
  await expect(tabs).toHaveCount(2);
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('skopeo-oci-archive-zstd-features.tar');
  await tabs.first().click();
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('docker20-save-features.tar');
  await expect(page.locator('#layers .layer')).toHaveCount(6);
  await tabs.first().locator('.x').click();
  await expect(tabs).toHaveCount(1);
  await expect(page.locator('#archive-panel .archive-name')).toHaveText('skopeo-oci-archive-zstd-features.tar');
});

test('opening a file: the opening view renders in a task after the change event, not inside it', async ({ page }) => {
  // A capture listener on the file input runs before the app's; its setTimeout 0
  // runs before the app's own (timers of one delay run in order), so the view
  // is not there yet; 200 ms later it is.
  await page.goto('./');
  await page.evaluate(() => {
    const app = document.querySelector('layer-scope-app')!;
    const root = app.shadowRoot!;
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const look = (when: string) => seen.push(`${when}: ${root.querySelectorAll('layer-scope').length} view, ${root.querySelectorAll('.tab').length} tabs`);
    root.querySelector('#file')!.addEventListener(
      'change',
      () => {
        setTimeout(() => look('next task'), 0);
        setTimeout(() => look('later'), 200);
      },
      { capture: true },
    );
    // the event bubbles to the shadow root after the app's listener and the
    // microtasks it queued (Lit's update ran there before the change)
    root.addEventListener('change', () => look('after the listeners'));
  });
  await openFile(page, fixture('docker20-save-features'));
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen))
    .toEqual(['after the listeners: 0 view, 0 tabs', 'next task: 0 view, 0 tabs', 'later: 1 view, 1 tabs']);
});

test('cancel terminates the worker; the next request respawns it and re-indexes', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  const spawned = () => page.evaluate(() => document.querySelector('layer-scope-app')!.current!.engine.workersSpawned);
  expect(await spawned()).toBe(1);
  await page.evaluate(() => document.querySelector('layer-scope-app')!.current!.cancel());
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
  expect(await spawned()).toBe(2);
});
