// Regressions of issue 14 (the page tried as a new user would): each test
// failed before its fix.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, fixture, openFile, shot, tmp, web } from './util';

const FIVE = ['docker20-save-features', 'skopeo-oci-archive-zstd-features', 'buildah-docker-archive-features', 'containerd16-export-features', 'umoci-skopeo-oci-archive-whiteout'];

/** The header's actions are on screen, on the header's one row, and receive clicks. */
async function actionsReachable(page: Page): Promise<void> {
  const vp = page.viewportSize()!;
  const brand = (await page.locator('header .brand').boundingBox())!;
  await expect(page.locator('#example')).toHaveText(/Example/);
  for (const id of ['#open', '#example', '#theme']) {
    const b = (await page.locator(id).boundingBox())!;
    expect(b.x, `${id} left edge`).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width, `${id} right edge`).toBeLessThanOrEqual(vp.width);
    expect(Math.abs(b.y + b.height / 2 - (brand.y + brand.height / 2)), `${id} on the header's row`).toBeLessThan(8);
    await page.locator(id).click({ trial: true, timeout: 3000 }); // actionable: nothing covers it
    await expect(page.locator(id), `${id} says what it does`).toHaveAccessibleName(/\S/);
  }
}

test('header: five tabs at 1366 px, and one on a 390 px phone, leave the actions reachable', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto('./');
  for (const f of FIVE) await openFile(page, fixture(f));
  await expect(page.locator('.tab')).toHaveCount(5);
  await actionsReachable(page);
  await page.locator('#theme').click();
  await expect(page.locator('layer-scope-app')).toHaveAttribute('theme', 'light');

  await page.setViewportSize({ width: 390, height: 844 });
  for (let k = 0; k < 4; k++) await page.locator('.tab .x').first().click();
  await expect(page.locator('.tab')).toHaveCount(1);
  await actionsReachable(page);
  await openFile(page, fixture(FIVE[0]));
  await actionsReachable(page);
});

test('the layer dropdown follows the layer cards and the hash (one selection)', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  const select = page.locator('#layer-select');
  // The steps of the report: #0 then #2 in the dropdown, then the card of #0.
  await select.selectOption('0');
  await select.selectOption('2');
  await expect(page.locator('#layers .layer[data-layer="2"]')).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#layers .layer[data-layer="0"]').click();
  await expect(select).toHaveValue('0');
  await page.evaluate(() => (location.hash = location.hash.replace(/layer=\d+/, 'layer=3')));
  await expect(page.locator('#layers .layer[data-layer="3"]')).toHaveAttribute('aria-pressed', 'true');
  await expect(select).toHaveValue('3');
});

