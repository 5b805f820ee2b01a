// The peers of `make bench` in Chromium (window.peers, called by chromium.bench.ts
// through page.evaluate on the File chosen in #f). Each returns its wall time in
// ms, measured here, and what it computed (so the bench can check it did the work).
import { createSHA256 } from './hash-wasm/index.esm.js';
import { Archive } from './libarchive/libarchive.js';

Archive.init({ workerUrl: new URL('./libarchive/worker-bundle.js', import.meta.url).href });

const file = () => document.getElementById('f').files[0];
const CHUNK = 16 << 20;
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

window.peers = {
  /** hash-wasm's SHA-256 over the whole file, read in 16 MiB slices. */
  async hashWasm() {
    const f = file();
    const t0 = performance.now();
    const h = await createSHA256();
    h.init();
    for (let o = 0; o < f.size; o += CHUNK) h.update(new Uint8Array(await f.slice(o, o + CHUNK).arrayBuffer()));
    const digest = h.digest('hex');
    return { ms: performance.now() - t0, digest };
  },
  /** Only reading the whole file, 32 MiB slices: the browser's own ceiling for any
   *  tool that needs most of the file's bytes (a tar of small files). */
  async readAll() {
    const f = file();
    const t0 = performance.now();
    let bytes = 0;
    for (let o = 0; o < f.size; o += 2 * CHUNK) bytes += (await f.slice(o, o + 2 * CHUNK).arrayBuffer()).byteLength;
    return { ms: performance.now() - t0, bytes };
  },
  /** WebCrypto: one digest of the whole file (it has no streaming form), so the
   *  file must fit in one ArrayBuffer. */
  async webCrypto() {
    const f = file();
    const t0 = performance.now();
    const digest = hex(await crypto.subtle.digest('SHA-256', await f.arrayBuffer()));
    return { ms: performance.now() - t0, digest };
  },
  /** Only reading one blob of the archive (offset, size) in 16 MiB slices: what any
   *  reader of that layer in this browser pays before it decodes a byte. */
  async readRange(offset, size) {
    const f = file();
    const t0 = performance.now();
    let bytes = 0;
    for (let o = offset; o < offset + size; o += CHUNK) bytes += (await f.slice(o, Math.min(offset + size, o + CHUNK)).arrayBuffer()).byteLength;
    return { ms: performance.now() - t0, bytes };
  },
  /** DecompressionStream over one compressed blob of the archive (offset, size). */
  async inflate(offset, size, format) {
    try {
      new DecompressionStream(format);
    } catch {
      return { ms: 0, bytes: 0, unsupported: true };
    }
    const t0 = performance.now();
    const reader = file().slice(offset, offset + size).stream().pipeThrough(new DecompressionStream(format)).getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    return { ms: performance.now() - t0, bytes };
  },
  /** libarchive.js lists the archive, then each layer blob (a slice of the file),
   *  as `tar -tvf` of the archive and of each layer would. */
  async libarchiveList(layers) {
    const f = file();
    const t0 = performance.now();
    const perBlob = [];
    for (const blob of [f, ...layers.map((l) => new File([f.slice(l.offset, l.offset + l.size)], 'layer'))]) {
      const a = await Archive.open(blob);
      try {
        perBlob.push((await a.getFilesArray()).length);
      } finally {
        await a.close();
      }
    }
    return { ms: performance.now() - t0, entries: perBlob.reduce((n, k) => n + k, 0), perBlob };
  },
};
document.getElementById('ready').textContent = 'ready';
