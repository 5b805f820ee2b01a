// Issue 9 in the page: the Compare tab. Expectations come from the fixture's
// truth.json (layers applied here with their whiteouts and opaque directories)
// and from Python's tarfile + difflib on the file's two versions out of the archive.
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { filter, fixture, norm, openFile, shot, tmp, truth, web } from './util';

type Layer = { path: string; entries: { path: string; type: string }[]; opaque_dirs: string[] };

/** The merged filesystem after layer `k`: path → type. */
function mergedAfter(layers: Layer[], k: number): Map<string, string> {
  const m = new Map<string, string>();
  const drop = (p: string) => {
    for (const key of [...m.keys()]) if (key === p || key.startsWith(p + '/')) m.delete(key);
  };
  for (const l of layers.slice(0, k + 1)) {
    for (const o of l.opaque_dirs) for (const key of [...m.keys()]) if (key.startsWith(norm(o) + '/')) m.delete(key);
    for (const e of l.entries) {
      const p = norm(e.path);
      const base = p.split('/').pop()!;
      if (base === '.wh..wh..opq') continue;
      if (base.startsWith('.wh.')) drop(p.slice(0, p.length - base.length) + base.slice(4));
      else m.set(p, e.type);
    }
  }
  return m;
}

/** Python's difflib on the two versions of /etc/app/config.ini (tarfile, from two layer members): lines removed and added. */
function lineChanges(name: string, before: string, after: string): { gone: string[]; come: string[] } {
  const py = `import sys, tarfile, io, difflib, json
outer = tarfile.open(sys.argv[1])
v = [tarfile.open(fileobj=io.BytesIO(outer.extractfile(m).read())).extractfile('etc/app/config.ini').read().decode().splitlines()
     for m in sys.argv[2:]]
d = [l for l in difflib.unified_diff(v[0], v[1], lineterm='') if l[:1] in '+-' and l[:3] not in ('+++', '---')]
print(json.dumps({'gone': [l[1:] for l in d if l[0] == '-'], 'come': [l[1:] for l in d if l[0] == '+']}))`;
  return JSON.parse(execFileSync('python3', ['-c', py, fixture(name), before, after], { encoding: 'utf8' }));
}

