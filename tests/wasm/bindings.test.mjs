// The bindings on the WebAssembly build in node: one Module.request entry over
// the dispatcher, bytes beside the envelope, two archives and two file cursors
// at once, handle errors as envelopes (the dispatcher's logic itself is
// tested natively in tests/core/dispatch_test.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.LAYERSCOPE_WASM_MODULE || path.join(here, '../../build/wasm/wasm/node/layerscope_core.js');
const fixturesDir = process.env.LAYERSCOPE_FIXTURES || path.join(here, '../../../shared/fixtures');
const require = createRequire(import.meta.url);
const mod = await require(modulePath)({ wasmBinary: fs.readFileSync(modulePath.replace(/\.js$/, '.wasm')) });

function open(name) {
  const fd = fs.openSync(path.join(fixturesDir, name), 'r');
  const source = { size: fs.fstatSync(fd).size, name, readInto: (o, p, n) => fs.readSync(fd, mod.HEAPU8, p, n, o) };
  const r = mod.request('open', {}, { source });
  assert.equal(r.ok, true, r.message);
  return { archive: r.value.archive, close: () => { mod.request('close', { archive: r.value.archive }); fs.closeSync(fd); } };
}
const ok = (e) => { assert.equal(e.ok, true, JSON.stringify(e)); return e; };

test('wasm bindings: two archives and two cursors, read alternately; bytes beside the envelope', () => {
  const a = open('docker20-save-features.tar');
  const b = open('skopeo-oci-archive-zstd-features.tar');
  try {
    assert.notEqual(a.archive, b.archive);
    const whole = ok(mod.request('read', { archive: b.archive, image: 0, layer: -1, path: 'srv/app/big.bin', offset: 0, length: 64 << 20 }));
    assert.ok(whole.data instanceof Uint8Array);
    assert.equal(whole.data.length, 3 << 20);
    assert.deepEqual(whole.value, { eof: true, size: 3 << 20, warnings: [] });  // the image has no warnings
    const c1 = ok(mod.request('openFile', { archive: b.archive, image: 0, layer: -1, path: 'srv/app/big.bin' })).value;
    const c2 = ok(mod.request('openFile', { archive: b.archive, image: 0, layer: -1, path: 'srv/app/big.bin' })).value;
    assert.equal(c1.size, 3 << 20);
    const half = (3 << 20) / 2, page = 256 << 10;
    const parts = [[], []];
    for (let off = 0; off < half; off += page) {
      parts[0].push(ok(mod.request('read', { cursor: c1.cursor, offset: off, length: page })).data);
      // The other archive in between.
      ok(mod.request('list', { archive: a.archive, image: 0, layer: -1, merged: true, limit: 3 }));
      parts[1].push(ok(mod.request('read', { cursor: c2.cursor, offset: half + off, length: page })).data);
    }
    assert.deepEqual(Buffer.concat([...parts[0], ...parts[1]]), Buffer.from(whole.data));
    // An empty read still carries (empty) bytes.
    const empty = ok(mod.request('read', { cursor: c1.cursor, offset: 3 << 20, length: 10 }));
    assert.equal(empty.data.length, 0);
    assert.equal(empty.value.eof, true);
    ok(mod.request('closeFile', { cursor: c1.cursor }));
    const closed = mod.request('read', { cursor: c1.cursor, length: 1 });
    assert.deepEqual(closed, { ok: false, code: 'invalid-argument', message: `file cursor ${c1.cursor} is closed`, where: 'read.cursor' });
  } finally {
    a.close();
    b.close();
  }
  const gone = mod.request('summary', { archive: a.archive });
  assert.equal(gone.code, 'invalid-argument');
  assert.equal(gone.data, undefined);
  assert.equal(mod.request('nope', {}).where, 'request.type');
});

