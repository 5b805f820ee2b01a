import { expect, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';

export const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repo = resolve(web, '..');
export const fixtures = process.env.LAYERSCOPE_FIXTURES ?? resolve(repo, '../shared/fixtures');
export const shots = resolve(repo, 'test-results/screenshots');
export const tmp = process.env.LAYERSCOPE_E2E_TMP ?? '/tmp/layerscope-e2e';
mkdirSync(shots, { recursive: true });
mkdirSync(tmp, { recursive: true });

export interface TruthImage {
  repo_tags?: string[];
  ref_names?: string[];
  layer_count: number;
  diff_ids: string[];
  history_count: number;
  history_empty_layer_count: number;
  env?: string[];
  history: { created_by?: string; empty_layer?: boolean }[];
  layers: { entries: { path: string; type: string; sha256?: string }[]; whiteouts: string[] }[];
  merged_fs: { path_count: number; paths: { path: string }[] };
}
export interface Truth {
  archive: string;
  image_count: number;
  images: TruthImage[];
}

export function truth(name: string): Truth {
  return JSON.parse(readFileSync(resolve(fixtures, `${name}.truth.json`), 'utf8')) as Truth;
}

export function fixture(name: string): string {
  const p = resolve(fixtures, `${name}.tar`);
  if (!existsSync(p)) throw new Error(`missing fixture ${p} (set LAYERSCOPE_FIXTURES)`);
  return p;
}

/** Opens a local archive through the file picker and waits for its summary. */
export async function openFile(page: Page, path: string, timeout = 60_000): Promise<void> {
  await page.locator('#file').setInputFiles(path);
  await expect(page.locator('#archive-panel')).toBeVisible({ timeout });
}

export const norm = (p: string) => p.replace(/^\.?\/+/, '').replace(/\/+$/, '');

/** Fills the tree filter and waits for the listing to be ready. */
export async function filter(page: Page, text: string, kind: 'text' | 'glob' | 'regex' = 'text'): Promise<void> {
  await page.locator('#filter-kind').selectOption(kind);
  await page.locator('#filter').fill(text);
}

/** Names of the files in the page's origin-private export directory (or its scratch directory). */
export function storedOutputs(page: Page, dirName = 'layerscope-exports'): Promise<string[]> {
  return page.evaluate(async (dirName) => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(dirName, { create: true });
    const names: string[] = [];
    for await (const [n] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) names.push(n);
    return names;
  }, dirName);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(shots, `${name}.png`) });
}

/** Starts web/serve.mjs (a free port) with `args` (e.g. --dir DIR); resolves with its
 *  base URL once it says where it listens. Kill `proc` when done. */
export function startServer(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn('node', [resolve(web, 'serve.mjs'), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((ok, fail) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /open (http:\/\/\S+\/)/.exec(out);
      if (m) ok({ url: m[1], proc });
    });
    proc.once('exit', (code) => fail(new Error(`serve.mjs exited (${code}): ${out}`)));
  });
}

export interface Copy {
  path: string;
  size: number;
  layer: number;
  deleted: boolean;
}

/** The fixture's dead regular-file copies from its truth (see space-findings.spec.ts), largest first. */
export function deadCopies(name: string): Copy[] {
  const im = truth(name).images[0];
  const layers = im.layers as unknown as { entries: { path: string; type: string; size: number }[] }[];
  const merged = new Set(im.merged_fs.paths.map((p) => norm(p.path)));
  const out: Copy[] = [];
  layers.forEach((l, i) => {
    for (const e of l.entries) {
      const p = norm(e.path);
      if (e.type !== 'file' || /(^|\/)\.wh\./.test(p)) continue; // whiteout markers are not copies
      const later = layers.slice(i + 1).some((m) => m.entries.some((x) => norm(x.path) === p));
      if (later || !merged.has(p)) out.push({ path: p, size: e.size, layer: i, deleted: !merged.has(p) });
    }
  });
  return out.sort((a, b) => b.size - a.size);
}
