// The fixture assertions, run on the WebAssembly build in node: the same core,
// reached through the Embind bindings (Module.request over the dispatcher) and
// a JS-backed ByteSource that reads the file in slices (fs.readSync at an
// offset), never as a whole buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modulePath = process.env.LAYERSCOPE_WASM_MODULE ||
  path.join(here, '../../build/wasm/wasm/node/layerscope_core.js');
const fixturesDir = process.env.LAYERSCOPE_FIXTURES || path.join(here, '../../../shared/fixtures');

const require = createRequire(import.meta.url);
const createLayerscope = require(modulePath);
const wasmBinary = fs.readFileSync(modulePath.replace(/\.js$/, '.wasm'));
const mod = await createLayerscope({ wasmBinary });

function fileSource(file) {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  const src = {
    size, name: path.basename(file), reads: 0, bytes: 0, maxRead: 0,
    readInto(offset, ptr, len) {
      // HEAPU8 is looked up on every call: the heap may have grown since.
      const n = fs.readSync(fd, mod.HEAPU8, ptr, len, offset);
      src.reads++; src.bytes += n; src.maxRead = Math.max(src.maxRead, len);
      return n;
    },
    close() { fs.closeSync(fd); },
  };
  return src;
}

function unwrap(e) {
  assert.equal(e.ok, true, `call failed: ${JSON.stringify(e)}`);
  return e.value;
}

// Opens a source: {ok:true, archive} | {ok:false, code, message, where}.
function openSource(src, opts = {}) {
  const r = mod.request('open', { verify: !!opts.verify }, { source: src, progress: opts.progress });
  return r.ok ? { ok: true, archive: r.value.archive } : r;
}

// The requests these tests make of one open archive.
function archiveRequests(archive) {
  const req = (type, args) => mod.request(type, { archive, ...args });
  return {
    summary: () => req('summary'),
    list: (image, layer, merged, prefix, offset, limit) => req('list', { image, layer, merged, prefix, offset, limit }),
    readFile(image, layer, path, offset, length) {
      const e = req('read', { image, layer, path, offset, length });
      return e.ok ? { ok: true, data: e.data, eof: e.value.eof, size: e.value.size } : e;
    },
    pathHistory: (image, path) => req('pathHistory', { image, path }),
    manifestJson: (image) => req('manifest', { image }),
    verify: (progress) => {
      const e = mod.request('verify', { archive }, { progress });
      return e.ok ? { ok: true, value: e.value.summary } : e;
    },
    delete: () => unwrap(req('close')),
  };
}

function openFixture(file, opts) {
  const src = fileSource(file);
  const r = openSource(src, opts);
  assert.equal(r.ok, true, `open failed: ${r.code} ${r.message} ${r.where}`);
  return { h: archiveRequests(r.archive), src };
}

const fixtures = fs.readdirSync(fixturesDir).filter((f) => f.endsWith('.tar')).sort();
test('fixtures are present', () => {
  assert.ok(fixtures.length >= 7, `expected the shared fixtures in ${fixturesDir}, found ${fixtures.length}`);
});

const findType = { file: 'f', hardlink: 'f', dir: 'd', symlink: 'l' };

