// Test files of several MiB and their comparison, for the tests of the File's
// readers (file-stream.test.ts, sequential-reader.test.ts).

/** A file of `size` bytes: byte k is a hash of k (no two chunks alike). */
export function fileBytes(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let k = 0; k < size; k++) b[k] = (Math.imul(k, 2654435761) >>> 13) & 0xff;
  return b;
}

/** Where `a` and `b` first differ (-1: equal), without a deep equality's cost on MBs. */
export function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return k;
  return -1;
}