test('wasm bindings: a source with willRead hears each compressed blob announced whole before it is read; one without works as before', () => {
  const name = 'skopeo-oci-archive-zstd-features.tar';
  const file = fs.readFileSync(path.join(fixturesDir, name));
  const runs = [];
  const reads = [];
  const source = {
    size: file.length,
    name,
    readInto: (o, p, n) => { reads.push(o); mod.HEAPU8.set(file.subarray(o, o + n), p); return Math.min(n, file.length - o); },
    willRead: (o, n) => runs.push([o, n, reads.length]),
  };
  const r = ok(mod.request('open', {}, { source }));
  try {
    const layers = r.value.summary.images[0].layers;
    const zstd = layers.filter((l) => l.compression === 'zstd');
    assert.ok(zstd.length >= 2, 'the fixture has zstd layers');
    // Each announced run is one zstd blob: its magic first, its stored size long, and read from its start after.
    for (const [o, n, before] of runs) {
      assert.deepEqual([...file.subarray(o, o + 4)], [0x28, 0xb5, 0x2f, 0xfd]);
      assert.ok(zstd.some((l) => l.size === n), `a run of ${n} bytes is a zstd layer's size`);
      assert.ok(reads.slice(before).includes(o), 'the run is read from its start after it was announced');
    }
    assert.deepEqual(new Set(runs.map(([, n]) => n)), new Set(zstd.map((l) => l.size)));
  } finally {
    mod.request('close', { archive: r.value.archive });
  }
});

test('wasm bindings: a save with scratch storage keeps each recompressed layer once, in order, and writes the same bytes; a failing scratch fails the write with its words', async () => {
  const { execFileSync } = await import('node:child_process');
  const crypto = await import('node:crypto');
  const { archive, close } = open('docker20-save-features.tar');
  const save = (scratch, sinkFinished = { v: false }) => {
    const parts = [];
    const sink = { name: 'out', write: (p, n) => { parts.push(mod.HEAPU8.slice(p, p + n)); return true; }, finish: () => { sinkFinished.v = true; return true; } };
    const r = mod.request('write', { archive, what: 'save', format: 'oci', compress: 'gzip' }, { sink, scratch });
    return { r, bytes: Buffer.concat(parts) };
  };
  // An in-memory scratch that records what the core asks of it.
  const memScratch = () => {
    let buf = Buffer.alloc(0);
    const s = {
      writes: 0, reads: 0, flushes: 0, buf: () => buf,
      flush() {
        s.flushes++;
        return true;
      },
      write(at, p, n) {
        assert.equal(at, buf.length, 'regions follow one another, each written in order');
        buf = Buffer.concat([buf, Buffer.from(mod.HEAPU8.subarray(p, p + n))]);
        s.writes++;
        return true;
      },
      readInto(at, p, n) {
        mod.HEAPU8.set(buf.subarray(at, at + n), p);
        s.reads++;
        return Math.min(n, buf.length - at);
      },
    };
    return s;
  };
  // The output's distinct layer blobs, as GNU tar reads them from an oci-archive.
  const layerBlobs = (bytes) => {
    const out = path.join(fs.mkdtempSync('/tmp/ls-scratch-'), 'out.tar');
    fs.writeFileSync(out, bytes);
    const blob = (d) => execFileSync('tar', ['-xOf', out, `blobs/sha256/${d.slice(7)}`], { maxBuffer: 1 << 28 });
    const index = JSON.parse(execFileSync('tar', ['-xOf', out, 'index.json'], { encoding: 'utf8' }));
    const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
    const seen = new Set();
    const layers = manifest.layers.filter((l) => !seen.has(l.digest) && seen.add(l.digest));
    const blobs = layers.map((l) => ({ mediaType: l.mediaType, bytes: blob(l.digest) }));
    fs.rmSync(path.dirname(out), { recursive: true });
    return blobs;
  };
  const layersIn = (bytes) => layerBlobs(bytes).length;
  const plain = save(undefined);
  ok(plain.r);
  const mem = memScratch();
  const kept = save(mem);
  ok(kept.r);
  assert.ok(mem.writes > 0 && mem.reads > 0);
  assert.equal(mem.flushes, layersIn(kept.bytes), 'one flush at the end of each kept layer');
  assert.equal(crypto.createHash('sha256').update(kept.bytes).digest('hex'), crypto.createHash('sha256').update(plain.bytes).digest('hex'));
  assert.equal(kept.r.value.bytes, plain.bytes.length);
  // The scratch holds the output's layer blobs, one after the other, as GNU tar reads them from the output.
  const layers = layerBlobs(kept.bytes);
  assert.ok(layers.length >= 2);
  assert.ok(layers.every((l) => l.mediaType.endsWith('.tar+gzip')));
  assert.deepEqual(mem.buf(), Buffer.concat(layers.map((l) => l.bytes)));

  // Storage that fills up: the write fails with the scratch's words, the output unfinished.
  const full = memScratch();
  const fullWrite = full.write;
  full.write = (at, p, n) => (full.writes >= 3 ? 'the browser\'s storage for this site is full (test)' : fullWrite(at, p, n));
  const finished = { v: false };
  const failed = save(full, finished).r;
  assert.equal(failed.ok, false);
  assert.equal(failed.code, 'io');
  assert.match(failed.message, /storage for this site is full \(test\)/);
  assert.match(failed.where, /^scratch for /);
  assert.equal(finished.v, false);
  // Storage that fills up when gathered writes are stored at a layer's end: its own words again.
  const late = memScratch();
  late.flush = () => 'the browser\'s storage for this site is full (at flush, test)';
  const lateFailed = save(late, finished).r;
  assert.equal(lateFailed.ok, false);
  assert.equal(lateFailed.code, 'io');
  assert.match(lateFailed.message, /full \(at flush, test\)/);
  assert.equal(finished.v, false);
  // A scratch that cannot read back what it kept.
  const lost = memScratch();
  lost.readInto = () => -1;
  const unreadable = save(lost, finished).r;
  assert.equal(unreadable.ok, false);
  assert.equal(unreadable.code, 'io');
  assert.match(unreadable.message, /could not read back a kept layer/);
  assert.equal(finished.v, false);
  // The archive is still usable after both failures.
  ok(save(memScratch()).r);
  close();
});