for (const name of fixtures) {
  const truth = JSON.parse(fs.readFileSync(path.join(fixturesDir, name.replace(/\.tar$/, '.truth.json')), 'utf8'));
  test(`wasm: ${name} matches its truth`, () => {
    let progressCalls = 0;
    const { h, src } = openFixture(path.join(fixturesDir, name), { progress: () => { progressCalls++; return true; } });
    try {
      assert.ok(progressCalls > 0, 'progress callback was called');
      assert.ok(src.maxRead <= (1 << 20), 'reads are slices of at most 1 MiB');
      const s = unwrap(h.summary());
      assert.equal(s.schema_version, 1);
      assert.equal(s.images.length, truth.images.length);
      for (const ti of truth.images) {
        const idx = s.images.findIndex((im) => im.config_digest === ti.config_digest);
        assert.ok(idx >= 0, `image ${ti.config_digest} found`);
        const im = s.images[idx];
        const tags = ti.repo_tags || ti.ref_names || [];
        assert.deepEqual([...im.tags].sort(), [...tags].sort(), 'tags');
        assert.equal(im.history.length, ti.history_count, 'history count');
        assert.equal(im.history.filter((x) => x.empty_layer).length, ti.history_empty_layer_count, 'empty_layer count');
        assert.equal(im.layers.length, ti.layer_count, 'layer count');
        ti.layers.forEach((tl, k) => {
          const l = im.layers[k];
          assert.equal(l.diff_id, ti.diff_ids[k], `layer ${k} diff_id`);
          assert.equal(l.compression, tl.compression, `layer ${k} compression`);
          assert.equal(l.uncompressed_size, tl.uncompressed_size, `layer ${k} uncompressed size`);
          assert.deepEqual([...l.whiteouts].sort(), [...tl.whiteouts].sort(), `layer ${k} whiteouts`);
          assert.deepEqual([...l.opaque_dirs].sort(), [...tl.opaque_dirs].sort(), `layer ${k} opaque dirs`);
          const nonMarkers = tl.entries.filter((e) => !e.path.split('/').pop().startsWith('.wh.')).length;
          assert.equal(l.entries, nonMarkers, `layer ${k} entries (without whiteout markers)`);
        });
        if (ti.merged_fs && ti.merged_fs.paths) {
          const merged = unwrap(h.list(idx, -1, true, '', 0, 0));
          const ours = new Map(merged.entries.map((e) => [e.path, e]));
          assert.equal(merged.total, merged.entries.length);
          // Paging: pages of 50 concatenate to the whole list.
          const paged = [];
          for (let off = 0; ; off += 50) {
            const page = unwrap(h.list(idx, -1, true, '', off, 50));
            paged.push(...page.entries.map((e) => e.path));
            if (!page.has_more) break;
          }
          assert.deepEqual(paged, merged.entries.map((e) => e.path));
          const want = new Map(ti.merged_fs.paths.map((p) => [p.path, p]));
          const missing = [...want.keys()].filter((p) => !ours.has(p));
          const extra = [...ours.keys()].filter((p) => !want.has(p));
          assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'merged path set');
          for (const [p, t] of want) {
            assert.equal(findType[ours.get(p).type], t.find_type, `type of ${p}`);
            if (t.link !== undefined) assert.equal(ours.get(p).link, t.link, `link of ${p}`);
          }
        }
      }
    } finally {
      h.delete();
      src.close();
    }
  });
}

test('wasm: /etc/app/config.ini differs between the layer that adds it and the one that modifies it', () => {
  const file = path.join(fixturesDir, 'skopeo-oci-archive-zstd-features.tar');
  const { h, src } = openFixture(file);
  try {
    const s = unwrap(h.summary());
    let added = -1, modified = -1;
    for (let k = 0; k < s.images[0].layers.length; k++) {
      const ch = unwrap(h.list(0, k, false, 'etc/app', 0, 0)).entries.find((e) => e.path === 'etc/app/config.ini');
      if (ch && ch.change === 'added') added = k;
      if (ch && ch.change === 'modified') modified = k;
    }
    assert.ok(added >= 0 && modified > added, `added at ${added}, modified at ${modified}`);
    const v1 = h.readFile(0, added, 'etc/app/config.ini', 0, 1 << 20);
    const v2 = h.readFile(0, modified, '/etc/app/config.ini', 0, 1 << 20);
    assert.equal(v1.ok, true); assert.equal(v2.ok, true);
    const t1 = Buffer.from(v1.data).toString('utf8'), t2 = Buffer.from(v2.data).toString('utf8');
    assert.notEqual(t1, t2);
    assert.ok(t1.length > 0 && t2.length > 0);
    // Paging: a window of the later version equals the same slice of the whole.
    const part = h.readFile(0, modified, 'etc/app/config.ini', 3, 5);
    assert.equal(Buffer.from(part.data).toString('utf8'), t2.slice(3, 8));
    const story = unwrap(h.pathHistory(0, '/etc/app/config.ini')).events.map((e) => [e.layer, e.change]);
    assert.deepEqual(story, [[added, 'added'], [modified, 'modified']]);
    const missing = h.readFile(0, -1, 'srv/app/to-delete.txt', 0, 10);
    assert.equal(missing.ok, false);
    assert.equal(missing.code, 'not-found');
  } finally {
    h.delete();
    src.close();
  }
});

