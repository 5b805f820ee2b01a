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
  await page.locator('#compare-rows tr[data-path="data/big.txt"] button[aria-expanded]').click();
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
