#!/usr/bin/env node
// Serves the built app (web/dist) on 127.0.0.1 with a strict Content-Security-Policy.
//   node web/serve.mjs [--port N] [--dir DIR] [--cors ORIGIN|*] [--connect ORIGINS] [--static]
//   (PORT env works too; default 8080, next free port if busy)
// Prints the URL. Static files only: GET/HEAD, no directory listings, no writes.
// Byte ranges (one range per request: 206 + Content-Range; ETag/Last-Modified and
// If-Range), so the page reads a hosted archive by Range instead of downloading it.
//
// Test hooks (the e2e suite only): --files DIR --test-hooks serves DIR under
// /__files/ and adds what a test of remote reading needs:
//   /__files/NAME?latency=MS   answer after MS milliseconds
//   /__files/NAME?norange=1    ignore Range (200 + the whole file, as some servers do)
//   /__stats                   {requests, bytes, ranged} per served /__files path (JSON); ?reset=1 clears
//   /__touch/NAME              the file "changes": its ETag and Last-Modified move on
//   /__files/NAME?cors=0       no CORS headers (with --cors), as a server that never heard of it
//   /__files/NAME?expose=0     CORS without Access-Control-Expose-Headers (Content-Range unreadable)
//   /__files/NAME?ifrange=0    a CORS preflight that allows Range but not If-Range
//
// Other origins:
//   --cors ORIGIN|*      files may be read by pages of ORIGIN (or any): CORS headers, preflight
//                        answers (Range, If-Range), Content-Range/ETag exposed
//   --connect ORIGINS    comma-separated origins the page and its worker may connect to
//                        besides their own (archives hosted elsewhere; the page itself narrows
//                        that to the origin of the archive it was given: public/connect-policy.js)
//   --static             no Content-Security-Policy headers at all, as a static host sends:
//                        the page's meta policies are all there is
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const root = resolve(opt('--dir', join(here, 'dist')));
const hooks = args.includes('--test-hooks');
const noCsp = args.includes('--static');
const cors = opt('--cors', '');
const connect = opt('--connect', '')
  .split(',')
  .map((o) => o.trim())
  .filter((o) => /^https?:\/\/[A-Za-z0-9.\-[\]:]+$/.test(o));
const filesDir = opt('--files', '') ? resolve(opt('--files', '')) : '';
/** per /__files path: requests, bytes sent, requests answered with 206 */
const stats = new Map();
/** per /__files path: how many times /__touch changed it */
const generation = new Map();
let port = Number(opt('--port', process.env.PORT || 8080));
const host = '127.0.0.1';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.tar': 'application/x-tar',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

// The page's policy (the same as its meta tag, plus what only a header can say).
const CONNECT = ["'self'", ...connect].join(' ');
const PAGE_CSP =
  `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src ${CONNECT}; img-src 'self' blob:; ` +
  "style-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; manifest-src 'none'; frame-ancestors 'none'";