test('wasm bindings: layers compressed anew by "recompress" in another open (the page\'s helper workers) are copied by the write from `kept`: the same bytes as the write alone', () => {
  const crypto = require('node:crypto');
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
  const writer = open('docker20-save-features.tar');
  const helper = open('docker20-save-features.tar');
  try {
    const args = { what: 'save', format: 'oci', compress: 'zstd' };
    const write = (extra, opts) => {
      const parts = [];
      const sink = { name: 'out', write: (p, n) => { parts.push(mod.HEAPU8.slice(p, p + n)); return true; }, finish: () => true };
      const r = mod.request('write', { archive: writer.archive, ...args, ...extra }, { sink, ...opts });
      return { r, bytes: Buffer.concat(parts) };
    };
    const alone = write({}, {});
    ok(alone.r);
    const plan = ok(mod.request('writePlan', { archive: writer.archive, ...args })).value;
    assert.ok(plan.layers.length >= 2, JSON.stringify(plan));
    // Each layer compressed by the helper's open into a scratch of its own.
    const files = plan.layers.map((l) => {
      let buf = Buffer.alloc(0);
      const scratch = {
        write: (at, p, n) => { buf = Buffer.concat([buf.subarray(0, at), Buffer.from(mod.HEAPU8.subarray(p, p + n))]); return true; },
        flush: () => true,
        readInto: (at, p, n) => { mod.HEAPU8.set(buf.subarray(at, at + n), p); return Math.min(n, buf.length - at); },
      };
      const r = ok(mod.request('recompress', { archive: helper.archive, member: l.member, compress: 'zstd' }, { scratch })).value;
      assert.equal(r.member, l.member);
      assert.equal(r.size, buf.length);
      assert.equal(r.digest, `sha256:${sha(buf)}`);
      return { ...r, buf };
    });
    let at = 0;
    const recompressed = files.map((f) => ({ member: f.member, digest: f.digest, size: f.size, at: (at += f.size) - f.size }));
    const all = Buffer.concat(files.map((f) => f.buf));
    let read = 0;
    const kept = { name: 'kept', size: all.length, readInto: (o, p, n) => { read += n; mod.HEAPU8.set(all.subarray(o, o + n), p); return Math.min(n, all.length - o); } };
    const together = write({ recompressed }, { kept });
    ok(together.r);
    assert.equal(sha(together.bytes), sha(alone.bytes));
    assert.equal(read, all.length, 'each kept layer read once, whole');
    // A kept source that fails: the write fails in its words, naming the layer.
    const failing = { name: 'kept', size: all.length, readInto: () => -1 };
    const bad = write({ recompressed }, { kept: failing });
    assert.equal(bad.r.ok, false);
    assert.equal(bad.r.code, 'io');
    assert.match(bad.r.message, /compressed by a helper/);
  } finally {
    writer.close();
    helper.close();
  }
});
