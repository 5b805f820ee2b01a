// The npm package `layerscope` (make package -> web/dist-pkg/layerscope-*.tgz)
// installed into an empty project (npm install of the tarball, offline: it has
// no dependencies) and used as a site would: a plain HTML page with one
// <script type="module"> and two <layer-scope> elements, served as static files
// (web/serve.mjs, the page's strict CSP); and a TypeScript consumer compiled
// against the package's types.
import { expect, test } from '@playwright/test';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repo, shot, startServer, tmp, web } from './util';

const project = resolve(tmp, 'package-consumer');
let server: ChildProcess;
let base = '';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

test.beforeAll(async () => {
  const dir = resolve(web, 'dist-pkg');
  const tgz = existsSync(dir) ? readdirSync(dir).find((f) => /^layerscope-.*\.tgz$/.test(f)) : undefined;
  if (!tgz) throw new Error('no web/dist-pkg/layerscope-*.tgz: run `make package` (make test-e2e does)');
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  const npm = (...a: string[]) => execFileSync('npm', a, { cwd: project, stdio: 'pipe', timeout: 60_000 });
  npm('init', '-y');
  npm('install', '--offline', '--no-audit', '--no-fund', resolve(dir, tgz));
  for (const f of ['demo.tar', 'demo-oci.tar']) copyFileSync(resolve(repo, 'examples', f), resolve(project, f));
  writeFileSync(
    resolve(project, 'index.html'),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>docs</title>
<script type="module" src="node_modules/layerscope/layerscope.js"></script></head>
<body><h1>Our images</h1>
<layer-scope id="one" src="demo.tar" image="demo/app" tab="history"></layer-scope>
<layer-scope id="two" src="demo-oci.tar" layer="2" view="layer" path="/etc/app/config.ini" theme="dark"></layer-scope>
</body></html>
`,
  );
  const started = await startServer(['--dir', project]);
  server = started.proc;
  base = started.url;
});

test.afterAll(() => server?.kill());

test('installed into an empty project: four files, no dependencies; a plain page with two elements works', async ({ page }) => {
  const pkg = resolve(project, 'node_modules/layerscope');
  expect(readdirSync(pkg).sort()).toEqual(['README.md', 'layerscope-stream-reader.js', 'layerscope-worker.js', 'layerscope.d.ts', 'layerscope.js', 'layerscope_core.wasm', 'package.json']);
  expect(existsSync(resolve(project, 'node_modules/lit'))).toBe(false); // Lit is bundled in
  expect(statSync(resolve(pkg, 'layerscope_core.wasm')).size).toBeGreaterThan(500_000); // the wasm is a file, not inlined
  expect(statSync(resolve(pkg, 'layerscope-worker.js')).size).toBeLessThan(200_000);

  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} ${r.url()}`));
  await page.goto(base);
  const one = page.locator('layer-scope#one');
  const two = page.locator('layer-scope#two');
  // one: the image named by its bare repo, on its history
  await expect(one.locator('#tags .chip')).toHaveText(['demo/app:1.0']);
  await expect(one.locator('#tab-history')).toHaveAttribute('aria-selected', 'true');
  await expect(one.locator('ls-history-view')).toContainText('EXPOSE');
  // two: its gzip'ed oci twin, a file as of layer 2, dark
  await expect(two.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(two.locator('#text')).toContainText('port');
  await expect(two).toHaveAttribute('theme', 'dark');
  // the JS API from the page: select() and the events
  const got = await one.evaluate(async (el) => {
    const e = el as HTMLElement & { select(s: object): void };
    const seen = new Promise<string>((ok) => e.addEventListener('layerscope-navigate', (ev) => ok((ev as CustomEvent).detail.hash), { once: true }));
    e.select({ tab: 'files', view: 'merged', path: '/etc/app/config.ini' });
    return seen;
  });
  expect(got).toContain('path=/etc/app/config.ini');
  await expect(one.locator('#viewer-path')).toContainText('/etc/app/config.ini');
  await expect(one).toHaveAttribute('tab', 'files');
  await shot(page, 'package-consumer');
  expect(errors).toEqual([]);
});

