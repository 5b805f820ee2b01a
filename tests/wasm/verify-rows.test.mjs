// The page's verify table in one hashing pass: its worker opens the archive with
// verify on (indexing and hashing together), then asks `verifyRows`, which must
// answer from those hashes without reading the archive again. Checked on the
// WebAssembly build in node by the source's own byte counter; an open without
// verify is the contrast (there verifyRows has to read every layer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.LAYERSCOPE_WASM_MODULE || path.join(here, '../../build/wasm/wasm/node/layerscope_core.js');
const fixturesDir = process.env.LAYERSCOPE_FIXTURES || path.join(here, '../../../shared/fixtures');
const require = createRequire(import.meta.url);
const mod = await require(modulePath)({ wasmBinary: fs.readFileSync(modulePath.replace(/\.js$/, '.wasm')) });

function fileSource(file) {
  const fd = fs.openSync(file, 'r');
  const src = {
    size: fs.fstatSync(fd).size,
    name: path.basename(file),
    bytes: 0,
    readInto(offset, ptr, len) {
      const n = fs.readSync(fd, mod.HEAPU8, ptr, len, offset);
      src.bytes += n;
      return n;
    },
  };
  return src;
}

function value(e) {
  assert.equal(e.ok, true, `call failed: ${JSON.stringify(e)}`);
  return e.value;
}

/** Opens `file` (verify on or off), then asks verifyRows: the rows and the bytes each step read. */
function rowsAfterOpen(file, verify) {
  const src = fileSource(file);
  const { archive } = value(mod.request('open', { verify }, { source: src }));
  const opened = src.bytes;
  let progressCalls = 0;
  const doc = value(mod.request('verifyRows', { archive }, { source: src, progress: () => (progressCalls++, true) }));
  value(mod.request('close', { archive }));
  return { doc, opened, rowsRead: src.bytes - opened, progressCalls };
}

const gzipped = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verify-rows-')), 'docker20-save-features.tar.gz');
execFileSync('sh', ['-c', `gzip -1 -c '${path.join(fixturesDir, 'docker20-save-features.tar')}' > '${gzipped}'`]);
const files = [
  ...['docker20-save-features', 'buildah-oci-archive-gzip-features', 'skopeo-oci-archive-zstd-features', 'docker20-save-multi-2images-3tags'].map((n) =>
    path.join(fixturesDir, `${n}.tar`),
  ),
  gzipped,
];

for (const file of files) {
  test(`verifyRows after an open with verify: no byte read again (${path.basename(file)})`, () => {
    const once = rowsAfterOpen(file, true);
    assert.equal(once.doc.ok, true, JSON.stringify(once.doc.rows.filter((r) => r.state !== 'ok')));
    assert.ok(once.doc.rows.length > 0);
    assert.equal(once.rowsRead, 0, 'verifyRows read the archive again');
    assert.equal(once.progressCalls, 0);
    // The contrast: without the hashing open, the rows cost a read of every layer.
    const cold = rowsAfterOpen(file, false);
    assert.deepEqual(cold.doc, once.doc);
    const layerBytes = once.doc.rows.filter((r) => r.kind === 'layer').reduce((n, r) => n + r.actual_size, 0);
    assert.ok(cold.rowsRead >= Math.min(layerBytes, fs.statSync(file).size), `verifyRows after a plain open read ${cold.rowsRead} bytes`);
  });
}

// The page's verify of a local file (wasm/worker.ts: hashPlainBlobs): a
// headers-only open, verifyPlan's plain blobs hashed outside the core (here by
// node's crypto, from the file itself), the rest by the core without indexing.
// The core reads no plain blob; the rows are those of the hashing open.
for (const file of files.slice(0, 4)) {
  test(`verify with the host's digests of plain blobs: same rows, plain blobs not read (${path.basename(file)})`, async () => {
    const { createHash } = await import('node:crypto');
    const want = rowsAfterOpen(file, true).doc;
    const src = fileSource(file);
    const { archive } = value(mod.request('open', { layers: 'headers' }, { source: src }));
    const { blobs } = value(mod.request('verifyPlan', { archive }));
    const fd = fs.openSync(file, 'r');
    const digests = blobs.map((b) => {
      const buf = Buffer.alloc(b.size);
      fs.readSync(fd, buf, 0, b.size, b.offset);
      return 'sha256:' + createHash('sha256').update(buf).digest('hex');
    });
    fs.closeSync(fd);
    const plainBytes = blobs.reduce((n, b) => n + b.size, 0);
    const before = src.bytes;
    const v = value(mod.request('verify', { archive, index: false, blobs: blobs.map((b) => b.blob), digests }, { source: src }));
    const hashedByCore = src.bytes - before;
    const layerBytes = want.rows.filter((r) => r.kind === 'layer').reduce((n, r) => n + r.actual_size, 0);
    // what the core read: the layers not in the plan (compressed), and little else
    assert.ok(hashedByCore <= layerBytes - plainBytes + (256 << 10), `the core read ${hashedByCore} bytes; ${plainBytes} were hashed outside`);
    if (path.basename(file).startsWith('docker20')) assert.ok(blobs.length >= 3 && hashedByCore < 64 << 10, `${blobs.length} plain blobs, ${hashedByCore} bytes read`);
    for (const l of v.summary.images.flatMap((i) => i.layers)) assert.equal(l.computed_digest, l.digest ?? l.computed_digest);
    const doc = value(mod.request('verifyRows', { archive }, { source: src }));
    value(mod.request('close', { archive }));
    assert.deepEqual(doc, want);
  });
}
