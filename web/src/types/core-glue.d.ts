// Types of the Emscripten ES-module glue (build/wasm/wasm/esm/layerscope_core.mjs),
// resolved by the `layerscope-core-glue` alias of vite.config.ts. Mirrors wasm/bindings.cpp.
declare module 'layerscope-core-glue' {
  export interface CoreError {
    ok: false;
    code: string;
    message: string;
    where: string;
  }
  export interface CoreHandle {
    /** JSON envelope {"ok":true,"value":<inspect document>}. */
    summary(): string;
    /** JSON envelope with {total, offset, has_more, layer, view, entries[]}. */
    list(image: number, layer: number, merged: boolean, prefix: string, offset: number, limit: number): string;
    readFile(image: number, layer: number, path: string, offset: number, length: number): { ok: true; data: Uint8Array; eof: boolean } | CoreError;
    /** JSON envelope whose value is an image index. */
    resolveImage(ref: string): string;
    bytesRead(): number;
    delete(): void;
  }
  export interface ByteSourceJs {
    size: number;
    name: string;
    readInto(offset: number, ptr: number, len: number): number;
  }
  export interface OpenOptionsJs {
    progress?: (phase: string, done: number, total: number, detail: string) => boolean;
    verify?: boolean;
  }
  export interface CoreModule {
    HEAPU8: Uint8Array;
    SCHEMA_VERSION: number;
    openArchive(src: ByteSourceJs, opts: OpenOptionsJs): { ok: true; handle: CoreHandle } | CoreError;
  }
  export interface ModuleOverrides {
    print?: (s: string) => void;
    printErr?: (s: string) => void;
    onAbort?: (what: unknown) => void;
    locateFile?: (path: string, prefix: string) => string;
    wasmBinary?: ArrayBuffer | Uint8Array;
  }
  const createLayerscope: (overrides?: ModuleOverrides) => Promise<CoreModule>;
  export default createLayerscope;
}
