// Bytes held in the worker, for the core: a ByteSource over them, and parts
// joined into one buffer (the layers other workers read, handed to the core
// one after another; the warm-up's archives).
import type { ByteSourceJs, CoreModule } from 'layerscope-core-glue';

/** A ByteSource for the core over bytes held here. */
export function memorySource(mod: CoreModule, bytes: Uint8Array, name: string): ByteSourceJs {
  return {
    size: bytes.length,
    name,
    readInto: (offset: number, ptr: number, len: number) => {
      const part = bytes.subarray(offset, Math.min(bytes.length, offset + len));
      mod.HEAPU8.set(part, ptr);
      return part.length;
    },
  };
}

/** `parts` one after another, in one buffer. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
