// Issue 14, ergonomics: what a deleted path weighed, the largest files of a
// listing, columns and the hex view that fit at 1366 px, the viewer reachable
// on a phone, a theme toggle that says where it goes.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, fixture, openFile, tmp, truth, web } from './util';
import { formatBytes } from '../src/state/format';

test('a layer that deletes paths shows what the deleted copies weighed', async ({ page }) => {
  // Layer 5 of the features image whites out two files that layer 2 wrote (truth.json has their sizes).
  const t = truth('docker20-save-features');
  const written = new Map(t.images[0].layers[2].entries.map((e) => [e.path, (e as unknown as { size: number }).size]));
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#layers .layer[data-layer="5"]').click();
  await page.locator('#view-layer').click();
  for (const path of t.images[0].layers[5].whiteouts) {
    const row = page.locator(`.r[data-path="${path}"]`);
    await expect(row.locator('.mark.D')).toBeVisible();
    await expect(row.locator('.num .was')).toHaveText(formatBytes(written.get(path)!));
    await row.click();
    await expect(page.locator('#deleted-size')).toContainText(formatBytes(written.get(path)!));
  }
});

test('largest files: one flat list across directories, largest first, with the writing layer', async ({ page }) => {
  const files = (truth('docker20-save-features').images[0].merged_fs.paths as { path: string; find_type?: string; size?: number }[]).filter((p) => p.find_type === 'f');
  const biggest = [...files].sort((a, b) => b.size! - a.size!);
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await page.locator('#sort').selectOption('largest');
  const rows = page.locator('.r');
  await expect(rows.first()).toHaveAttribute('data-path', biggest[0].path);
  const shown = await rows.evaluateAll((rs) => rs.slice(0, 6).map((r) => r.getAttribute('data-path')!));
  const size = new Map(files.map((f) => [f.path, f.size!]));
  for (let k = 1; k < shown.length; k++) expect(size.get(shown[k])!).toBeLessThanOrEqual(size.get(shown[k - 1])!);
  await expect(rows.first().locator('.lnum')).not.toHaveText('');
  await filter(page, 'etc/');
  await expect(rows.first()).toHaveAttribute('data-path', files.filter((f) => f.path.startsWith('etc/')).sort((a, b) => b.size! - a.size!)[0].path);
});

test('at 1366 px: the tree shows Owner, the hex view its ASCII column', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'busybox');
  await page.locator('.r[data-path="bin/busybox"]').click();
  await expect(page.locator('.r[data-path="bin/busybox"] .owner')).toBeVisible();
  await expect(page.locator('.r[data-path="bin/busybox"] .owner')).toHaveText('0:0');
  await page.locator('#mode-hex').click();
  const ascii = page.locator('#hex .hex-row .ascii').first();
  await expect(ascii).toBeVisible();
  const fits = await page.locator('#hex').evaluate((list) => {
    const a = list.querySelector('.hex-row .ascii')!.getBoundingClientRect();
    return a.right <= list.getBoundingClientRect().right;
  });
  expect(fits).toBe(true);
});

test('on a phone, picking a file brings the viewer into sight', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#viewer-path')).toBeInViewport();
  await expect(page.locator('#text')).toContainText('version 2');
});

test('the theme toggle says which theme it switches to', async ({ page }) => {
  await page.goto('./');
  const t = page.locator('#theme');
  await expect(t).toHaveAttribute('aria-label', /switch to the light theme/);
  await t.click();
  await expect(t).toHaveAttribute('aria-label', /switch to the dark theme/);
  await t.click();
  await expect(t).toHaveAttribute('aria-label', /switch to the system’s theme/);
});

