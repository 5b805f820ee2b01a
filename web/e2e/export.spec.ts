// Issue 10 in the page: the export dialog. Each output is downloaded and read
// with tools independent of layerscope (GNU tar, Python tarfile, skopeo), then
// opened again in the page; a cancel and a failure leave nothing in the
// browser's storage.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixture, openFile, repo, shot, storedOutputs, tmp, truth } from './util';

const NAME = 'docker20-save-features';

/** Clicks Write in the dialog and saves the download that follows. */
async function writeAndDownload(page: Page, file: string): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.locator('#export-start').click()]);
  expect(download.suggestedFilename()).toBe(file);
  mkdirSync(resolve(tmp, 'export'), { recursive: true });
  const out = resolve(tmp, 'export', `${Date.now()}-${file}`);
  await download.saveAs(out);
  await expect(page.locator('#export-result')).toHaveAttribute('data-status', 'done');
  return out;
}

/** Opens the fixture, selects /etc/app/config.ini in the merged tree and opens the export dialog. */
async function openDialogOnConfigIni(page: Page): Promise<void> {
  await page.goto('./');
  await openFile(page, fixture(NAME));
  await page.locator('#view-merged').click();
  await page.locator('#filter').fill('config.ini');
  await page.locator('.r[data-path="etc/app/config.ini"]').click();
  await page.locator('#export-open').click();
}

/** The config of the only image of an oci-archive, read with GNU tar. */
function ociConfig(path: string): { rootfs: { diff_ids: string[] } } {
  const index = JSON.parse(execFileSync('tar', ['-xOf', path, 'index.json'], { encoding: 'utf8' }));
  const blob = (d: string) => JSON.parse(execFileSync('tar', ['-xOf', path, `blobs/sha256/${d.slice(7)}`], { encoding: 'utf8' }));
  return blob(blob(index.manifests[0].digest).config.digest);
}

test('save as oci-archive: tags and diff_ids are the truth’s, skopeo reads it, and it opens again with the same merged tree', async ({ page }) => {
  const im = truth(NAME).images[0];
  await page.goto('./');
  await openFile(page, fixture(NAME));
  await page.locator('#export-open').click();
  await expect(page.locator('#export-dialog')).toBeVisible();
  await page.locator('#export-format').selectOption('oci');
  await expect(page.locator('#export-cli')).toHaveText(`layerscope save ${NAME}.tar --format oci -o ${NAME}-oci.tar`);
  await shot(page, 'export-dialog');
  const out = await writeAndDownload(page, `${NAME}-oci.tar`);
  expect(ociConfig(out).rootfs.diff_ids).toEqual(im.diff_ids);
  const inspect = JSON.parse(execFileSync('skopeo', ['inspect', '--raw', `oci-archive:${out}`], { encoding: 'utf8' }));
  expect(inspect.layers.length).toBe(im.layer_count);
  await expect(page.locator('#export-result')).toHaveAttribute('data-bytes', String(readFileSync(out).length));

  await page.locator('#export-reopen').click();
  await expect(page.locator('.tab')).toHaveCount(2);
  await expect(page.locator('#archive-panel .archive-name')).toHaveText(`${NAME}-oci.tar`);
  await expect(page.locator('#tags .chip')).toHaveText(im.repo_tags ?? []);
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText(`${im.merged_fs.path_count} paths`);
});

test('strip the selected file: no layer of the download holds it; squash: one layer, same merged tree', async ({ page }) => {
  const im = truth(NAME).images[0];
  await openDialogOnConfigIni(page);
  await page.locator('input[name="what"][value="strip"]').check();
  await expect(page.locator('#export-paths')).toHaveValue('/etc/app/config.ini');
  const out = await writeAndDownload(page, `${NAME}-stripped.tar`);
  await expect(page.locator('#export-result')).toContainText('layers rewritten: 0, 4');
  const py = `import sys, tarfile, json
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile('manifest.json'))
print(len(m[0]['Layers']), sum(1 for l in m[0]['Layers'] for e in tarfile.open(fileobj=t.extractfile(l)) if e.name.strip('./') == 'etc/app/config.ini'))`;
  expect(execFileSync('python3', ['-c', py, out], { encoding: 'utf8' }).trim()).toBe(`${im.layer_count} 0`);

  await page.locator('input[name="what"][value="squash"]').check();
  const squashed = await writeAndDownload(page, `${NAME}-squashed.tar`);
  const layers = execFileSync('python3', ['-c', `import sys, tarfile, json; print(len(json.load(tarfile.open(sys.argv[1]).extractfile('manifest.json'))[0]['Layers']))`, squashed], { encoding: 'utf8' });
  expect(layers.trim()).toBe('1');
  await page.locator('#export-reopen').click();
  await expect(page.locator('#layers .layer')).toHaveCount(1);
  await page.locator('#view-merged').click();
  await expect(page.locator('#tree-info')).toContainText(`${im.merged_fs.path_count} paths`);
});

