#!/usr/bin/env node
// Serves the built app (web/dist) on 127.0.0.1 with a strict Content-Security-Policy.
//   node web/serve.mjs [--port N] [--dir DIR]     (PORT env works too; default 8080, next free port if busy)
// Prints the URL. Static files only: GET/HEAD, no directory listings, no writes.
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
const PAGE_CSP =
  "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob:; " +
  "style-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; manifest-src 'none'; frame-ancestors 'none'";
// Scripts: a worker takes its policy from its own response. The wasm core is linked with
// -sDYNAMIC_EXECUTION=0 (no new Function/eval in its glue), so no 'unsafe-eval' anywhere.
const SCRIPT_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
// The single-file build carries its own (hash-pinned) policy in a meta tag.
const STANDALONE = /(^|\/)layerscope-standalone\.html$/;

const server = createServer((req, res) => {
  const base = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-cache',
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...base, Allow: 'GET, HEAD' }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, base).end();
    return;
  }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
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
  const headers = { ...base, 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': String(st.size) };
  if (ext === '.html' && !STANDALONE.test(path)) headers['Content-Security-Policy'] = PAGE_CSP;
  if (ext === '.js' || ext === '.mjs') headers['Content-Security-Policy'] = SCRIPT_CSP;
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

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
    console.log(`layerscope: serving ${root}`);
    console.log(`layerscope: open http://${host}:${port}/`);
  });
}
listen(20);