// Scripts: a worker takes its policy from its own response. The wasm core is linked with
// -sDYNAMIC_EXECUTION=0 (no new Function/eval in its glue), so no 'unsafe-eval' anywhere.
const SCRIPT_CSP = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src ${CONNECT}`;
// The single-file build carries its own (hash-pinned) policy in a meta tag.
const STANDALONE = /(^|\/)layerscope-standalone\.html$/;

const server = createServer((req, res) => {
  const base = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // With COOP, makes the page cross-origin isolated: its workers then have
    // SharedArrayBuffer and Atomics.wait, and read a local file ahead
    // asynchronously while the core works (wasm/io/file-stream.ts). Whatever
    // it loads from elsewhere must then be CORS (a URL's ranges are).
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
  // CORS (--cors): what another origin's page needs to read a file by ranges.
  const q = (() => {
    try {
      return new URL(req.url ?? '/', 'http://x').searchParams;
    } catch {
      return new URLSearchParams();
    }
  })();
  const hook = (k) => (hooks ? q.get(k) : null); // the test hooks only with --test-hooks
  const corsOn = cors && req.headers.origin && hook('cors') !== '0';
  // (?cors=0 is a server that never heard of CORS; like most such servers it sends
  // no Cross-Origin-Resource-Policy that would refuse other sites: cross-origin)
  if (cors) base['Cross-Origin-Resource-Policy'] = 'cross-origin';
  if (corsOn) {
    base['Access-Control-Allow-Origin'] = cors === '*' ? '*' : cors;
    base['Vary'] = 'Origin';
    if (hook('expose') !== '0') base['Access-Control-Expose-Headers'] = 'Content-Range, Content-Length, Accept-Ranges, ETag, Last-Modified';
  }
  if (req.method === 'OPTIONS' && corsOn) {
    res
      .writeHead(204, {
        ...base,
        'Access-Control-Allow-Methods': 'GET, HEAD',
        'Access-Control-Allow-Headers': hook('ifrange') === '0' ? 'Range' : 'Range, If-Range',
        'Access-Control-Max-Age': '600',
      })
      .end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...base, Allow: 'GET, HEAD' }).end();
    return;
  }
  let path;
  let query;
  try {
    const u = new URL(req.url ?? '/', 'http://x');
    path = decodeURIComponent(u.pathname);
    query = u.searchParams;
  } catch {
    res.writeHead(400, base).end();
    return;
  }
  let dir = root;
  let hooked = null;
  if (hooks && path === '/__stats') {
    const body = JSON.stringify(Object.fromEntries(stats));
    if (query.get('reset')) stats.clear();
    res.writeHead(200, { ...base, 'Content-Type': 'application/json' }).end(body);
    return;
  }
  if (hooks && path.startsWith('/__touch/')) {
    const name = '/__files/' + path.slice('/__touch/'.length);
    generation.set(name, (generation.get(name) ?? 0) + 1);
    res.writeHead(204, base).end();
    return;
  }
  if (hooks && filesDir && path.startsWith('/__files/')) {
    dir = filesDir;
    hooked = path;
    path = path.slice('/__files'.length);
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(dir, path));
  if (file !== dir && !file.startsWith(dir + sep)) {
    res.writeHead(403, base).end();
    return;
  }
  let st;
  try {
    st = statSync(file);
  } catch {
    res.writeHead(404, { ...base, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  if (!st.isFile()) {
    res.writeHead(404, base).end();
    return;
  }
  const ext = extname(file).toLowerCase();
  const gen = hooked ? (generation.get(hooked) ?? 0) : 0;
  const mtime = new Date(Math.floor(st.mtimeMs / 1000) * 1000 + gen * 1000);
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-${gen}"`;
  const headers = {
    ...base,
    'Content-Type': TYPES[ext] ?? 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': mtime.toUTCString(),
  };
  if (ext === '.html' && !STANDALONE.test(path) && !noCsp) headers['Content-Security-Policy'] = PAGE_CSP;
  if ((ext === '.js' || ext === '.mjs') && !noCsp) headers['Content-Security-Policy'] = SCRIPT_CSP;
  const noRange = hooked && query.get('norange');
  if (noRange) delete headers['Accept-Ranges'];
  let range = noRange ? null : byteRange(req.headers.range, st.size);
  // If-Range: the range only while the file is still the one the client read before.
  const ifRange = req.headers['if-range'];
  if (range && ifRange && ifRange !== etag && ifRange !== headers['Last-Modified']) range = null;
  let start = 0;
  let end = st.size - 1;
  let status = 200;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...base, 'Content-Range': `bytes */${st.size}` }).end();
    return;
  }
  if (range) {
    [start, end] = range;
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${st.size}`;
  }
  const length = Math.max(0, end - start + 1);
  headers['Content-Length'] = String(length);
  if (hooked) {
    const s = stats.get(hooked) ?? { requests: 0, bytes: 0, ranged: 0 };
    s.requests++;
    if (req.method !== 'HEAD') s.bytes += length;
    if (status === 206) s.ranged++;
    stats.set(hooked, s);
  }
  const send = () => {
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || length === 0) res.end();
    else createReadStream(file, { start, end }).pipe(res);
  };
  const latency = hooked ? Number(query.get('latency') ?? 0) : 0;
  if (latency > 0) setTimeout(send, latency);
  else send();
});

/** One byte range of a Range header ([start, end], inclusive), 'unsatisfiable', or
 *  null (no header, several ranges, or a form we do not serve: the whole file). */
function byteRange(header, size) {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start;
  let end;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || end < start) return 'unsatisfiable';
  }
  return [start, end];
}

function listen(tries) {
  server.once('error', (e) => {
    if (e.code === 'EADDRINUSE' && tries > 0 && !args.includes('--port')) {
      port++;
      listen(tries - 1);
    } else {
      console.error(`serve: ${e.message}`);
      process.exit(1);
    }
  });
  server.listen(port, host, () => {
    console.log(`layerscope: serving ${root}${hooks && filesDir ? ` (and ${filesDir} under /__files/, test hooks on)` : ''}`);
    console.log(`layerscope: open http://${host}:${server.address().port}/`);
  });
}
listen(20);