test('one file and a directory as a plain tar: the bytes the truth hashed', async ({ page }) => {
  const im = truth(NAME).images[0];
  const entry = im.layers[4].entries.find((e) => e.path === 'etc/app/config.ini')!;
  await openDialogOnConfigIni(page);
  await page.locator('input[name="what"][value="file"]').check();
  const file = await writeAndDownload(page, 'config.ini');
  expect('sha256:' + createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(entry.sha256);

  await page.locator('input[name="what"][value="export"]').check();
  await page.locator('#export-path').fill('/etc/app');
  const tar = await writeAndDownload(page, `${NAME}-rootfs-etc_app.tar`);
  const inTar = execFileSync('sh', ['-c', `tar -xOf '${tar}' etc/app/config.ini | sha256sum`], { encoding: 'utf8' }).slice(0, 64);
  expect('sha256:' + inTar).toBe(entry.sha256);
  const names = execFileSync('tar', ['-tf', tar], { encoding: 'utf8' }).trim().split('\n');
  expect(names.every((n) => n.startsWith('etc/'))).toBe(true);
});

test('a failure says what and where and keeps nothing; a cancel keeps nothing', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('./');
  await openFile(page, fixture(NAME));
  await page.locator('#export-open').click();
  await page.locator('input[name="what"][value="strip"]').check();
  await page.locator('#export-paths').fill('/no/such/file');
  await page.locator('#export-start').click();
  await expect(page.locator('#export-result')).toHaveAttribute('data-status', 'error');
  await expect(page.locator('#export-result')).toContainText('/no/such/file');
  await expect.poll(() => storedOutputs(page)).toEqual([]);
  await page.locator('#export-dialog .close').click();

  // 192 MiB of random bytes in one layer, recompressed with gzip: long enough to stop.
  const big = resolve(tmp, 'export-random-192.tar');
  if (!existsSync(big)) {
    const py = `import sys, os, io, tarfile, json, hashlib
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w') as t:
    data = os.urandom(192 << 20)
    ti = tarfile.TarInfo('random.bin'); ti.size = len(data); t.addfile(ti, io.BytesIO(data))
raw = layer.getvalue()
d = hashlib.sha256(raw).hexdigest()
cfg = json.dumps({'architecture': 'amd64', 'os': 'linux', 'rootfs': {'type': 'layers', 'diff_ids': ['sha256:' + d]}}).encode()
c = hashlib.sha256(cfg).hexdigest()
with tarfile.open(sys.argv[1], 'w') as out:
    for name, body in ((c + '.json', cfg), (d + '/layer.tar', raw), ('manifest.json', json.dumps([{'Config': c + '.json', 'RepoTags': ['random:1'], 'Layers': [d + '/layer.tar']}]).encode())):
        ti = tarfile.TarInfo(name); ti.size = len(body); out.addfile(ti, io.BytesIO(body))`;
    mkdirSync(tmp, { recursive: true });
    execFileSync('python3', ['-c', py, big + '.part']);
    renameSync(big + '.part', big);
  }
  await openFile(page, big);
  await page.locator('#export-open').click();
  await page.locator('#export-compress').selectOption('gzip');
  await page.locator('#export-start').click();
  const bar = page.locator('#export-progress [role="progressbar"]');
  await expect(bar).toBeVisible();
  await expect.poll(() => storedOutputs(page)).toHaveLength(1);
  // The layer being recompressed is kept in a scratch file named as the output.
  const outputs = await storedOutputs(page);
  await expect.poll(() => storedOutputs(page, 'layerscope-scratch')).toEqual(outputs);
  await shot(page, 'export-progress');
  await page.locator('#cancel-export-progress').click();
  await expect(page.locator('#export-result')).toHaveAttribute('data-status', 'cancelled');
  // The terminated worker releases the files' locks when the browser has torn it down: seconds under load.
  await expect.poll(() => storedOutputs(page), { timeout: 40_000 }).toEqual([]);
  await expect.poll(() => storedOutputs(page, 'layerscope-scratch'), { timeout: 40_000 }).toEqual([]);
  // Browsing goes on: the archive is still open and answers.
  await expect(page.locator('#tags .chip')).toHaveText(['random:1']);
  await page.locator('#export-dialog .close').click();
  // The viewer's Download of a file this big goes through the dialog (written to disk, not held in memory).
  await page.locator('.r[data-path="random.bin"]').click();
  await page.locator('#download').click();
  await expect(page.locator('#export-dialog')).toBeVisible();
  await expect(page.locator('input[name="what"][value="file"]')).toBeChecked();
  await expect(page.locator('#export-file')).toHaveText('/random.bin');
});

