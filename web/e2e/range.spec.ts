// Archives read from a server by HTTP Range requests (issue 12): the page and the
// archives come from one serve.mjs with its test hooks (web/serve.mjs: counts
// requests and bytes per file, can refuse ranges, add latency, or "change" a
// file between requests). Figures go to test-results/range.json.
import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deadCopies, fixture, repo, startServer, tmp, truth, web } from './util';
import { formatBytes } from '../src/state/format';

const dir = resolve(tmp, 'range');
const names = ['docker20-save-features', 'skopeo-oci-archive-zstd-features'];
const big = process.env.LAYERSCOPE_LARGE_ARCHIVE ?? resolve(tmp, 'large-400.tar');
const figures: Record<string, unknown> = {};
let server: ChildProcess;
let base = '';

interface Stats {
  requests: number;
  bytes: number;
  ranged: number;
}

test.describe.configure({ mode: 'serial', timeout: 180_000 });

test.beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  for (const n of names) copyFileSync(fixture(n), resolve(dir, `${n}.tar`));
  const started = await startServer(['--dir', resolve(web, 'dist'), '--files', dir, '--test-hooks']);
  server = started.proc;
  base = started.url;
});

test.afterAll(() => {
  server?.kill();
  mkdirSync(resolve(repo, 'test-results'), { recursive: true });
  writeFileSync(resolve(repo, 'test-results/range.json'), JSON.stringify(figures, null, 2) + '\n');
});

async function stats(reset = false): Promise<Record<string, Stats>> {
  const r = await fetch(`${base}__stats${reset ? '?reset=1' : ''}`);
  return (await r.json()) as Record<string, Stats>;
}

/** The image's tags and layer count as the page shows them. */
async function expectSummary(page: Page, name: string): Promise<void> {
  const t = truth(name).images[0];
  await expect(page.locator('#archive-panel')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('#layers .layer')).toHaveCount(t.layer_count);
  await expect(page.locator('#tags .chip')).toHaveText(t.repo_tags ?? t.ref_names ?? []);
  // The summary comes first; the files tab has the layers indexed next.
  await expect(page.locator('#archive-panel')).toHaveAttribute('data-indexed', 'true', { timeout: 60_000 });
}

test('summary first: a hosted archive opened on its history fetches its documents and headers only; the files tab indexes its layers', async ({ page }) => {
  const name = names[1]; // zstd layers: indexing them means fetching nearly every byte
  const file = `/__files/${name}.tar`;
  const size = statSync(resolve(dir, `${name}.tar`)).size;
  const t = truth(name).images[0];
  await stats(true);
  await page.goto(`${base}#src=${file}&tab=history`);
  const panel = page.locator('#archive-panel');
  await expect(panel).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('#layers .layer')).toHaveCount(t.layer_count);
  await expect(page.locator('#tags .chip')).toHaveText(t.repo_tags ?? t.ref_names ?? []);
  expect(t.env).toContain('APP_MODE=fixture');
  await expect(page.locator('ls-history-view')).toContainText('APP_MODE=fixture');
  await expect(panel).toHaveAttribute('data-indexed', 'false');
  await expect(page.locator('#indexing')).toHaveCount(0);
  const summary = (await stats())[file];
  expect(summary.ranged).toBe(summary.requests);
  // the core uses documents and tar headers: tens of KB of a 4.3 MB archive; the
  // read-ahead fetches more around them (gaps cheaper to read than to skip)
  const used = Number(await panel.getAttribute('data-summary-bytes'));
  expect(used).toBeLessThan(size / 50);
  expect(summary.requests).toBeLessThan(50);
  figures.summary_only_zstd = { size, requests: summary.requests, bytes_fetched: summary.bytes, bytes_used: used, fraction: summary.bytes / size };

  await page.locator('#tab-files').click();
  await expect(panel).toHaveAttribute('data-indexed', 'true', { timeout: 60_000 });
  await expect(page.locator('#tree')).toContainText('etc');
  const all = (await stats())[file];
  expect(all.bytes).toBeGreaterThan(size / 2);
  figures.indexed_zstd = { requests: all.requests, bytes: all.bytes };
});

