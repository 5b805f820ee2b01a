// Normal build: the worker is an ES module emitted next to the page (relative base).
export const spawnWorker = (): Worker =>
  new Worker(new URL('../../../wasm/worker.ts', import.meta.url), { type: 'module', name: 'layerscope-core' });
export const SINGLE_FILE = false;