test('the page removes on load the scratch files a stopped export left (a worker torn down before it could), keeping outputs of the last day and a write running in another tab', async ({ page }) => {
  // Left while no page of the app runs (a page of the same origin that is not the app).
  await page.goto('./favicon.svg');
  const put = (dir: string, name: string) =>
    page.evaluate(
      async ([dir, name]) => {
        const d = await (await navigator.storage.getDirectory()).getDirectoryHandle(dir, { create: true });
        const w = await (await d.getFileHandle(name, { create: true })).createWritable();
        await w.write('left');
        await w.close();
      },
      [dir, name],
    );
  await put('layerscope-scratch', 'x-out.tar');
  await put('layerscope-scratch', 'x-out.tar.part3');
  await put('layerscope-exports', 'x-out.tar');
  // A write running in another tab: it holds its Web Lock (EngineArchive.write); its
  // scratch and a helper's finished part (no handle open on it) wait for the writer.
  await put('layerscope-scratch', 'y-out.tar');
  await put('layerscope-scratch', 'y-out.tar.part0');
  await page.evaluate(
    () =>
      new Promise<void>((granted) => {
        void navigator.locks.request('layerscope-write:y-out.tar', () => {
          granted();
          return new Promise((release) => Object.assign(window, { releaseWrite: release }));
        });
      }),
  );
  expect((await storedOutputs(page, 'layerscope-scratch')).sort()).toEqual(['x-out.tar', 'x-out.tar.part3', 'y-out.tar', 'y-out.tar.part0']);
  const app = await page.context().newPage();
  await app.goto('./');
  await expect(app.locator('#file')).toBeAttached();
  await expect.poll(() => storedOutputs(app, 'layerscope-scratch').then((n) => n.sort())).toEqual(['y-out.tar', 'y-out.tar.part0']);
  expect(await storedOutputs(app)).toEqual(['x-out.tar']); // an output of today stays (it may be downloaded again)
  // the write ended (its own removal did not come: a torn-down worker): the next visit sweeps them
  await page.evaluate(() => (window as unknown as { releaseWrite: () => void }).releaseWrite());
  await app.reload();
  await expect(app.locator('#file')).toBeAttached();
  await expect.poll(() => storedOutputs(app, 'layerscope-scratch')).toEqual([]);
});

test('save to a file the user picks: it holds the same bytes as the download, nothing stays in the browser’s storage; a cancelled pick writes nothing', async ({ page }) => {
  // The save picker stands in for the browser's dialog (headless Chromium cannot show
  // one): it hands out a real file handle of the origin-private file system.
  await page.addInitScript(() => {
    const w = window as unknown as { __picks: string[]; __cancelPick: boolean; showSaveFilePicker: unknown };
    w.__picks = [];
    w.__cancelPick = false;
    w.showSaveFilePicker = async (opts: { suggestedName: string }) => {
      w.__picks.push(opts.suggestedName);
      if (w.__cancelPick) throw new DOMException('The user aborted a request.', 'AbortError');
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked', { create: true });
      return dir.getFileHandle(`chosen-${opts.suggestedName}`, { create: true });
    };
  });
  const im = truth(NAME).images[0];
  await page.goto('./');
  await openFile(page, fixture(NAME));
  await page.locator('#export-open').click();
  await page.locator('#export-format').selectOption('oci');
  const downloaded = await writeAndDownload(page, `${NAME}-oci.tar`);
  await page.locator('#export-discard').click();

  await page.locator('input[name="dest"][value="pick"]').check();
  await page.evaluate(() => ((window as unknown as { __cancelPick: boolean }).__cancelPick = true));
  await page.locator('#export-start').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __picks: string[] }).__picks)).toEqual([`${NAME}-oci.tar`]);
  await expect(page.locator('#export-result')).toHaveCount(0);
  expect(await storedOutputs(page)).toEqual([]);

  await page.evaluate(() => ((window as unknown as { __cancelPick: boolean }).__cancelPick = false));
  await page.locator('#export-start').click();
  await expect(page.locator('#export-result')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.locator('#export-result')).toContainText(`Wrote chosen-${NAME}-oci.tar`);
  await expect(page.locator('#export-result')).toContainText('to the file you chose');
  await expect(page.locator('#export-download')).toHaveCount(0);
  const picked = await page.evaluate(async (name) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('picked');
    const bytes = await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer();
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { size: bytes.byteLength, sha256: [...d].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, `chosen-${NAME}-oci.tar`);
  const want = readFileSync(downloaded);
  expect(picked).toEqual({ size: want.length, sha256: createHash('sha256').update(want).digest('hex') });
  expect(ociConfig(downloaded).rootfs.diff_ids).toEqual(im.diff_ids);
  // Copied into the picked file, the output left the export storage.
  await expect.poll(() => storedOutputs(page)).toEqual([]);
  // The picked file opens again in the page.
  await page.locator('#export-reopen').click();
  await expect(page.locator('#archive-panel .archive-name')).toHaveText(`chosen-${NAME}-oci.tar`);
  await expect(page.locator('#tags .chip')).toHaveText(im.repo_tags ?? []);
});

