// The embeddable <layer-scope> on a page of its own (the app shell removed):
// one archive from `src` or a File, no landing page, no tabs; location.hash is
// left alone unless `routing` is set; its events; its theme.
import { expect, test, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, shot, tmp, web } from './util';

interface Seen {
  type: string;
  detail: { name?: string; code?: string; title?: string; hash?: string };
}

/** Replaces the page's shell by <layer-scope attrs…> and records the element's events. */
async function embed(page: Page, attrs: Record<string, string>, hash = ''): Promise<void> {
  await page.goto('./');
  await page.evaluate(
    ({ attrs, hash }) => {
      document.querySelector('layer-scope-app')!.remove();
      if (hash) history.replaceState(null, '', hash);
      const w = window as unknown as { __seen: Seen[] };
      w.__seen = [];
      for (const type of ['layerscope-ready', 'layerscope-error', 'layerscope-navigate'])
        document.addEventListener(type, (e) => {
          const d = (e as CustomEvent).detail;
          w.__seen.push({ type, detail: { name: d.name, code: d.code, title: d.title, hash: d.hash } });
        });
      const pick = document.createElement('input');
      pick.type = 'file';
      pick.id = 'pick';
      document.body.append(pick);
      const el = document.createElement('layer-scope');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      el.style.height = '760px';
      pick.addEventListener('change', () => (el.file = pick.files![0]));
      document.body.append(el);
    },
    { attrs, hash },
  );
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { __seen: Seen[] }).__seen);

test('src: shows one archive, no landing page or tabs, leaves the hash alone, announces itself', async ({ page }) => {
  await embed(page, { src: 'examples/demo.tar' });
  await expect(page.locator('layer-scope #archive-panel')).toBeVisible();
  await expect(page.locator('#landing')).toHaveCount(0);
  await expect(page.locator('.tab')).toHaveCount(0);
  await expect(page.locator('#file')).toHaveCount(0);
  await page.locator('#view-merged').click();
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await shot(page, 'embed-src');
  expect(await page.evaluate(() => location.hash)).toBe('');
  const events = await seen(page);
  expect(events.filter((e) => e.type === 'layerscope-ready').map((e) => e.detail.name)).toEqual(['demo.tar']);
  expect(events.some((e) => e.type === 'layerscope-navigate' && (e.detail.hash ?? '').includes('path=/etc/app/config.ini'))).toBe(true);
});

test('routing: the deep link in the hash opens and places it, browsing writes the hash', async ({ page }) => {
  await embed(page, { routing: '' }, '#src=examples/demo.tar&layer=2&view=layer&path=/etc/app/config.ini');
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#text')).toContainText('; modified in layer 3');
  await expect(page.locator('#layers .layer[data-layer="2"]')).toHaveAttribute('aria-pressed', 'true');
  await page.locator('#view-merged').click();
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('view=merged');
  expect(await page.evaluate(() => location.hash)).toContain('src=examples/demo.tar');
});

test('file: a File given by script; a bad one gets the error card and an error event; theme', async ({ page }) => {
  const notTar = resolve(tmp, 'embed-notes.txt');
  writeFileSync(notTar, 'just some text, not a tar archive\n'.repeat(100));
  await embed(page, { theme: 'dark' });
  await expect(page.locator('layer-scope')).toContainText('No archive to show.');
  expect(await page.locator('layer-scope').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(14, 17, 22)');
  await page.locator('#pick').setInputFiles(notTar);
  await expect(page.locator('#open-error')).toBeVisible();
  await expect(page.locator('#open-error')).toContainText('embed-notes.txt');
  await expect.poll(async () => (await seen(page)).filter((e) => e.type === 'layerscope-error').length).toBe(1);
  const err = (await seen(page)).find((e) => e.type === 'layerscope-error')!;
  expect(err.detail.code).toBeTruthy();
  expect(err.detail.title).toBeTruthy();
  await page.locator('#open-error').getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('layer-scope')).toContainText('No archive to show.');
});

