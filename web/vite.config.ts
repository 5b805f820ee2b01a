/// <reference types="vitest/config" />
// Vite build of the inspector (and the config of its node unit tests: `npx vitest run`).
//   vite build                 -> dist/        relative base: works under any sub-path
//   vite build --mode single   -> dist-single/ one self-contained HTML (wasm + iife worker inlined), works from file://
//   vite build --mode lib      -> dist-lib/    the npm package's files (web/pack.sh): layerscope.js (the
//                                              element, Lit bundled), layerscope-worker.js, layerscope_core.wasm
// The wasm module comes from LAYERSCOPE_WASM_DIR (default ../build/wasm/wasm/esm):
// layerscope_core.mjs + layerscope_core.wasm (Emscripten EXPORT_ES6 build).
import { defineConfig, type Plugin } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const wasmDir = resolve(process.env.LAYERSCOPE_WASM_DIR ?? resolve(repo, 'build/wasm/wasm/esm'));
const example = resolve(repo, 'examples/demo.tar');

/** The page's Content-Security-Policy: nothing from any other origin. Its
 *  connect-src is wide here because a static page cannot know the archive it
 *  will be given; public/connect-policy.js, the first script, adds a second
 *  policy that allows only this origin and that archive's (policies add up). */
function cspNormal(): string {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval': compile the wasm core; nothing else is evaluated in the page.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    "connect-src 'self' http: https:",
    "img-src 'self' blob:",
    "style-src 'self'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** Serves/emits examples/demo.tar as the app's "Try the example" archive. */
function exampleArchive(): Plugin {
  return {
    name: 'layerscope-example',
    configureServer(server) {
      server.middlewares.use('/examples/demo-oci.tar', (_req, res) => {
        res.setHeader('Content-Type', 'application/x-tar');
        res.end(readFileSync(resolve(repo, 'examples/demo-oci.tar')));
      });
      server.middlewares.use('/examples/demo.tar', (_req, res) => {
        res.setHeader('Content-Type', 'application/x-tar');
        res.end(readFileSync(example));
      });
    },
    generateBundle() {
      if (!existsSync(example)) {
        this.warn(`no example archive at ${example}: "Try the example" will fail`);
        return;
      }
      this.emitFile({ type: 'asset', fileName: 'examples/demo.tar', source: readFileSync(example) });
      // its oci-archive twin (gzip layers), for embedding examples and tests
      const oci = resolve(repo, 'examples/demo-oci.tar');
      if (existsSync(oci)) this.emitFile({ type: 'asset', fileName: 'examples/demo-oci.tar', source: readFileSync(oci) });
    },
  };
}

/** The npm package: the wasm is a file beside the worker (layerscope_core.wasm),
 *  not inlined into it as base64 (library builds inline every asset): its URL
 *  is hidden from Vite's asset rewriting and the file emitted as is. */
function wasmBesideWorker(): Plugin {
  const ref = 'new URL("layerscope_core.wasm",import.meta.url)';
  return {
    name: 'layerscope-wasm-beside-worker',
    enforce: 'pre',
    transform(code, id) {
      if (!id.endsWith('layerscope_core.mjs')) return null;
      if (!code.includes(ref)) this.error(`the wasm glue no longer says ${ref}`);
      return { code: code.replace(ref, 'new URL("layerscope_core.wasm",import.meta.url+"")'), map: null };
    },
    // Past Vite's asset step, the reference is written back as it was, so a site's
    // own bundler that takes in the package still sees (and copies) the wasm.
    renderChunk(code) {
      const hidden = /new URL\("layerscope_core\.wasm",\s*import\.meta\.url\s*\+\s*""\)/;
      if (!hidden.test(code)) return null;
      return { code: code.replace(hidden, 'new URL("layerscope_core.wasm", import.meta.url)'), map: null };
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'layerscope_core.wasm', source: readFileSync(resolve(wasmDir, 'layerscope_core.wasm')) });
    },
  };
}

/** Normal build: a CSP meta tag (the static server may add the same as a header). */
function cspMeta(): Plugin {
  return {
    name: 'layerscope-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => html.replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="${cspNormal()}" />`),
    },
  };
}