test('wasm: raw manifest, merged change marks, verify', () => {
  const file = path.join(fixturesDir, 'buildah-oci-archive-gzip-features.tar');
  const truth = JSON.parse(fs.readFileSync(file.replace(/\.tar$/, '.truth.json'), 'utf8'));
  const { h, src } = openFixture(file);
  try {
    const raw = unwrap(h.manifestJson(0));
    const crypto = require('node:crypto');
    assert.equal('sha256:' + crypto.createHash('sha256').update(raw).digest('hex'), truth.images[0].manifest_digest,
      'raw manifest bytes hash to the manifest digest');
    const merged = unwrap(h.list(0, -1, true, 'etc/app', 0, 0)).entries;
    assert.equal(merged.find((e) => e.path === 'etc/app/config.ini').change, 'modified');
    let calls = 0;
    const after = unwrap(h.verify(() => { calls++; return true; }));
    assert.ok(calls > 0);
    after.images[0].layers.forEach((l, k) => {
      assert.equal(l.computed_diff_id, truth.images[0].layers[k].computed_diff_id, `layer ${k} computed diff_id`);
      assert.equal(l.computed_digest, truth.images[0].layers[k].stored_digest, `layer ${k} computed digest`);
    });
    assert.deepEqual(after.warnings, []);
  } finally {
    h.delete();
    src.close();
  }
});

test('wasm: paged reads of a file in a zstd layer equal one whole read (cursor kept between pages)', () => {
  const file = path.join(fixturesDir, 'skopeo-oci-archive-zstd-features.tar');
  const { h, src } = openFixture(file);
  try {
    const crypto = require('node:crypto');
    const whole = h.readFile(0, -1, 'srv/app/big.bin', 0, 64 << 20);
    assert.equal(whole.ok, true, whole.message);
    assert.equal(whole.data.length, 3 << 20);
    const before = src.bytes;
    const hash = crypto.createHash('sha256');
    let off = 0, pages = 0;
    for (;;) {
      const p = h.readFile(0, -1, 'srv/app/big.bin', off, 256 << 10);
      assert.equal(p.ok, true, p.message);
      hash.update(p.data);
      off += p.data.length;
      pages++;
      if (p.eof) break;
    }
    assert.equal(pages, 12);
    assert.equal(hash.digest('hex'), crypto.createHash('sha256').update(whole.data).digest('hex'));
    // The pages together read the layer about once, not once per page (12x).
    const layerSize = unwrap(h.summary()).images[0].layers.reduce((m, l) => Math.max(m, l.size), 0);
    assert.ok(src.bytes - before < 2 * layerSize, `paged reads fetched ${src.bytes - before} bytes; layer is ${layerSize}`);
    // Going back re-opens; a slice in the middle still matches.
    const mid = h.readFile(0, -1, 'srv/app/big.bin', 1000, 10);
    assert.deepEqual([...mid.data], [...whole.data.subarray(1000, 1010)]);
  } finally {
    h.delete();
    src.close();
  }
});

test('wasm: verify after open on a gzip-compressed whole archive (second streaming pass), twice', () => {
  const zlib = require('node:zlib');
  const name = 'docker20-save-features.tar';
  const truth = JSON.parse(fs.readFileSync(path.join(fixturesDir, name.replace(/\.tar$/, '.truth.json')), 'utf8'));
  const tmp = path.join(fs.mkdtempSync('/tmp/ls-wasm-'), name + '.gz');
  fs.writeFileSync(tmp, zlib.gzipSync(fs.readFileSync(path.join(fixturesDir, name))));
  const { h, src } = openFixture(tmp);
  try {
    assert.equal(unwrap(h.summary()).images[0].layers[0].computed_diff_id, undefined);
    for (let round = 0; round < 2; round++) {
      const after = unwrap(h.verify(() => true));
      after.images[0].layers.forEach((l, k) => {
        assert.equal(l.computed_diff_id, truth.images[0].layers[k].computed_diff_id, `round ${round} layer ${k}`);
      });
      assert.deepEqual(after.warnings, [], `round ${round}: no warnings`);
    }
  } finally {
    h.delete();
    src.close();
  }
});

test('wasm: a file that is not an archive gives a clear error envelope', () => {
  const tmp = path.join(fs.mkdtempSync('/tmp/ls-wasm-'), 'junk.bin');
  fs.writeFileSync(tmp, Buffer.from('this is not a tar file at all, just text\n'.repeat(40)));
  const src = fileSource(tmp);
  const r = openSource(src);
  src.close();
  assert.equal(r.ok, false);
  assert.ok(['corrupt', 'not-an-image', 'truncated'].includes(r.code), r.code);
  assert.ok(r.message.length > 10);
});

test('wasm: cancelling from the progress callback stops open with code cancelled', () => {
  const src = fileSource(path.join(fixturesDir, 'buildah-oci-archive-gzip-features.tar'));
  const r = openSource(src, { progress: () => false });
  src.close();
  assert.equal(r.ok, false);
  assert.equal(r.code, 'cancelled');
});