test('a served archive is read by ranges: summary, a layer, a file, all from 206 answers', async ({ page }) => {
  const name = names[0];
  await stats(true);
  await page.goto(`${base}?src=/__files/${name}.tar`);
  await expectSummary(page, name);
  const afterOpen = (await stats())[`/__files/${name}.tar`];
  const size = statSync(resolve(dir, `${name}.tar`)).size;
  // the probe (bytes 0–0) and the worker's reads: every one a 206
  expect(afterOpen.ranged).toBe(afterOpen.requests);
  expect(afterOpen.requests).toBeGreaterThan(1);
  const io = await page.locator('[data-fetched-bytes]').getAttribute('data-fetched-bytes');
  // what the worker reports reading is what the server sent it (plus the 1-byte probe)
  expect(Number(io) + 1).toBe(afterOpen.bytes);
  figures.features_open = { size, requests: afterOpen.requests, bytes: afterOpen.bytes, fraction: afterOpen.bytes / size };

  // A file's content, by a deep link into the same served archive.
  await page.goto(`${base}#src=/__files/${name}.tar&layer=4&view=layer&path=/etc/app/config.ini`);
  await expect(page.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(page.locator('#text')).toContainText('(version 2)');
  const all = (await stats())[`/__files/${name}.tar`];
  expect(all.ranged).toBe(all.requests);
});

test('a zstd oci-archive over ranges shows the same files as its truth', async ({ page }) => {
  const name = names[1];
  await page.goto(`${base}?src=/__files/${name}.tar`);
  await expectSummary(page, name);
  await page.locator('#view-merged').click();
  const t = truth(name).images[0];
  await page.locator('#filter').fill('config.ini');
  await expect(page.locator('#tree')).toContainText('config.ini');
  expect(t.merged_fs.paths.some((p) => p.path.endsWith('etc/app/config.ini'))).toBe(true);
});

test('a server without Range: the whole file is streamed to disk and opened', async ({ page }) => {
  const name = names[0];
  await stats(true);
  await page.goto(`${base}?src=${encodeURIComponent(`/__files/${name}.tar?norange=1`)}`);
  await expectSummary(page, name);
  const s = (await stats())[`/__files/${name}.tar`];
  // one request (the probe's answer is the download), no ranges, the whole file once
  expect(s).toEqual({ requests: 1, ranged: 0, bytes: statSync(resolve(dir, `${name}.tar`)).size });
  // it is read from the origin-private file system, not from memory
  const stored = await page.evaluate(async () => {
    const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('layerscope-exports');
    const out: string[] = [];
    for await (const [n] of d as unknown as AsyncIterable<[string, FileSystemHandle]>) out.push(n);
    return out;
  });
  expect(stored.some((n) => n.endsWith(`-${name}.tar`))).toBe(true);
});

test('a file changed on the server while it is read: a clear error, not bytes of two files', async ({ page }) => {
  const name = names[0];
  await page.goto(`${base}?src=/__files/${name}.tar`);
  await expectSummary(page, name);
  await fetch(`${base}__touch/${name}.tar`);
  // Verify reads every blob again (in a worker of its own): the first range answer is the whole new file
  await page.locator('#verify').click();
  await expect(page.locator('#verify-result')).toContainText('changed on the server while it was being read', { timeout: 60_000 });
});

test('a hosted JSON file read by ranges: the error says what it is', async ({ page }) => {
  // ~200 KB: big enough that the reader's own error is 'corrupt' (not a tar), whose title says 'damaged'
  const doc = JSON.stringify([{ Config: 'abc.json', RepoTags: ['x:1'], Layers: ['l/layer.tar'], pad: 'x'.repeat(200_000) }]);
  writeFileSync(resolve(dir, 'manifest.json'), doc);
  await page.goto(`${base}?src=/__files/manifest.json`);
  const err = page.locator('#open-error');
  await expect(err.locator('#file-kind')).toContainText('JSON document');
  await expect(err).not.toContainText('damaged');
});

test('missing file and a slow server: plain words, and the summary still comes', async ({ page }) => {
  await page.goto(`${base}?src=/__files/nothing-here.tar`);
  await expect(page.getByText('HTTP 404 Not Found: there is no file at this address')).toBeVisible();

  const name = names[0];
  await stats(true);
  const t0 = Date.now();
  await page.goto(`${base}?src=${encodeURIComponent(`/__files/${name}.tar?latency=100`)}`);
  await expectSummary(page, name);
  const s = (await stats())[`/__files/${name}.tar`];
  figures.features_open_latency_100ms = { ms: Date.now() - t0, requests: s.requests, bytes: s.bytes };
});

test('the ~400 MB small-file archive over ranges: its summary from < 1 % of its bytes in < 50 requests; then its index (figures)', async ({ page }) => {
  test.skip(!existsSync(big), `no ${big} (made by large.spec.ts)`);
  const link = resolve(dir, 'large-400.tar');
  if (!existsSync(link)) symlinkSync(big, link);
  const size = statSync(link).size;
  const panel = page.locator('#archive-panel');
  const attr = async (n: string) => Number(await panel.getAttribute(n));
  // Opened on its history (a summary-level view), nothing but the summary is fetched.
  for (const latency of [0, 100]) {
    await page.goto('about:blank');
    await stats(true);
    const t0 = Date.now();
    await page.goto(`${base}#src=${encodeURIComponent(`/__files/large-400.tar${latency ? `?latency=${latency}` : ''}`)}&tab=history`);
    await expect(panel).toBeVisible({ timeout: 150_000 });
    const ms = Date.now() - t0; // page load, wasm compile and the summary's requests
    await expect(panel).toHaveAttribute('data-indexed', 'false');
    const s = Object.entries(await stats()).find(([k]) => k.startsWith('/__files/large-400.tar'))![1];
    expect(s.ranged).toBe(s.requests);
    expect(s.requests).toBeLessThan(50);
    expect(s.bytes).toBeLessThan(size / 100);
    figures[latency ? 'large_summary_latency_100ms' : 'large_summary'] = {
      size,
      ms,
      summary_in_worker_ms: await attr('data-summary-ms'),
      bytes_used: await attr('data-summary-bytes'),
      requests: s.requests,
      bytes: s.bytes,
      fraction: s.bytes / size,
    };
    if (latency) break;
    // The files tab has every layer indexed (headers only: the layers are plain tar).
    await stats(true);
    const t1 = Date.now();
    await page.locator('#tab-files').click();
    await expect(panel).toHaveAttribute('data-indexed', 'true', { timeout: 150_000 });
    const i = (await stats())['/__files/large-400.tar'];
    figures.large_index = {
      ms: Date.now() - t1,
      open_in_worker_ms: await attr('data-open-ms'),
      fetch_ms: await attr('data-fetch-ms'),
      bytes_used: await attr('data-bytes-read'),
      requests: i.requests,
      bytes: i.bytes,
      fraction: i.bytes / size,
    };
  }
});

/** The stored size of each image layer of a docker-archive (its manifest.json's
 *  Layers, in order), from the outer tar's own headers (ustar, octal sizes). */
function dockerLayerSizes(path: string): number[] {
  const fd = openSync(path, 'r');
  const members = new Map<string, { offset: number; size: number }>();
  try {
    const h = Buffer.alloc(512);
    for (let off = 0; readSync(fd, h, 0, 512, off) === 512 && h[0] !== 0; ) {
      const name = h.toString('latin1', 0, 100).replace(/\0.*$/s, '');
      const size = parseInt(h.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
      members.set(name, { offset: off + 512, size });
      off += 512 + Math.ceil(size / 512) * 512;
    }
    const m = members.get('manifest.json')!;
    const buf = Buffer.alloc(m.size);
    readSync(fd, buf, 0, m.size, m.offset);
    return (JSON.parse(buf.toString('utf8')) as { Layers: string[] }[])[0].Layers.map((l) => members.get(l)!.size);
  } finally {
    closeSync(fd);
  }
}

test('layers on demand: a view of a low layer of the ~400 MB archive fetches that layer, not the ones above it (figures)', async ({ page }) => {
  test.skip(!existsSync(big), `no ${big} (made by large.spec.ts)`);
  const link = resolve(dir, 'large-400.tar');
  if (!existsSync(link)) symlinkSync(big, link);
  const size = statSync(link).size;
  const layers = dockerLayerSizes(link);
  expect(layers.length).toBeGreaterThanOrEqual(4);
  const panel = page.locator('#archive-panel');
  const file = '/__files/large-400.tar';
  const steps: Record<string, unknown>[] = [];
  // Opened on layer 0's own files: the summary, then layer 0 — its blob, nothing above it.
  await stats(true);
  let t = Date.now();
  await page.goto(`${base}#src=${file}&layer=0&view=layer`);
  await expect(panel).toHaveAttribute('data-layers-read', `1/${layers.length}`, { timeout: 150_000 });
  await expect(page.locator('#tree .r').first()).toBeVisible();
  await expect(panel).toHaveAttribute('data-indexed', 'false');
  let s = (await stats())[file];
  // the summary (< 1 %), layer 0, and what the read-ahead reads through past its end
  expect(s.bytes).toBeLessThan(size / 100 + layers[0] + 16 * 2 ** 20);
  expect(s.bytes).toBeLessThan(size / 2);
  steps.push({ view: 'layer 0', ms: Date.now() - t, requests: s.requests, bytes: s.bytes, layer_bytes: layers[0] });
  // Layer 2: layers 1 and 2 are read now, 0 is not read again.
  await stats(true);
  t = Date.now();
  await page.evaluate(() => (location.hash = location.hash.replace('layer=0', 'layer=2')));
  await expect(panel).toHaveAttribute('data-layers-read', `3/${layers.length}`, { timeout: 150_000 });
  s = (await stats())[file];
  expect(s.bytes).toBeLessThan(layers[1] + layers[2] + 16 * 2 ** 20);
  expect(s.bytes).toBeGreaterThan((layers[1] + layers[2]) / 2);
  steps.push({ view: 'layer 2', ms: Date.now() - t, requests: s.requests, bytes: s.bytes, layer_bytes: layers[1] + layers[2] });
  // The merged tree at the top: the rest; every layer is then read.
  await stats(true);
  t = Date.now();
  await page.evaluate((n) => (location.hash = location.hash.replace('layer=2', `layer=${n}`).replace('view=layer', 'view=merged')), layers.length - 1);
  await expect(panel).toHaveAttribute('data-indexed', 'true', { timeout: 150_000 });
  s = (await stats())[file];
  const rest = layers.slice(3).reduce((a, b) => a + b, 0);
  expect(s.bytes).toBeLessThan(rest + 16 * 2 ** 20);
  steps.push({ view: 'top, merged', ms: Date.now() - t, requests: s.requests, bytes: s.bytes, layer_bytes: rest });
  figures.large_layers_on_demand = { size, layers, steps };
});

test("a hosted archive opened on its Space tab reads the image's layers, then shows the truth's wasted bytes", async ({ page }) => {
  const name = names[1];
  const dead = deadCopies(name);
  await page.goto(`${base}#src=/__files/${name}.tar&tab=space`);
  await expect(page.locator('#wasted')).toHaveText(formatBytes(dead.reduce((s, c) => s + c.size, 0)), { timeout: 60_000 });
  await expect(page.locator('#deleted-shipped')).toHaveText(formatBytes(dead.filter((c) => c.deleted).reduce((s, c) => s + c.size, 0)));
  await expect(page.locator('#archive-panel')).toHaveAttribute('data-indexed', 'true');
});