test('Compare two layers: the added and deleted paths are the truth’s; a modified file shows its line changes', async ({ page }) => {
  const name = 'docker20-save-features';
  const im = truth(name).images[0];
  const layers = im.layers as unknown as Layer[];
  const a = mergedAfter(layers, 4);
  const b = mergedAfter(layers, 5);
  const added = [...b.keys()].filter((p) => !a.has(p)).sort();
  const deleted = [...a.keys()].filter((p) => !b.has(p)).sort();
  expect(deleted.length).toBeGreaterThan(2);

  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-compare').click();
  await page.locator('#compare-from').selectOption('4');
  await page.locator('#compare-to').selectOption('5');
  await page.locator('#compare').click();
  await expect(page.locator('#compare-summary')).toBeVisible();
  await page.locator('#rows-list').click();
  const rows = (change: string) => page.locator(`#compare-rows tr[data-change="${change}"]`).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-path')!).sort());
  expect(await rows('added')).toEqual(added);
  expect(await rows('deleted')).toEqual(deleted);
  await expect(page.locator('#compare-summary')).toContainText(`−${deleted.length} deleted`);

  // The content diff of the file layer 4 rewrote, from layer 0 (which stored it) to the top.
  const { gone, come } = lineChanges(name, layers[0].path, layers[4].path);
  expect(come.length).toBeGreaterThan(2);
  await page.locator('#compare-from').selectOption('0');
  await page.locator('#compare-to').selectOption('5');
  await page.locator('#compare').click();
  await page.locator('#compare-rows tr[data-path="etc/app/config.ini"] button[aria-expanded]').click();
  await expect(page.locator('#content-diff')).toBeVisible();
  expect((await page.locator('#content-diff .del').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(gone);
  expect((await page.locator('#content-diff .add').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(come);
  await shot(page, 'compare');
  // Side by side: the old lines left, the new right, each removal beside what replaced it.
  await page.locator('#diff-side').click();
  await expect(page.locator('#diff-side')).toHaveAttribute('aria-pressed', 'true');
  expect((await page.locator('#content-side .code.del').allTextContents()).map((l) => l.trimEnd())).toEqual(gone);
  expect((await page.locator('#content-side .code.add').allTextContents()).map((l) => l.trimEnd())).toEqual(come);
  await shot(page, 'compare-side-by-side');
  await page.locator('#diff-unified').click();
  await expect(page.locator('#content-diff')).toBeVisible();
  await expect(page.locator('#compare-rows tr[data-path="etc/app/config.ini"]')).toHaveAttribute('data-change', 'modified');
});

test('a file rewritten by a layer: "diff with layer N" in its history opens the Compare tab at its line changes', async ({ page }) => {
  const name = 'docker20-save-features';
  const layers = truth(name).images[0].layers as unknown as Layer[];
  const { gone, come } = lineChanges(name, layers[0].path, layers[4].path);
  await page.goto('./');
  await openFile(page, fixture(name));
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await page.locator('#path-history tr[data-layer="4"] .diff-link').click();
  await expect(page.locator('#tab-compare')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#compare-from')).toHaveValue('0');
  await expect(page.locator('#compare-to')).toHaveValue('4');
  await expect(page.locator('#content-diff')).toBeVisible();
  expect((await page.locator('#content-diff .del').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(gone);
  expect((await page.locator('#content-diff .add').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(come);
});

test('a long content diff (20,000 lines, 2,000 changed): both layouts in a virtual list, the lines difflib\'s', async ({ page }) => {
  const out = resolve(tmp, 'big-diff.tar');
  const { gone, come } = JSON.parse(execFileSync('python3', [resolve(web, 'e2e/make-big-diff.py'), out], { encoding: 'utf8' })) as { gone: string[]; come: string[] };
  expect(gone.length).toBe(2000);
  await page.goto('./');
  await openFile(page, out);
  await page.locator('#tab-compare').click();
  await page.locator('#compare-from').selectOption('0');
  await page.locator('#compare-to').selectOption('1');
  await page.locator('#compare').click();
  // the tree opens the single directory by itself
  await page.locator('#compare-tree tr[data-path="data/big.txt"] button[aria-expanded]').click();
  const unified = page.locator('#content-diff');
  await expect(unified).toBeVisible();
  await expect(page.locator('#diff-layout')).toContainText('2,000 lines removed, 2,000 added');
  // Only the rows in view are in the page.
  const inPage = () => page.locator('#content-diff .vl-row, #content-side .vl-row').count();
  expect(await inPage()).toBeLessThan(200);
  await expect(unified.locator('.del').first()).toHaveText(`-${gone[0]}`);
  const toBottom = (sel: string) =>
    page.locator(sel).evaluate(async (el) => {
      el.scrollTop = el.scrollHeight;
      for (let k = 0; k < 3; k++) await new Promise((r) => requestAnimationFrame(() => r(null)));
    });
  await toBottom('#content-diff');
  await expect(unified.locator('.del').last()).toHaveText(`-${gone[gone.length - 1]}`);
  await expect(unified.locator('.add').last()).toHaveText(`+${come[come.length - 1]}`);
  // Side by side: each removed line beside the line that replaced it.
  await page.locator('#diff-side').click();
  const side = page.locator('#content-side');
  await expect(side.locator('.srow').filter({ has: page.locator('.code.del') }).first().locator('.code')).toHaveText([gone[0], come[0]]);
  expect(await inPage()).toBeLessThan(200);
  await toBottom('#content-side');
  await expect(side.locator('.srow').filter({ has: page.locator('.code.del') }).last().locator('.code')).toHaveText([gone[gone.length - 1], come[come.length - 1]]);
  await shot(page, 'compare-long-side-by-side');
});

test('Files, "Changes in layers…": what layers 1..4 changed together, as a tree with A/M/D, is the truth’s', async ({ page }) => {
  const name = 'docker20-save-features';
  const layers = truth(name).images[0].layers as unknown as Layer[];
  const a = mergedAfter(layers, 0);
  const b = mergedAfter(layers, 4);
  const added = [...b.keys()].filter((p) => !a.has(p)).sort();
  const deleted = [...a.keys()].filter((p) => !b.has(p)).sort();
  expect(added.length).toBeGreaterThan(5);
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#layer-select').selectOption('4');
  await page.locator('#view-range').click();
  await page.locator('#range-from').selectOption('1');
  await expect(page.locator('#tree-info')).toContainText('changes');
  // The tree's model (its rows are virtual): every path with the change it shows.
  const shown = await page.evaluate(() => {
    const s = (document.querySelector('layer-scope-app') as unknown as { current: { tree(): { model: { n: number; paths: string[]; change: Uint8Array; flags: Uint8Array } } } }).current;
    const m = s.tree().model;
    const out: Record<string, string[]> = { added: [], modified: [], deleted: [] };
    const names = ['none', 'added', 'modified', 'deleted'];
    for (let i = 1; i < m.n; i++) if (m.change[i]) out[names[m.change[i]]].push(m.paths[i]);
    return out;
  });
  expect(shown.added.sort()).toEqual(added);
  expect(shown.deleted.sort()).toEqual(deleted);
  // The deep link keeps the range.
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('view=range');
  expect(await page.evaluate(() => location.hash)).toContain('from=1');
  await expect(page.locator('#view-range')).toHaveAttribute('aria-pressed', 'true');
  await shot(page, 'files-range');
});

// ── Comparing two images (issue 9: "Compare: open a second archive (or pick a second image)") ──

type FsPath = { path: string; find_type: string; size?: number; sha256?: string; link?: string };
type ImageTruth = {
  merged_fs: { paths: FsPath[] };
  env?: string[];
  labels?: Record<string, string> | null;
  cmd?: string[] | null;
  entrypoint?: string[] | null;
  working_dir?: string;
  user?: string;
  exposed_ports?: string[];
  diff_ids: string[];
};

/** What the two merged filesystems of the truth differ by: paths only before, only after, and
 *  in both with another type, size, content digest or link target. */
function fsChanges(a: ImageTruth, b: ImageTruth): { added: string[]; deleted: string[]; changed: string[] } {
  const A = new Map(a.merged_fs.paths.map((p) => [p.path, p]));
  const B = new Map(b.merged_fs.paths.map((p) => [p.path, p]));
  const added = [...B.keys()].filter((p) => !A.has(p)).sort();
  const deleted = [...A.keys()].filter((p) => !B.has(p)).sort();
  const changed = [...A.keys()]
    .filter((p) => B.has(p))
    .filter((p) => {
      const x = A.get(p)!;
      const y = B.get(p)!;
      return x.find_type !== y.find_type || x.size !== y.size || x.sha256 !== y.sha256 || x.link !== y.link;
    })
    .sort();
  return { added, deleted, changed };
}

/** The config rows the truth implies: "field" or "field key", e.g. "env PATH", "cmd". */
function configChanges(a: ImageTruth, b: ImageTruth): string[] {
  const out: string[] = [];
  const kv = (env: string[] = []) => new Map(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  const keyed = (field: string, x: Map<string, string>, y: Map<string, string>) => {
    for (const k of new Set([...x.keys(), ...y.keys()])) if (x.get(k) !== y.get(k)) out.push(`${field} ${k}`);
  };
  keyed('env', kv(a.env), kv(b.env));
  keyed('labels', new Map(Object.entries(a.labels ?? {})), new Map(Object.entries(b.labels ?? {})));
  keyed('ports', new Map((a.exposed_ports ?? []).map((p) => [p, ''])), new Map((b.exposed_ports ?? []).map((p) => [p, ''])));
  const same = (x: unknown, y: unknown) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
  if (!same(a.cmd, b.cmd)) out.push('cmd');
  if (!same(a.entrypoint, b.entrypoint)) out.push('entrypoint');
  if ((a.working_dir ?? '') !== (b.working_dir ?? '')) out.push('workdir');
  if ((a.user ?? '') !== (b.user ?? '')) out.push('user');
  return out.sort();
}

async function shownImageDiff(page: import('@playwright/test').Page) {
  await expect(page.locator('#compare-summary')).toBeVisible({ timeout: 60_000 });
  await page.locator('#rows-list').click();
  const rows = (change: string) => page.locator(`#compare-rows tr[data-change="${change}"]`).evaluateAll((trs) => trs.map((t) => t.getAttribute('data-path')!).sort());
  const config = await page
    .locator('#compare-config [data-field]')
    .evaluateAll((li) => li.map((t) => `${t.getAttribute('data-field')}${t.querySelector('.key') ? ` ${t.querySelector('.key')!.textContent}` : ''}`).sort());
  return { added: await rows('added'), deleted: await rows('deleted'), modified: await rows('modified'), config };
}

test('Compare with another image of the archive: paths, config, history and shared layers are the truth’s; an added file links to the other image', async ({ page }) => {
  const name = 'docker20-save-multi-2images-3tags';
  const [a, b] = truth(name).images as unknown as (ImageTruth & { history: { created_by?: string }[] })[];
  const want = fsChanges(a, b);
  expect(want.deleted.length).toBeGreaterThan(100);
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#tab-compare').click();
  await page.locator('#compare-with').selectOption('self#1');
  await expect(page.locator('#compare-from')).toHaveCount(0);
  await page.locator('#compare').click();
  // As a tree: the top level is the first names of the changed paths; a directory
  // says how many paths below it were added / modified / deleted, and opens.
  const every = [...want.added, ...want.deleted, ...want.changed];
  await expect(page.locator('#compare-tree')).toBeVisible({ timeout: 60_000 });
  const top = await page.locator('#compare-tree tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-path')!).filter((p) => !p.includes('/')));
  expect(top).toEqual([...new Set(every.map((p) => p.split('/')[0]))].sort());
  const under = (dir: string) => want.deleted.filter((p) => p.startsWith(`${dir}/`)).length;
  const bin = page.locator('#compare-tree tr[data-path="bin"]');
  await expect(bin).toHaveAttribute('data-change', 'deleted');
  await expect(bin.locator('.below')).toHaveText(`−${under('bin').toLocaleString('en-US')}`);
  const binOpen = await bin.locator('button.twist').getAttribute('aria-expanded');
  await bin.locator('button.twist').click();
  await expect(bin.locator('button.twist')).toHaveAttribute('aria-expanded', binOpen === 'true' ? 'false' : 'true');
  await expect(page.locator('#compare-tree tr[data-path^="bin/"]')).toHaveCount(binOpen === 'true' ? 0 : under('bin'));
  await shot(page, 'compare-images-tree');
  const got = await shownImageDiff(page);
  expect(got.added).toEqual(want.added);
  expect(got.deleted).toEqual(want.deleted);
  expect(got.modified).toEqual(want.changed);
  // Sizes for files only (a directory's or a link's 0 says nothing).
  const before = (p: string) => page.locator(`#compare-rows tr[data-path="${p}"] td.num`).first();
  await expect(before('bin')).toHaveText('');
  await expect(before('bin/sh')).toHaveText('');
  await expect(before('bin/busybox')).toHaveText(/\d(\.\d+)? MiB/);
  expect(got.config).toEqual(configChanges(a, b));
  await expect(page.locator('#compare-points')).toContainText('fixture/features:1.0');
  await expect(page.locator('#compare-points')).toContainText('fixture/tiny:2');
  // History: no step in common; every step of each is listed as deleted / added.
  const common = a.history.findIndex((h, i) => h.created_by !== b.history[i]?.created_by);
  await expect(page.locator('#compare-history h3')).toContainText(`${common} steps in common`);
  await expect(page.locator('#compare-history li[data-change="deleted"]')).toHaveCount(a.history.length - common);
  await expect(page.locator('#compare-history li[data-change="added"]')).toHaveCount(b.history.length - common);
  const shared = a.diff_ids.filter((d) => b.diff_ids.includes(d)).length;
  await expect(page.locator('#compare-shared-count')).toHaveText(shared === 1 ? '1 layer' : `${shared} layers`);
  await shot(page, 'compare-images');
  // The file only the other image has opens in that image's tree.
  await page.locator(`#compare-rows tr[data-path="${want.added[0]}"] button[title="Show in the file tree"]`).click();
  await expect(page.locator('#tab-files')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('image=1');
  await expect(page.locator(`.r[data-path="${want.added[0]}"]`)).toHaveAttribute('aria-selected', 'true');
});

test('Compare with a second archive picked in the tab, then with one open in the page (zstd OCI): the truths’ differences', async ({ page }) => {
  const A = 'docker20-save-features';
  const B = 'buildah-docker-archive-features';
  const C = 'skopeo-oci-archive-zstd-features';
  const ta = truth(A).images[0] as unknown as ImageTruth;
  await page.goto('./');
  await openFile(page, fixture(A));
  await page.locator('#tab-compare').click();
  await page.locator('#compare-file').setInputFiles(fixture(B));
  await expect(page.locator('#compare-with')).toHaveValue('file:1#0');
  await page.locator('#compare').click();
  let got = await shownImageDiff(page);
  let want = fsChanges(ta, truth(B).images[0] as unknown as ImageTruth);
  expect(got.added.length + got.deleted.length).toBeGreaterThan(0);
  expect(got.added).toEqual(want.added);
  expect(got.deleted).toEqual(want.deleted);
  // Rows the truth can see (type, size, content, link) are exactly those it finds; mode/owner-only rows are beyond it.
  expect(got.modified.filter((p) => want.changed.includes(p))).toEqual(want.changed);
  expect(got.config).toEqual(configChanges(ta, truth(B).images[0] as unknown as ImageTruth));
  await expect(page.locator('#compare-points')).toContainText(`of ${B}.tar`);
  // The picked archive is read in this archive's worker only: no new tab in the page.
  await expect(page.locator('.tabs [role="tab"]')).toHaveCount(1);

  // A third archive opened in the page (zstd OCI layers) is offered to the first one's Compare tab.
  await openFile(page, fixture(C));
  await expect(page.locator('.tabs [role="tab"]')).toHaveCount(2);
  await page.locator('.tabs [role="tab"]').first().click();
  await page.locator('#tab-compare').click();
  const offered = await page.locator('#compare-with option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent ?? '']));
  const other = offered.find(([v]) => v.startsWith('page:'));
  expect(other?.[1]).toContain(`${C}.tar — image 0`);
  await page.locator('#compare-with').selectOption(other![0]);
  await page.locator('#compare').click();
  const tc = truth(C).images[0] as unknown as ImageTruth;
  got = await shownImageDiff(page);
  want = fsChanges(ta, tc);
  expect(got.added).toEqual(want.added);
  expect(got.deleted).toEqual(want.deleted);
  expect(got.modified.filter((p) => want.changed.includes(p))).toEqual(want.changed);
  const shared = ta.diff_ids.filter((d) => tc.diff_ids.includes(d)).length;
  await expect(page.locator('#compare-shared-count')).toHaveText(shared === 1 ? '1 layer' : `${shared} layers`);
  // Closing that archive's tab closes this worker's copy of it: it is offered no more.
  await page.getByRole('button', { name: `Close ${C}.tar` }).click();
  await expect(page.locator('.tabs [role="tab"]')).toHaveCount(1);
  await expect(page.locator('#compare-with')).toHaveValue('layers');
  expect(await page.locator('#compare-with option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value).filter((v) => v.startsWith('page:')))).toEqual([]);
});

test('a file edited between two archives: its content diff across them is difflib’s, the shared layer is named', async ({ page }) => {
  const after = resolve(tmp, 'edit-after.tar');
  const before = resolve(tmp, 'edit-before.tar');
  const { gone, come } = JSON.parse(execFileSync('python3', [resolve(web, 'e2e/make-big-diff.py'), after, '200'], { encoding: 'utf8' })) as { gone: string[]; come: string[] };
  execFileSync('python3', [resolve(web, 'e2e/make-big-diff.py'), before, '200', '1']);
  await page.goto('./');
  await openFile(page, after);
  await page.locator('#tab-compare').click();
  await page.locator('#compare-file').setInputFiles(before);
  await page.locator('#compare').click();
  const got = await shownImageDiff(page);
  expect(got.modified).toEqual(['data/big.txt']);
  expect(got.added).toEqual([]);
  expect(got.deleted).toEqual([]);
  await expect(page.locator('#compare-shared-count')).toHaveText('1 layer');
  await expect(page.locator('#compare-history li[data-change="deleted"]')).toHaveCount(1);
  await page.locator('#compare-rows tr[data-path="data/big.txt"] button[aria-expanded]').click();
  await expect(page.locator('#content-diff')).toBeVisible();
  // This archive has the edited file; the other one the file before the edit.
  expect((await page.locator('#content-diff .del').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(come);
  expect((await page.locator('#content-diff .add').allTextContents()).map((l) => l.slice(1).trimEnd())).toEqual(gone);
  // Closing the picked archive goes back to the layers.
  await page.locator('#compare-drop').click();
  await expect(page.locator('#compare-with')).toHaveValue('layers');
});