test('opening progress: each phase has its own bar, never going back, and its text agrees (the summary, then the layers in the background)', async ({ page }) => {
  const gz = resolve(tmp, 'slow-open-gzip-layers.tar');
  if (!existsSync(gz)) execFileSync('python3', [resolve(web, 'e2e/make-slow-open.py'), gz]);
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  // Sample the progress card on every frame until the archive is open.
  await page.evaluate(() => {
    const w = window as unknown as { __samples: { key: string; now: number; text: string; overflow: boolean }[] };
    w.__samples = [];
    const tick = () => {
      const el = document.querySelector('layer-scope-app')?.shadowRoot?.querySelector('layer-scope')?.shadowRoot;
      const card = el?.querySelector('#progress') as HTMLElement | null;
      if (card) {
        for (const bar of card.querySelectorAll('[role=progressbar]')) {
          const box = bar.parentElement!;
          w.__samples.push({
            key: bar.getAttribute('aria-label') ?? '',
            now: Number(bar.getAttribute('aria-valuenow')),
            text: box.querySelector('.numbers')?.textContent ?? card.querySelector('.numbers')?.textContent ?? '',
            overflow: card.scrollWidth > card.clientWidth + 1,
          });
        }
      }
      // Summary first: the layers are indexed after the card, under a banner of the view.
      const view = el?.querySelector('ls-archive-view')?.shadowRoot;
      const banner = view?.querySelector('#indexing [role=progressbar]');
      if (banner) {
        const now = Number(banner.getAttribute('aria-valuenow'));
        w.__samples.push({ key: banner.getAttribute('aria-label') ?? '', now, text: `(${now}%) ${banner.textContent ?? ''}`, overflow: false });
        if (!banner.textContent?.includes(`${now}%`)) w.__samples.push({ key: 'banner text disagrees', now: -1, text: banner.textContent ?? '', overflow: false });
      }
      if (view?.querySelector('#archive-panel')?.getAttribute('data-indexed') !== 'true') requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await openFile(page, gz, 150_000);
  await expect(page.locator('#archive-panel')).toHaveAttribute('data-indexed', 'true', { timeout: 150_000 });
  const samples = await page.evaluate(() => (window as unknown as { __samples: { key: string; now: number; text: string; overflow: boolean }[] }).__samples);
  expect(samples.length).toBeGreaterThan(3);
  const keys = [...new Set(samples.map((s) => s.key))];
  // The summary reads headers only (the card may be gone before a phase is drawn);
  // the layers' indexing is the long part, under its own bar.
  expect(keys, `named phases seen: ${keys.join(', ')}`).toContain('Indexing the layers');
  expect(keys).not.toContain('banner text disagrees');
  for (const key of keys) {
    const seq = samples.filter((s) => s.key === key).map((s) => s.now);
    for (let k = 1; k < seq.length; k++) expect(seq[k], `${key}: ${seq.join(' → ')}`).toBeGreaterThanOrEqual(seq[k - 1]);
  }
  for (const s of samples) {
    expect(s.text).toContain(`(${s.now}%)`);
    expect(s.overflow, 'the card does not overflow').toBe(false);
  }

  // Verifying this archive takes a while: the panel says browsing goes on meanwhile.
  await page.locator('#verify').click();
  await expect(page.locator('#verify-progress')).toContainText('browsing goes on');
  await expect(page.locator('#verify-progress')).not.toContainText('wait');
  await page.locator('#verify-cancel').click();
});

test('Back retraces layer and path moves; a reload with other archives open asks first', async ({ page }) => {
  await page.goto('./#src=examples/demo.tar&layer=2&view=layer');
  await expect(page.locator('#archive-panel')).toBeVisible();
  const hash = () => page.evaluate(() => location.hash);
  const pressed = (n: number) => expect(page.locator(`#layers .layer[data-layer="${n}"]`)).toHaveAttribute('aria-pressed', 'true');
  await pressed(2);
  await page.locator('#layers .layer[data-layer="0"]').click();
  await pressed(0);
  await page.locator('#layers .layer[data-layer="1"]').click();
  await pressed(1);
  await page.locator('.r').first().click();
  await expect.poll(hash).toMatch(/path=/);
  await page.locator('#tab-config').click();
  await expect.poll(hash).toContain('tab=config');

  await page.goBack();
  await expect(page.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
  await page.goBack();
  await expect.poll(hash).not.toMatch(/path=/);
  await pressed(1);
  await page.goBack();
  await pressed(0);
  await page.goBack();
  await pressed(2);
  await page.goForward();
  await pressed(0);

  // One archive: a reload goes ahead; two: the browser asks first.
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.accept();
  });
  await page.reload();
  await expect(page.locator('#archive-panel')).toBeVisible();
  expect(dialogs).toEqual([]);
  await openFile(page, fixture('docker20-save-features'));
  await page.reload();
  expect(dialogs).toEqual(['beforeunload']);
});

test("a hard link shows its target's size; Go to the target clears a filter that hides it", async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await page.locator('#view-merged').click();
  await filter(page, 'target.txt');
  await page.locator('.r[data-path="srv/app/links/target.txt"]').click();
  // srv/app/links/hard-1.txt holds 7 bytes (truth.json); the link's own tar entry says 0.
  await expect(page.locator('#hardlink-size')).toContainText('hard link');
  await expect(page.locator('#hardlink-size')).toContainText('7 B');
  await expect(page.locator('#viewer-status')).toHaveText(/^7 B/);
  await page.locator('#link-note button').click();
  await expect(page.locator('#viewer-path')).toContainText('/srv/app/links/hard-1.txt');
  await expect(page.locator('.r.sel')).toHaveAttribute('data-path', 'srv/app/links/hard-1.txt');
  await expect(page.locator('#filter')).toHaveValue('');
});

test('one change, one path: singular words', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-multi-2images-3tags'));
  await page.locator('#image-picker button[data-index="1"]').click();
  await page.locator('#view-layer').click();
  await expect(page.locator('#tree-info')).toContainText(/^1 change ·/);
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText(/^1 path ·/);
});

test('a JSON file dropped by mistake: says what it is and what is expected, no retry', async ({ page }) => {
  const json = resolve(tmp, 'manifest.json');
  writeFileSync(json, JSON.stringify([{ Config: 'abc.json', RepoTags: ['x:1'], Layers: ['l/layer.tar'] }]));
  await page.goto('./');
  await page.locator('#file').setInputFiles(json);
  const err = page.locator('#open-error');
  await expect(err).toBeVisible();
  await expect(err.locator('#file-kind')).toContainText('JSON document');
  await expect(err.locator('#expected')).toContainText('docker save');
  await expect(err).not.toContainText('damaged');
  await expect(err.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await expect(err.getByRole('button', { name: 'Close' })).toBeVisible();
});

test('a long member list stays inside the error card on a phone', async ({ page }) => {
  const bad = resolve(tmp, 'many-long-members.tar');
  execFileSync('python3', ['-c', `
import io, sys, tarfile
with tarfile.open(sys.argv[1], 'w') as t:
    for k in range(40):
        ti = tarfile.TarInfo('member-' + str(k) + '-' + 'x' * 90 + '.json'); ti.size = 2; t.addfile(ti, io.BytesIO(b'{}'))
`, bad]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  await page.locator('#file').setInputFiles(bad);
  const err = page.locator('#open-error');
  await expect(err).toBeVisible();
  const fits = await err.evaluate((e) => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= window.innerWidth + 1);
  expect(fits).toBe(true);
  await shot(page, 'error-long-members-phone');
});
