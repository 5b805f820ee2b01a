// Archives on another origin (issue 12): the hosted page given ?src= (or #src=) of
// an archive elsewhere reads it by Range requests when that server allows it
// (CORS), and its policy then lets it connect to that origin and to no other.
// Two servers: the page's, as a static host serves it (serve.mjs --static: no
// CSP headers, the page's meta policies are all there is), and the archives',
// with CORS (--cors *) and hooks that take parts of it away (?cors=0, ?expose=0,
// ?ifrange=0). Figures go to test-results/cross-origin.json.
import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixture, repo, startServer, tmp, truth, web } from './util';

const dir = resolve(tmp, 'cross-origin');
const name = 'docker20-save-features';
const gz = 'buildah-oci-archive-gzip-features';
const procs: ChildProcess[] = [];
let page0 = ''; // the page, served as a static host would
let files = ''; // the archives' server (another origin: another port)
let strict = ''; // the page with serve.mjs's CSP headers and --connect naming the archives' origin
const figures: Record<string, unknown> = {};

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  for (const n of [name, gz]) copyFileSync(fixture(n), resolve(dir, `${n}.tar`));
  const a = await startServer(['--dir', resolve(web, 'dist'), '--files', dir, '--test-hooks', '--cors', '*']);
  files = a.url;
  const b = await startServer(['--dir', resolve(web, 'dist'), '--static']);
  page0 = b.url;
  const c = await startServer(['--dir', resolve(web, 'dist'), '--connect', new URL(files).origin]);
  strict = c.url;
  procs.push(a.proc, b.proc, c.proc);
  expect(new URL(files).origin).not.toBe(new URL(page0).origin);
});

test.afterAll(() => {
  for (const p of procs) p.kill();
  mkdirSync(resolve(repo, 'test-results'), { recursive: true });
  writeFileSync(resolve(repo, 'test-results/cross-origin.json'), JSON.stringify(figures, null, 2) + '\n');
});

async function stats(): Promise<Record<string, { requests: number; bytes: number; ranged: number }>> {
  return (await (await fetch(`${files}__stats?reset=1`)).json()) as Record<string, { requests: number; bytes: number; ranged: number }>;
}

const archive = (n: string, query = '') => `${files}__files/${n}.tar${query}`;
const withSrc = (pageUrl: string, src: string) => `${pageUrl}?src=${encodeURIComponent(src)}`;

async function expectSummary(page: Page, n: string): Promise<void> {
  const t = truth(n).images[0];
  await expect(page.locator('#archive-panel')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('#layers .layer')).toHaveCount(t.layer_count);
  await expect(page.locator('#tags .chip')).toHaveText(t.repo_tags ?? t.ref_names ?? []);
}

