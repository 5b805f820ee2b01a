// Normal build: the worker is an ES module emitted next to the page (relative
// base) or, in the npm package, next to the module (layerscope-worker.js with
// layerscope_core.wasm beside it) unless setAssetBase() names another place.
let assetBase: URL | null = null;

/** The worker file's name in the npm package (vite.config.ts, mode lib). */
export const PACKAGE_WORKER_FILE = 'layerscope-worker.js';

/** Where the package's worker and wasm are served from, when not next to the
 *  module (e.g. the module is bundled into a site's own script). Another
 *  origin works when it allows this page (CORS): the worker is then started
 *  from a blob: URL that imports it (the page's CSP must allow worker-src blob:). */
export function setAssetBase(url: string | URL): void {
  const u = new URL(url, document.baseURI);
  // a directory, with or without its trailing slash
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  assetBase = u;
}

export const spawnWorker = (name = 'layerscope-core'): Worker => {
  if (assetBase) {
    const url = new URL(PACKAGE_WORKER_FILE, assetBase);
    if (url.origin === location.origin) return new Worker(url, { type: 'module', name });
    const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(url.href)};`], { type: 'text/javascript' }));
    return new Worker(boot, { type: 'module', name });
  }
  return new Worker(new URL('../../../wasm/worker.ts', import.meta.url), { type: 'module', name });
};
export const SINGLE_FILE = false;
