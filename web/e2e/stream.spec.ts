// The page is cross-origin isolated (serve.mjs: COOP + COEP), so the worker
// reads a local file ahead asynchronously, in a reader worker of its own,
// while the core decodes (wasm/io/file-stream.ts, io/stream-reader.ts): a
// file at the end of a gzip and of a zstd layer read that way has the bytes
// that tar and gzip / zstd themselves extract from the same archive. (The
// FileReaderSync path alone is what a page without isolation uses: the
// single-file build from file://, single-file.spec.ts.)
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fixture } from './util';

/** SHA-256 of `path` in layer `k` of an OCI archive, by tar and the layer's own decompressor. */
function shaByTools(archive: string, k: number, path: string): string {
  const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { maxBuffer: 64 << 20 }).toString();
  const index = JSON.parse(sh(`tar -xOf '${archive}' index.json`));
  const manifest = JSON.parse(sh(`tar -xOf '${archive}' blobs/sha256/${index.manifests[0].digest.slice(7)}`));
  const layer = manifest.layers[k];
  const decode = layer.mediaType.endsWith('zstd') ? 'zstd -dc' : 'gzip -dc';
  return sh(`tar -xOf '${archive}' blobs/sha256/${layer.digest.slice(7)} | ${decode} | tar -xO '${path}' | sha256sum`).slice(0, 64);
}

for (const name of ['skopeo-oci-archive-zstd-features', 'buildah-oci-archive-gzip-features']) {
  test(`${name}: a file at the end of a compressed layer, read ahead asynchronously, has the bytes tar reads`, async ({ page }) => {
    await page.goto('./');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.locator('#file').setInputFiles(fixture(name));
    await expect(page.locator('#archive-panel')).toHaveAttribute('data-indexed', 'true', { timeout: 60_000 });
    // srv/app/big.bin: 3 MiB that do not compress, alone in layer 1 (~3.1 MB stored)
    const got = await page.evaluate(async () => {
      const e = document.querySelector('layer-scope-app')!.current!.engine;
      const parts = await e.readAll(0, 1, 'srv/app/big.bin', 3 << 20);
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      const d = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      const io = await (e as unknown as { client: { ioStats(): Promise<{ streamedBytes?: number }> } }).client.ioStats();
      return { n: all.length, sha: Array.from(d, (b) => b.toString(16).padStart(2, '0')).join(''), streamed: io?.streamedBytes ?? 0 };
    });
    expect({ n: got.n, sha: got.sha }).toEqual({ n: 3 << 20, sha: shaByTools(fixture(name), 1, 'srv/app/big.bin') });
    // Most of the layer came from the stream (after three synchronous reads: 448 KiB).
    expect(got.streamed).toBeGreaterThan(2 << 20);
  });
}