/** Single-file build: after inlining, pin every inline script and style by its hash. */
function cspSingle(): Plugin {
  return {
    name: 'layerscope-csp-single',
    apply: 'build',
    enforce: 'post',
    // After vite-plugin-singlefile has inlined everything (it does so in its own
    // generateBundle), so patch the written file.
    writeBundle: {
      order: 'post',
      handler(opts, bundle) {
      for (const f of Object.values(bundle)) {
        if (f.type !== 'asset' || !f.fileName.endsWith('.html')) continue;
        const file = resolve(opts.dir ?? '', f.fileName);
        let html = readFileSync(file, 'utf8');
        html = html.replace(/\s*<link rel="icon"[^>]*>/, '');
        // The connect policy script, inlined (a single file has nothing beside it);
        // its narrowed policy keeps data: (the worker fetches the inlined wasm from one).
        const policy = readFileSync(resolve(here, 'public/connect-policy.js'), 'utf8');
        const narrowed = policy.replace(`"connect-src 'self'"`, `"connect-src 'self' data:"`);
        if (narrowed === policy) this.error('public/connect-policy.js no longer says "connect-src \'self\'"');
        const tag = /<script src="\.\/connect-policy\.js"><\/script>/;
        if (!tag.test(html)) this.error('the single-file page has no <script src="./connect-policy.js"> to inline');
        html = html.replace(tag, () => `<script>${narrowed}</script>`);
        const hash = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
        const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => hash(m[1]));
        const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/g)].map((m) => hash(m[1]));
        const csp = [
          "default-src 'none'",
          // The worker runs from a blob: URL and so inherits this policy; the wasm glue
          // is linked with -sDYNAMIC_EXECUTION=0, so it needs no 'unsafe-eval'.
          `script-src ${scripts.join(' ')} 'wasm-unsafe-eval'`,
          'worker-src blob:',
          // the inlined wasm is fetched from its data: URL inside the worker; an archive
          // given by ?src= from its origin (the inlined connect-policy.js allows only that one)
          'connect-src data: http: https:',
          'img-src blob:',
          `style-src ${styles.join(' ') || "'none'"}`,
          "font-src 'none'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'none'",
        ].join('; ');
        html = html.replace(/<meta charset="utf-8"\s*\/?>/, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`);
        writeFileSync(file, html);
      }
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  const single = mode === 'single';
  if (mode === 'lib')
    return {
      root: here,
      base: './',
      publicDir: false,
      resolve: {
        alias: {
          'layerscope-core-glue': resolve(wasmDir, 'layerscope_core.mjs'),
          // wasm/io/host-hash.ts lives outside web/: its one npm import
          'hash-wasm': resolve(here, 'node_modules/hash-wasm'),
          '#spawn-worker': resolve(here, 'src/engine/spawn-module.ts'),
        },
      },
      worker: {
        format: 'es' as const,
        plugins: () => [wasmBesideWorker()],
        // (the core worker's own reader worker, io/stream-reader.ts, beside it)
        rollupOptions: {
          output: {
            entryFileNames: (c: { name: string }) => (c.name === 'stream-reader' ? 'layerscope-stream-reader.js' : 'layerscope-worker.js'),
            assetFileNames: '[name][extname]',
          },
        },
      },
      build: {
        outDir: 'dist-lib',
        emptyOutDir: true,
        target: 'es2022',
        assetsInlineLimit: 0,
        reportCompressedSize: false,
        lib: { entry: resolve(here, 'src/package.ts'), formats: ['es' as const], fileName: () => 'layerscope.js' },
        rollupOptions: { output: { assetFileNames: '[name][extname]' } },
      },
    };
  return {
    root: here,
    base: './',
    publicDir: single ? false : 'public',
    resolve: {
      alias: {
        'layerscope-core-glue': resolve(wasmDir, 'layerscope_core.mjs'),
        // wasm/io/host-hash.ts lives outside web/: its one npm import
        'hash-wasm': resolve(here, 'node_modules/hash-wasm'),
        '#spawn-worker': resolve(here, single ? 'src/engine/spawn-inline.ts' : 'src/engine/spawn-module.ts'),
      },
    },
    worker: { format: single ? 'iife' : 'es' },
    build: {
      outDir: single ? 'dist-single' : 'dist',
      emptyOutDir: true,
      target: 'es2022',
      assetsInlineLimit: single ? 100_000_000 : 4096,
      chunkSizeWarningLimit: 2000,
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
    },
    server: { fs: { allow: [repo, wasmDir] } },
    // Unit tests in node (make test-web-unit): pure logic, no DOM, no worker.
    test: { include: ['src/**/*.test.ts', 'e2e/*.test.ts'], environment: 'node' },
    plugins: single ? [viteSingleFile({ removeViteModuleLoader: true }), cspSingle()] : [exampleArchive(), cspMeta()],
  };
});
