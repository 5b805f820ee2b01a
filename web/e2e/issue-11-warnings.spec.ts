// Issue 11 in the page: the warnings of each answer appear next to the view
// they concern — the tree of an image with a missing layer says so at its top,
// a file names the odd entries about it, the history and config views carry
// the image's. Archives from the hostile corpus generator (groups missing and
// warnings), whose expectations come from Python (tests/hostile/make_corpus.py).
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { filter, fixture, openFile, repo, shot, tmp } from './util';

const dir = resolve(tmp, 'hostile-warnings');
test.beforeAll(() => {
  execFileSync('python3', [resolve(repo, 'tests/hostile/make_corpus.py'), '--quick', '--only', 'missing,warnings', dir], { stdio: 'ignore' });
});

/** The codes a <ls-view-warnings> shows, from its items (not its summary line). */
async function codes(page: Page, id: string): Promise<string[]> {
  return page.locator(`#${id} li`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-code') ?? ''));
}

interface Case {
  name: string;
  file: string;
  expect: { open: string; view_warnings?: { code: string; where?: string }[] };
}

test('every corpus case with view warnings: the tree and the history show each one with its code and place', async ({ page }) => {
  test.setTimeout(600_000);
  const cases = (JSON.parse(readFileSync(resolve(dir, 'cases.json'), 'utf8')).cases as Case[]).filter(
    (c) => c.expect.open === 'ok' && (c.expect.view_warnings ?? []).length > 0,
  );
  expect(cases.length).toBeGreaterThan(12);
  await page.goto('./');
  for (const c of cases) {
    await page.locator('#file').setInputFiles(resolve(dir, c.file));
    await expect(page.locator('#archive-panel')).toBeVisible({ timeout: 60_000 });
    const views = (await page.locator('#layer-select option').count()) > 0 ? ['tree-warnings', 'image-warnings'] : ['image-warnings'];
    for (const view of views) {
      if (view === 'image-warnings') await page.locator('#tab-history').click();
      for (const vw of c.expect.view_warnings!) {
        const li = page.locator(`#${view} li[data-code="${vw.code}"]`);
        await expect(li.first(), `${c.name}: ${view} shows ${vw.code}`).toBeAttached();
        if (vw.where) await expect(li.filter({ hasText: vw.where }).first(), `${c.name}: ${view} ${vw.code} at ${vw.where}`).toBeAttached();
      }
    }
    await page.locator('.tab').last().locator('.x').click();
    await expect(page.locator('.tab')).toHaveCount(0);
  }
});

test('an image with a missing layer: the tree, a file, the history and the config say it is incomplete', async ({ page }) => {
  await page.goto('./');
  await openFile(page, resolve(dir, 'missing-layer.tar'));
  const tree = page.locator('#tree-warnings details');
  await expect(tree).toBeVisible();
  // Open from the start: the listing is incomplete.
  await expect(tree).toHaveAttribute('open', '');
  await expect(tree.locator('summary')).toContainText('it is incomplete');
  expect(await codes(page, 'tree-warnings')).toEqual(expect.arrayContaining(['incomplete-image', 'missing-blob']));
  await expect(page.locator('#tree-warnings li[data-code="incomplete-image"]')).toContainText('layer 1');

  // A file read from the layer below: its content may not be what the image holds.
  await filter(page, 'hostname');
  await page.locator('.r[data-path="etc/hostname"]').click();
  await expect(page.locator('#text')).toContainText('base');
  await expect(page.locator('#file-warnings li[data-code="incomplete-image"]')).toBeVisible();
  await shot(page, 'warnings-missing-layer');

  for (const tab of ['history', 'config', 'compare', 'space', 'findings']) {
    await page.locator(`#tab-${tab}`).click();
    await expect(page.locator('#image-warnings li[data-code="incomplete-image"]')).toBeVisible();
    expect(await codes(page, 'image-warnings')).toContain('missing-blob');
  }
});

test('entries that climb out of the root: placed where containerd puts them, flagged in the tree and on each file', async ({ page }) => {
  await page.goto('./');
  await openFile(page, resolve(dir, 'warn-entry-dotdot.tar'));
  const tree = page.locator('#tree-warnings details');
  await expect(tree).toBeVisible();
  // Not incomplete: folded into one line that says how many and which codes.
  await expect(tree).not.toHaveAttribute('open', '');
  await expect(tree.locator('summary')).toContainText('3 warnings concern this filesystem');
  await expect(tree.locator('summary .codes')).toHaveText('entry-path-escapes');
  await tree.locator('summary').click();
  await expect(page.locator('#tree-warnings li')).toHaveCount(3);
  // No directory named "..": the entries are at /tmp/x, /x2, /sibling.txt.
  expect(await page.locator('.r[data-path*=".."]').count()).toBe(0);
  await filter(page, 'tmp/x');
  await page.locator('.r[data-path="tmp/x"]').click();
  await expect(page.locator('#text')).toContainText('../../../../tmp/x');
  await expect(page.locator('#file-warnings li')).toHaveCount(1);
  await expect(page.locator('#file-warnings li')).toContainText('../../../../tmp/x');
  // Another file: only its own warning.
  await filter(page, 'x2');
  await page.locator('.r[data-path="x2"]').click();
  await expect(page.locator('#text')).toContainText('a/../../x2');
  await expect(page.locator('#file-warnings li')).toHaveCount(1);
  await expect(page.locator('#file-warnings li')).toContainText('a/../../x2');
});

test('an absolute path: flagged on its file, not on its neighbour', async ({ page }) => {
  await page.goto('./');
  await openFile(page, resolve(dir, 'warn-entry-absolute.tar'));
  await expect(page.locator('#tree-warnings li[data-code="entry-path-absolute"]')).toHaveCount(1);
  await filter(page, 'abs.conf');
  await page.locator('.r[data-path="etc/abs.conf"]').click();
  await expect(page.locator('#text')).toContainText('abs');
  await expect(page.locator('#file-warnings li[data-code="entry-path-absolute"]')).toHaveCount(1);
  await filter(page, 'rel.txt');
  await page.locator('.r[data-path="rel.txt"]').click();
  await expect(page.locator('#text')).toContainText('r');
  await expect(page.locator('#file-warnings details')).toHaveCount(0);
});

test('a sound archive: no warning line in any view', async ({ page }) => {
  await page.goto('./');
  await openFile(page, fixture('docker20-save-features'));
  await expect(page.locator('.r').first()).toBeVisible();
  await expect(page.locator('#tree-warnings details')).toHaveCount(0);
  await filter(page, 'config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
  await expect(page.locator('#file-warnings details')).toHaveCount(0);
  await page.locator('#tab-history').click();
  await expect(page.locator('ls-history-view')).toBeVisible();
  await expect(page.locator('#image-warnings details')).toHaveCount(0);
});
