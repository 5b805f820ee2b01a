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
    /** JSON envelope with {total, offset, has_more, layer, view, entries[]}; in merged
     *  listings an entry's `change` is what the layer that last wrote it did. */
    list(image: number, layer: number, merged: boolean, prefix: string, offset: number, limit: number): string;
    /** Bytes [offset, offset+length) of a file as it is at `layer` (-1 = top). The
     *  last file read stays open as a cursor: the next page continues from there
     *  (a compressed layer is not decoded from its start again). `size` = the whole file. */
    readFile(image: number, layer: number, path: string, offset: number, length: number): { ok: true; data: Uint8Array; eof: boolean; size: number } | CoreError;
    /** JSON envelope {schema_version, image, path, events: [{path, type, change, layer,
     *  size?, mode?, uid?, gid?, mtime?, link?, implicit?}]}: every layer that added,
     *  modified or deleted the path, bottom-up (deletions carry no metadata). */
    pathHistory(image: number, path: string): string;
    /** JSON envelope whose value is the raw manifest TEXT (OCI/hybrid: the manifest
     *  blob; legacy docker-archive: its manifest.json entry). */
    manifestJson(image: number): string;
    /** Hashes every blob and uncompressed layer (reads everything) and returns the
     *  new summary envelope: layers then carry computed_digest / computed_diff_id,
     *  mismatches appear as warnings. progress returning false cancels. Hashes
     *  nothing on an archive compressed as a whole (open it with verify instead).
     *  Each call appends its mismatch warnings again. */
    verify(progress?: (phase: string, done: number, total: number, detail: string) => boolean): string;
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
