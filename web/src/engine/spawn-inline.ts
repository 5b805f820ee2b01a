// Single-file build: the worker (with the wasm) is inlined into the page as a
// classic iife script started from a blob: URL. A module worker started from a
// blob: URL of a file:// page never answers in Chromium; an iife worker does.
import InlineWorker from '../../../wasm/worker.ts?worker&inline';
export const spawnWorker = (name = 'layerscope-core'): Worker => new InlineWorker({ name });
export const SINGLE_FILE = true;
