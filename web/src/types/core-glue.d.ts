// Types of the Emscripten ES-module glue (build/wasm/wasm/esm/layerscope_core.mjs),
// resolved by the `layerscope-core-glue` alias of vite.config.ts. The glue has one
// entry, request() (wasm/api-post.js over wasm/bindings.cpp); the requests, their
// arguments and values are those of core/include/layerscope/dispatch.h, typed on
// the worker side in wasm/protocol.ts (CoreRequestMap).
declare module 'layerscope-core-glue' {
  /** What the core reads an archive through: readInto copies `len` bytes at
   *  `offset` into HEAPU8 at `ptr` and returns the count (negative: failed). */
  export interface ByteSourceJs {
    size: number;
    name: string;
    readInto(offset: number, ptr: number, len: number): number;
  }
  /** Where a write request's bytes go: write(ptr, len) takes HEAPU8[ptr, ptr+len)
   *  before it returns and answers true or an error message; finish() likewise. */
  export interface ByteSinkJs {
    name: string;
    write(ptr: number, len: number): true | string;
    finish(): true | string;
  }
  /** Where a write request keeps the layers it recompresses, once each, in
   *  regions one after the other: write(at, ptr, len) stores HEAPU8[ptr,
   *  ptr+len) at `at` and answers true or an error message; flush() (at a
   *  region's end) stores what was gathered, likewise; readInto(at, ptr, len)
   *  copies them back and returns the count (negative: failed). */
  export interface ScratchJs {
    write(at: number, ptr: number, len: number): true | string;
    flush(): true | string;
    readInto(at: number, ptr: number, len: number): number;
  }
  export interface RequestOptions {
    /** open (and verify with reopen): the archive's bytes. */
    source?: ByteSourceJs;
    /** Long requests report here; returning false cancels (code "cancelled"). */
    progress?: (phase: string, done: number, total: number, detail: string) => boolean;
    /** write: where the output goes (finished only when it is complete). */
    sink?: ByteSinkJs;
    /** write: scratch storage for recompressed layers (else each is compressed twice). */
    scratch?: ScratchJs;
    /** write: the bytes in which its args' `recompressed` layers lie (each
     *  `size` bytes from `at`): layers compressed anew by helper workers. */
    kept?: ByteSourceJs;
  }
  export type Envelope =
    | { ok: true; value: unknown; data?: Uint8Array }
    | { ok: false; code: string; message: string; where: string };
  export interface CoreModule {
    HEAPU8: Uint8Array;
    SCHEMA_VERSION: number;
    request(type: string, args: object, opts?: RequestOptions): Envelope;
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