test('two elements on one page: selection attributes deep-link each, follow the user, select() moves one, events are each its own', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() => {
    document.querySelector('layer-scope-app')!.remove();
    const w = window as unknown as { __ready: string[] };
    w.__ready = [];
    const make = (id: string, attrs: Record<string, string>) => {
      const el = document.createElement('layer-scope');
      el.id = id;
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      el.style.height = '640px';
      el.addEventListener('layerscope-ready', (e) => w.__ready.push(`${id}:${(e as CustomEvent).detail.name}`));
      document.body.append(el);
    };
    make('a', { src: 'examples/demo.tar', image: 'demo/app:1.0', layer: '2', view: 'layer', path: '/etc/app/config.ini' });
    make('b', { src: 'examples/demo-oci.tar', tab: 'history' });
  });
  const a = page.locator('layer-scope#a');
  const b = page.locator('layer-scope#b');
  // a: the file the attributes name, as of layer 2 (its own changes)
  await expect(a.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(a.locator('#layers .layer[aria-pressed="true"]')).toHaveAttribute('data-layer', '2');
  await expect(a.locator('#text')).toContainText('port');
  // b: the history tab, its own archive
  await expect(b.locator('#tab-history')).toHaveAttribute('aria-selected', 'true');
  await expect(b.locator('ls-history-view')).toContainText('EXPOSE');
  expect((await page.evaluate(() => (window as unknown as { __ready: string[] }).__ready)).sort()).toEqual(['a:demo.tar', 'b:demo-oci.tar']);
  // The user moves in a: its attributes follow; b's do not move.
  await a.locator('#layers .layer[data-layer="3"]').click();
  await expect(a).toHaveAttribute('layer', '3');
  await expect(a).toHaveAttribute('image', 'demo/app:1.0');
  await expect(b).toHaveAttribute('tab', 'history');
  // select() on b: the config tab; a setAttribute on a: another path.
  await b.evaluate((el) => (el as unknown as { select(s: object): void }).select({ tab: 'config' }));
  await expect(b.locator('#tab-config')).toHaveAttribute('aria-selected', 'true');
  await expect(b).toHaveAttribute('tab', 'config');
  await a.evaluate((el) => {
    el.setAttribute('layer', '2');
    el.setAttribute('path', '/etc/app/config.ini');
  });
  await expect(a.locator('#layers .layer[aria-pressed="true"]')).toHaveAttribute('data-layer', '2');
  await expect(a.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(a.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
  // An image attribute that names nothing leaves the selection where it is.
  await a.evaluate((el) => el.setAttribute('image', 'no/such:tag'));
  await expect(a.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await shot(page, 'embed-two-elements');
});

test('focusMain() in a ready handler focuses the selected layer (drawn at once if the first render is still in its steps)', async ({ page }) => {
  await embed(page, {});
  const el = page.locator('layer-scope');
  await el.evaluate((e) => e.addEventListener('layerscope-ready', () => (e as unknown as { focusMain(): void }).focusMain(), { once: true }));
  await page.locator('#pick').setInputFiles(resolve(web, 'dist/examples/demo.tar'));
  await expect(el.locator('#layers .layer[aria-pressed="true"]')).toBeFocused();
});

test('selection attributes: what the element wrote for one archive does not place the next; select() in a ready handler moves', async ({ page }) => {
  await embed(page, { src: 'examples/demo.tar' });
  const el = page.locator('layer-scope');
  await expect(el.locator('#layers .layer[aria-pressed="true"]')).toHaveAttribute('data-layer', '4');
  await el.locator('#layers .layer[data-layer="1"]').click();
  await expect(el).toHaveAttribute('layer', '1');
  // Another archive in the same element: it opens at its own top layer, not at the written-back 1;
  // a ready handler's select() is the page's move.
  await el.evaluate((e) => e.addEventListener('layerscope-ready', () => (e as unknown as { select(s: object): void }).select({ tab: 'config' }), { once: true }));
  await page.locator('#pick').setInputFiles(resolve(web, 'dist/examples/demo-oci.tar'));
  await expect(el.locator('#tab-config')).toHaveAttribute('aria-selected', 'true');
  await expect(el).toHaveAttribute('tab', 'config');
  await expect(el.locator('.archive-name')).toHaveText('demo-oci.tar');
  await expect(el.locator('#layers .layer[aria-pressed="true"]')).toHaveAttribute('data-layer', '4');
  await expect(el).toHaveAttribute('layer', '4');
});