type ExportCase = { what: string; format?: string; compress?: string };

/** Writes each case through the export dialog, already open on fixture `name`,
 *  then runs the command the dialog shows with the native CLI of this build on
 *  the same fixture: the two outputs must be equal byte for byte (the page and
 *  the CLI compress with the same zlib and libzstd at the same levels and write
 *  the same tar headers). Also checks what the page kept in its scratch file. */
async function sameBytesAsCli(page: Page, name: string, cases: ExportCase[]): Promise<void> {
  const cli = resolve(repo, 'build/native/cli/layerscope');
  expect(existsSync(cli), `${cli} (make test builds it before the browser tests)`).toBe(true);
  const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
  for (const c of cases) {
    await page.locator(`input[name="what"][value="${c.what}"]`).check();
    if (c.format) await page.locator('#export-format').selectOption(c.format);
    if (c.compress !== undefined) await page.locator('#export-compress').selectOption(c.compress);
    const command = (await page.locator('#export-cli').textContent())!.trim();
    const words = command.split(/\s+/);
    expect(words.slice(0, 3), command).toEqual(['layerscope', c.what, `${name}.tar`]);
    expect(words.slice(-2, -1), command).toEqual(['-o']);
    if (c.compress) expect(command).toContain(`--compress ${c.compress}`);
    const downloaded = await writeAndDownload(page, words[words.length - 1]);
    const byCli = resolve(tmp, 'export', `${Date.now()}-cli-${words[words.length - 1]}`);
    // The shown command with the fixture's path for its name and a new output;
    // every other word (the image, the paths, the flags) as the dialog wrote it.
    const args = [c.what, fixture(name), ...words.slice(3, -2).map((w) => w.replace(/^'(.*)'$/, '$1')), '-o', byCli];
    execFileSync(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    expect(readFileSync(downloaded).length, `${command}: size`).toBe(readFileSync(byCli).length);
    expect(sha(downloaded), `${command}: bytes`).toBe(sha(byCli));
    // Each recompressed layer was compressed once, into the scratch file, and
    // copied from there: for a save, exactly the output's layer blobs.
    const kept = Number(await page.locator('#export-result').getAttribute('data-scratch-bytes'));
    if (c.what === 'save' && c.format === 'oci' && c.compress) {
      const index = JSON.parse(execFileSync('tar', ['-xOf', downloaded, 'index.json'], { encoding: 'utf8' }));
      const manifest = JSON.parse(execFileSync('tar', ['-xOf', downloaded, `blobs/sha256/${index.manifests[0].digest.slice(7)}`], { encoding: 'utf8' }));
      const sizes = new Map<string, number>(manifest.layers.map((l: { digest: string; size: number }) => [l.digest, l.size]));
      expect(kept, command).toBe([...sizes.values()].reduce((a, b) => a + b, 0));
    } else if (c.compress) {
      expect(kept, command).toBeGreaterThan(0);
      expect(kept, command).toBeLessThan(readFileSync(downloaded).length);
    } else {
      expect(kept, command).toBe(0);
    }
  }
  // The scratch file is gone once the writes are done.
  expect(await storedOutputs(page, 'layerscope-scratch')).toEqual([]);
}

test('the command the dialog shows writes the same bytes as the page: gzip and zstd re-export, strip, squash', async ({ page }) => {
  await openDialogOnConfigIni(page);
  await sameBytesAsCli(page, NAME, [
    { what: 'save', format: 'oci', compress: 'gzip' },
    { what: 'save', format: 'docker', compress: 'zstd' },
    { what: 'strip', format: 'oci', compress: 'gzip' },
    { what: 'squash', format: 'docker' },
  ]);
});

test('the same bytes as the CLI from an archive of zstd layers: decoded and recompressed as gzip, copied as stored', async ({ page }) => {
  const name = 'skopeo-oci-archive-zstd-features';
  await page.goto('./');
  await openFile(page, fixture(name));
  await page.locator('#export-open').click();
  await sameBytesAsCli(page, name, [
    { what: 'save', format: 'oci', compress: 'gzip' },
    { what: 'save', format: 'oci', compress: '' },
  ]);
});