/** The merged tree's config.ini, read (the layers fetched from the other origin). */
async function expectConfigIni(page: Page): Promise<void> {
  await page.locator('#view-merged').click();
  await page.locator('#filter').fill('config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await expect(page.locator('#text')).toContainText('(version 2)');
}

/** Whether the page's policy refuses a connection to `url` (a violation event, not a network error). */
function refused(page: Page, url: string): Promise<{ refused: boolean; directive: string }> {
  return page.evaluate(async (u) => {
    let directive = '';
    const on = (e: SecurityPolicyViolationEvent) => (directive = e.effectiveDirective);
    document.addEventListener('securitypolicyviolation', on);
    let failed = false;
    try {
      await fetch(u, { cache: 'no-store' });
    } catch {
      failed = true;
    }
    await new Promise((r) => setTimeout(r, 50));
    document.removeEventListener('securitypolicyviolation', on);
    return { refused: failed && directive !== '', directive };
  }, url);
}

test('?src= on another origin: the archive is read by ranges through CORS, and the page may connect to that origin and no other', async ({ page }) => {
  await stats();
  await page.goto(withSrc(page0, archive(name)));
  await expectSummary(page, name);
  expect(await page.locator('html').getAttribute('data-connect')).toBe(new URL(files).origin);
  // a file's content: the layers are indexed over ranges from the other origin
  await expectConfigIni(page);
  const s = (await stats())[`/__files/${name}.tar`];
  // every GET was a range (the preflights are not counted: OPTIONS)
  expect(s.ranged).toBe(s.requests);
  figures.cross_origin_features = { requests: s.requests, bytes: s.bytes };

  // The policy: the archive's origin yes; any other origin no, refused by connect-src.
  const other = `http://127.0.0.1:${Number(new URL(files).port) === 9 ? 10 : 9}/x`;
  expect(await refused(page, other)).toEqual({ refused: true, directive: 'connect-src' });
  expect(await refused(page, `${files}__stats`)).toEqual({ refused: false, directive: '' });
  // and a link to a third origin, followed in the page, says how to open it instead of failing
  await page.evaluate((u) => (location.hash = `#src=${encodeURIComponent(u)}`), other);
  await expect(page.getByText(`this page may connect only to ${new URL(page0).origin} and ${new URL(files).origin}`)).toBeVisible();
  await expect(page.getByText(withSrc(page0, other), { exact: false })).toBeVisible();
});

test('#src= deep link on another origin (gzip layers): its history tab, then a file of a layer', async ({ page }) => {
  await page.goto(`${page0}#src=${encodeURIComponent(archive(gz))}&tab=history`);
  await expectSummary(page, gz);
  const t = truth(gz).images[0];
  expect(t.env).toContain('APP_MODE=fixture');
  await expect(page.locator('ls-history-view')).toContainText('APP_MODE=fixture');
  await page.goto(`${page0}#src=${encodeURIComponent(archive(gz))}&layer=${t.layer_count - 1}&view=merged&path=/etc/app/config.ini`);
  await expect(page.locator('#text')).toContainText('(version 2)');
});

test("a server without CORS, without exposed headers, or whose preflight refuses If-Range: each said in plain words with the owner's fix", async ({ page }) => {
  await page.goto(withSrc(page0, archive(name, '?cors=0')));
  await expect(page.getByText(/does not let pages of other sites read this file \(CORS\).*Access-Control-Allow-Origin: http:\/\/127\.0\.0\.1:\d+ \(or \*\)/)).toBeVisible();

  await page.goto(withSrc(page0, archive(name, '?expose=0')));
  await expect(page.getByText(/does not let this page read its Content-Range header.*Access-Control-Expose-Headers: Content-Range/)).toBeVisible();

  await page.goto(withSrc(page0, archive(name, '?ifrange=0')));
  await expect(page.getByText(/does not allow the If-Range request header.*add If-Range to Access-Control-Allow-Headers/)).toBeVisible();
  await expect(page.locator('#archive-panel')).toHaveCount(0);
});

test("a page whose server sends its own policy: refused by that policy (said so), allowed with --connect", async ({ page }) => {
  // the e2e's own server: serve.mjs's header policy allows this origin only
  await page.goto(`/?src=${encodeURIComponent(archive(name))}`);
  await expect(page.getByText(`this page's Content-Security-Policy does not allow it to connect to ${new URL(files).origin} (connect-src)`)).toBeVisible();
  // a server told the archives' origin (--connect)
  await page.goto(withSrc(strict, archive(name)));
  await expectSummary(page, name);
  await expectConfigIni(page);
});

test('the single-file page from file:// reads ?src= from a server that allows any origin', async ({ page }) => {
  const url = pathToFileURL(resolve(web, 'dist/layerscope-standalone.html')).href;
  await page.goto(`${url}?src=${encodeURIComponent(archive(name))}`);
  await expectSummary(page, name);
  expect(await page.locator('html').getAttribute('data-connect')).toBe(new URL(files).origin);
  await expectConfigIni(page);
  expect(await refused(page, 'http://127.0.0.1:9/x')).toEqual({ refused: true, directive: 'connect-src' });
});

test('a deployment without connect-policy.js fails closed: the page connects to its own origin only', async ({ page }) => {
  // the built page copied without its first script, served as a static host would
  const bare = resolve(tmp, 'cross-origin-bare');
  rmSync(bare, { recursive: true, force: true });
  cpSync(resolve(web, 'dist'), bare, { recursive: true, filter: (p) => !p.endsWith('connect-policy.js') });
  const srv = await startServer(['--dir', bare, '--static']);
  procs.push(srv.proc);
  await page.goto(withSrc(srv.url, archive(name)));
  expect(await page.locator('html').getAttribute('data-connect')).toBe('');
  await expect(page.getByText(`this page may connect only to ${new URL(srv.url).origin}; to read an archive from ${new URL(files).origin}`)).toBeVisible();
  expect(await refused(page, `${files}__stats`)).toEqual({ refused: true, directive: 'connect-src' });
});