test('an executable gets a summary that agrees with readelf', async ({ page }) => {
  // bin/busybox of the features fixture, taken out with Python's tarfile and read by binutils' readelf.
  const bin = resolve(tmp, 'busybox-features');
  execFileSync('python3', ['-c', `
import io, sys, tarfile
t = tarfile.open(sys.argv[1])
for m in t.getmembers():
    if m.name.endswith('layer.tar'):
        lt = tarfile.open(fileobj=io.BytesIO(t.extractfile(m).read()))
        for e in lt.getmembers():
            if e.name.lstrip('./') == 'bin/busybox' and e.isfile():
                open(sys.argv[2], 'wb').write(lt.extractfile(e).read())
`, fixture('docker20-save-features'), bin]);
  let re: string;
  try {
    re = execFileSync('readelf', ['-h', '-l', '-W', bin], { encoding: 'utf8' });
  } catch {
    test.skip(true, 'readelf (binutils) is not installed');
    return;
  }
  const cls = re.match(/Class:\s+(ELF\d\d)/)![1];
  const machine = re.match(/Machine:\s+(.+)/)![1];
  const interp = re.match(/Requesting program interpreter: ([^\]]+)\]/)?.[1] ?? null;
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'busybox');
  await page.locator('.r[data-path="bin/busybox"]').click();
  const sum = page.locator('#elf-summary');
  await expect(sum).toContainText(cls);
  if (/X86-64/i.test(machine)) await expect(sum).toContainText('x86-64');
  if (interp) await expect(sum).toContainText(interp);
  else await expect(sum).toContainText('static');
});

test('text viewer: wrap long lines, find in the file (matches stay text)', async ({ page }) => {
  const data = resolve(tmp, 'issue14-hostile.tar');
  execFileSync('python3', [resolve(web, 'e2e/make-hostile.py'), data]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await openFile(page, data);
  await page.locator('#view-merged').click();
  await filter(page, '.conf');
  await page.locator('.r.match').first().click();
  const text = page.locator('#text');
  await expect(text).toContainText('value = ');
  const rowsBefore = await text.locator('.ln-row').count();
  await page.locator('#wrap').click();
  await expect(page.locator('#wrap')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => text.locator('.ln-row').count()).toBeGreaterThan(rowsBefore);
  await expect(text.locator('.ln').filter({ hasText: '↪' }).first()).toBeVisible();

  await page.locator('#find').fill('onerror');
  await page.locator('#find').press('Enter');
  await expect(page.locator('#find-count')).toContainText('1 of');
  await expect(text.locator('mark').first()).toHaveText('onerror');
  await expect(text.locator('.ln-row.cur')).toHaveCount(1);
  await expect(text.locator('img, script, svg')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null)).toBeNull();
});

test('config: JSON is highlighted and folds; layer digests link to their layer', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('buildah-oci-archive-gzip-features'));
  const digest1 = await page.locator('#layers .layer[data-layer="1"] .digest').getAttribute('title');
  await page.locator('#tab-config').click();
  const manifest = page.locator('#raw-manifest');
  await expect(manifest.locator('.j-key').first()).toBeVisible();
  const link = manifest.locator('.j-link[data-layer="1"]');
  await expect(link).toHaveText(`"${digest1}"`);
  // Fold the manifest's top level: its keys disappear, a count says what is folded.
  const top = manifest.locator('details.j-fold').first();
  await top.locator('> summary').click();
  await expect(top).not.toHaveAttribute('open', '');
  await expect(top.locator('> summary .j-count')).toBeVisible();
  await top.locator('> summary').click();
  await link.click();
  await expect(page.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#layers .layer[data-layer="1"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('#view-layer')).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#tab-config').click();
  // Each layer's blob: where it is stored in the archive (an OCI layout's blobs/sha256/<hex>).
  await expect(page.locator('.layer-member[data-layer="1"]')).toHaveText(`in blobs/sha256/${digest1!.replace('sha256:', '')}`);
  await page.locator('.layer-link[data-layer="0"]').click();
  await expect(page.locator('#layers .layer[data-layer="0"]')).toHaveAttribute('aria-pressed', 'true');
});