test('its types: a TypeScript consumer compiles against them, and a wrong use does not', async () => {
  const tsc = resolve(web, 'node_modules/.bin/tsc');
  const tsconfig = {
    compilerOptions: { target: 'es2022', module: 'es2022', moduleResolution: 'bundler', strict: true, noEmit: true, lib: ['es2022', 'dom'], skipLibCheck: false },
    include: ['use.ts'],
  };
  writeFileSync(resolve(project, 'tsconfig.json'), JSON.stringify(tsconfig));
  const good = `import { setAssetBase, type LayerScope } from 'layerscope';
setAssetBase('/static/layerscope/');
const el: LayerScope = document.querySelector('layer-scope')!;
el.select({ image: 'app:1.0', layer: 2, view: 'merged', path: '/etc', tab: 'files' });
el.addEventListener('layerscope-ready', (e) => console.log(e.detail.name));
void el.open('images/app.tar');
`;
  writeFileSync(resolve(project, 'use.ts'), good);
  execFileSync(tsc, ['-p', project], { stdio: 'pipe' });
  writeFileSync(resolve(project, 'use.ts'), good + "el.select({ tab: 'nowhere' });\n");
  let out = '';
  try {
    execFileSync(tsc, ['-p', project], { stdio: 'pipe' });
  } catch (e) {
    out = String((e as { stdout?: Buffer }).stdout ?? '');
  }
  expect(out).toMatch(/use\.ts\(7,\d+\): error TS\d+: Type '"nowhere"' is not assignable to type 'LayerScopeTab/);
});

test('taken in by a site\'s bundler (Vite): the worker and wasm copied beside the site, setAssetBase names them', async ({ page }) => {
  const site = resolve(tmp, 'package-bundled');
  rmSync(site, { recursive: true, force: true });
  mkdirSync(resolve(site, 'public/static/layerscope'), { recursive: true });
  execFileSync('cp', ['-r', resolve(project, 'node_modules'), resolve(project, 'package.json'), site]);
  for (const f of ['layerscope-worker.js', 'layerscope-stream-reader.js', 'layerscope_core.wasm'])
    copyFileSync(resolve(project, 'node_modules/layerscope', f), resolve(site, 'public/static/layerscope', f));
  copyFileSync(resolve(repo, 'examples/demo.tar'), resolve(site, 'public/demo.tar'));
  writeFileSync(resolve(site, 'main.js'), "import { setAssetBase } from 'layerscope';\nsetAssetBase('static/layerscope');\n");
  writeFileSync(
    resolve(site, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>site</title><script type="module" src="./main.js"></script></head>' +
      '<body><layer-scope id="one" src="demo.tar" tab="history"></layer-scope></body></html>\n',
  );
  execFileSync('node', [resolve(web, 'node_modules/vite/bin/vite.js'), 'build', '--base', './', '--logLevel', 'warn'], { cwd: site, stdio: 'pipe', timeout: 120_000 });
  const { url, proc: srv } = await startServer(['--dir', resolve(site, 'dist')]);
  try {
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    await page.goto(url);
    await expect(page.locator('layer-scope#one ls-history-view')).toContainText('EXPOSE');
    expect(workers.some((w) => w.endsWith('/static/layerscope/layerscope-worker.js'))).toBe(true);
  } finally {
    srv.kill();
  }
});

test('examples/docs-portal: two archives by URL; the history-only one is never indexed, the other shows its file', async ({ page }) => {
  const out = resolve(tmp, 'docs-portal');
  execFileSync(resolve(repo, 'examples/docs-portal/assemble.sh'), [out], { stdio: 'pipe' });
  const { url, proc: portal } = await startServer(['--dir', out]);
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const docker = page.locator('layer-scope#docker');
    const oci = page.locator('layer-scope#oci');
    await expect(docker.locator('#viewer-path')).toContainText('/etc/app/config.ini');
    await expect(docker.locator('#text')).toContainText('port');
    await expect(oci.locator('ls-history-view')).toContainText('EXPOSE');
    // a hosted archive shown on its history needs no layer: only its summary was read
    await expect(oci.locator('#archive-panel')).toHaveAttribute('data-indexed', 'false');
    const used = Number(await oci.locator('#archive-panel').getAttribute('data-summary-bytes'));
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(statSync(resolve(repo, 'examples/demo-oci.tar')).size / 10);
    await shot(page, 'docs-portal');
    expect(errors).toEqual([]);
  } finally {
    portal.kill();
  }
});
