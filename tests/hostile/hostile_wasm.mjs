// One hostile case through the WebAssembly build, the way the worker uses it:
// Module.request('open') over a source that reads the file in slices (fs.readSync at an
// offset into HEAPU8), then summary, the merged listing, file reads and path
// logs. Prints one JSON line for tests/hostile/hostile_test.py:
//   {open:{ok,code?,message?,where?}, summary?, ls?, cat:[…], log:[…], warnings?, verify?}
//
// usage: node hostile_wasm.mjs MODULE.js ARCHIVE '{"cat":[{"path","max"}],"log":[…],"verify":bool,"list":{"prefix"}}'
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [modulePath, archive, jobText] = process.argv.slice(2);
const job = JSON.parse(jobText || '{}');
const require = createRequire(import.meta.url);
const createLayerscope = require(path.resolve(modulePath));
const mod = await createLayerscope({ wasmBinary: fs.readFileSync(path.resolve(modulePath).replace(/\.js$/, '.wasm')) });

function source() {
  const fd = fs.openSync(archive, 'r');
  return {
    size: fs.fstatSync(fd).size,
    name: path.basename(archive),
    readInto(offset, ptr, len) { return fs.readSync(fd, mod.HEAPU8, ptr, len, offset); },
    close() { fs.closeSync(fd); },
  };
}

// An envelope -> {ok:true, doc} | {ok:false, code, message, where}.
function envelope(e) {
  return e.ok ? { ok: true, doc: e.value } : { ok: false, code: e.code, message: e.message, where: e.where };
}

// The whole merged listing under `prefix` as one document: pages of at most the
// dispatcher's cap (100,000 entries per request), entries concatenated.
function listAll(h, image, prefix) {
  const cap = 100000;
  let first = null;
  for (let off = 0; ; ) {
    const p = envelope(h.list(image, -1, true, prefix, off, cap));
    if (!p.ok) return p;
    if (!first) first = p;
    else for (const e of p.doc.entries) first.doc.entries.push(e);
    off += p.doc.entries.length;
    if (!p.doc.has_more || !p.doc.entries.length) return first;
  }
}

// The requests this script makes of one open archive (Module.request).
function archiveRequests(archive) {
  const req = (type, args) => mod.request(type, { archive, ...args });
  return {
    summary: () => req('summary'),
    resolveImage: (ref) => req('resolve', { ref }),
    list: (image, layer, merged, prefix, offset, limit) => req('list', { image, layer, merged, prefix, offset, limit }),
    readFile(image, layer, path, offset, length) {
      const e = req('read', { image, layer, path, offset, length });
      return e.ok ? { ok: true, data: e.data, eof: e.value.eof, size: e.value.size, warnings: e.value.warnings } : e;
    },
    pathHistory: (image, path) => req('pathHistory', { image, path }),
    warnings: (image, layer) => req('warnings', { image, layer }),
    delete: () => req('close'),
  };
}

function session(opts) {
  const src = source();
  const r = mod.request('open', { verify: !!opts.verify }, { source: src });
  if (!r.ok) { src.close(); return { open: { ok: false, code: r.code, message: r.message, where: r.where } }; }
  return { open: { ok: true }, h: archiveRequests(r.value.archive), src };
}

const out = { cat: [], log: [] };
const s = session({});
out.open = s.open;
if (s.h) {
  const h = s.h;
  try {
    out.summary = envelope(h.summary()).doc;
    // Image "0" resolved like the CLI's IMAGE argument (errors when there is none).
    const img = envelope(h.resolveImage('0'));
    const image = img.ok ? img.doc : -1;
    if (job.list) {
      out.ls = img.ok ? listAll(h, image, job.list.prefix || '') : img;
      // The whole merged listing, paged as the page does it, counted and not kept.
      if (img.ok && out.ls.ok) {
        let n = 0;
        for (let off = 0; ; ) {
          const p = envelope(h.list(image, -1, true, '', off, 5000));
          if (!p.ok) { n = null; break; }
          n += p.doc.entries.length;
          off += p.doc.entries.length;
          if (!p.doc.has_more || !p.doc.entries.length) break;
        }
        out.ls_count = n;
      }
    }
    let cats = job.cat || [];
    if (!cats.length && out.ls && out.ls.ok)
      cats = out.ls.doc.entries.filter((e) => e.type === 'file').slice(0, 3).map((e) => ({ path: e.path, max: 1 << 20 }));
    for (const c of cats) {
      if (!img.ok) { out.cat.push({ path: c.path, ...img }); continue; }
      const r = h.readFile(image, -1, c.path, 0, c.max);
      if (!r.ok) { out.cat.push({ path: c.path, ok: false, code: r.code, message: r.message, where: r.where }); continue; }
      const data = Buffer.from(r.data);
      const x = { path: c.path, ok: true, size: data.length, sha256: crypto.createHash('sha256').update(data).digest('hex'), warnings: r.warnings };
      if (data.length <= (1 << 20)) x.hex = data.toString('hex');
      out.cat.push(x);
    }
    // What the page's history and config views show (the image as of its top layer).
    if (img.ok) out.warnings = envelope(h.warnings(image, -1));
    for (const p of job.log || []) {
      out.log.push(img.ok ? { path: p, ...envelope(h.pathHistory(image, p)) } : { path: p, ...img });
    }
  } finally {
    h.delete();
    s.src.close();
  }
}
if (job.verify) {
  const v = session({ verify: true });
  if (v.h) {
    out.verify = { ok: true, summary: envelope(v.h.summary()).doc };
    v.h.delete();
    v.src.close();
  } else {
    out.verify = v.open;
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
