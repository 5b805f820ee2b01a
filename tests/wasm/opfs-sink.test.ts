// The writes of an export to the browser's storage (wasm/io/opfs-sink.ts
// pieceWriter), against a fake sync access handle: a sync access handle's write
// costs about a millisecond whatever its size, so the pieces a tar writer hands
// out are gathered first. What must hold: the file holds what a write-through
// would hold, for any mix of sizes and offsets; few handle writes; a failing
// handle's error reaches the caller.
import { describe, expect, it } from 'vitest';
import { keptSource, pieceWriter, retryWithoutScratch, roomForScratch, type KeptPart } from '../../wasm/io/opfs-sink';

/** A file in memory with the two calls pieceWriter makes; it may write less than asked. */
function fakeHandle(opts: { short?: number; failAt?: number } = {}) {
  let file = new Uint8Array(0);
  const calls: { at: number; length: number }[] = [];
  const handle = {
    write(view: Uint8Array, o: { at: number }) {
      if (opts.failAt !== undefined && calls.length === opts.failAt) throw new DOMException('quota', 'QuotaExceededError');
      const n = opts.short ? Math.min(view.length, opts.short) : view.length;
      calls.push({ at: o.at, length: n });
      if (o.at + n > file.length) {
        const grown = new Uint8Array(o.at + n);
        grown.set(file);
        file = grown;
      }
      file.set(view.subarray(0, n), o.at);
      return n;
    },
  };
  return { handle: handle as unknown as FileSystemSyncAccessHandle, calls, file: () => file };
}

/** A deterministic byte pattern. */
function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('pieceWriter', () => {
  it('holds what writing through would hold, for runs of small, large and out-of-order writes', () => {
    const piece = 64 << 10;
    const sizes = [1, 10240, 10240, 512, 70000, 3, piece - 1, piece, piece + 1, 200000, 10240, 7];
    for (const short of [0, 4097]) {
      const gathered = fakeHandle({ short });
      const through = fakeHandle();
      const w = pieceWriter(gathered.handle, piece);
      let at = 0;
      sizes.forEach((n, k) => {
        const b = bytes(n, k + 1);
        w.write(b, at);
        through.handle.write(b, { at });
        at += n;
        // once in a while a write elsewhere (a header patched, a region read back)
        if (k === 4 || k === 9) {
          const back = bytes(300, 100 + k);
          w.write(back, 1000 * k);
          through.handle.write(back, { at: 1000 * k });
        }
      });
      w.flush();
      // (byte for byte, at native speed: toEqual walks 743 KB element by element,
      // 10 s on a loaded machine)
      const [a, b] = [gathered.file(), through.file()];
      expect(a.length).toBe(b.length);
      if (Buffer.compare(a, b) !== 0) expect.fail(`the files differ first at byte ${a.findIndex((x, i) => x !== b[i])}`);
      if (!short) {
        // 14 writes, 2 of them elsewhere, 743 KB in all: a handle write per
        // piece, and at most two more per jump (what was gathered, the jump's own).
        const total = sizes.reduce((a, b) => a + b, 0) + 600;
        expect(gathered.calls.length).toBeLessThanOrEqual(Math.ceil(total / piece) + 2 * 2 + 1);
        expect(through.calls.length).toBe(14);
      }
    }
  });

  it('copies what it gathers: the caller may reuse its buffer (the wasm heap) at once', () => {
    const h = fakeHandle();
    const w = pieceWriter(h.handle, 1 << 20);
    const buf = new Uint8Array(1000).fill(7);
    w.write(buf, 0);
    buf.fill(9);
    w.write(buf, 1000);
    w.flush();
    expect(h.file().subarray(0, 1000).every((b) => b === 7)).toBe(true);
    expect(h.file().subarray(1000).every((b) => b === 9)).toBe(true);
    expect(h.calls).toEqual([{ at: 0, length: 2000 }]);
  });

  it('drops what it gathered at reset (the file is being emptied): nothing of it reaches the handle', () => {
    const f = fakeHandle();
    const w = pieceWriter(f.handle, 1024);
    w.write(new Uint8Array(100).fill(7), 0);
    w.reset();
    w.flush();
    expect(f.calls).toEqual([]);
    w.write(new Uint8Array([1, 2, 3]), 0);
    w.flush();
    expect(Array.from(f.file())).toEqual([1, 2, 3]);
  });

  it("passes on the handle's failure, at the write or the flush that meets it", () => {
    const h = fakeHandle({ failAt: 1 });
    const w = pieceWriter(h.handle, 4096);
    w.write(bytes(4096, 1), 0); // a whole piece: written at once (call 0)
    w.write(bytes(100, 2), 4096); // gathered
    expect(() => w.flush()).toThrow(/quota/);
  });
});

describe('roomForScratch', () => {
  const est = (quota?: number, usage?: number) => () => Promise.resolve({ quota, usage } as StorageEstimate);
  it('keeps layers in scratch only where three times the archive fits', async () => {
    const GB = 1e9;
    expect(await roomForScratch(1 * GB, est(10 * GB, 0))).toBe(true);
    expect(await roomForScratch(1 * GB, est(10 * GB, 6.9 * GB))).toBe(true);
    expect(await roomForScratch(1 * GB, est(10 * GB, 7.1 * GB))).toBe(false);
    expect(await roomForScratch(1 * GB, est(2.5 * GB, 0))).toBe(false);
    expect(await roomForScratch(Infinity, est(10 * GB, 0))).toBe(false); // size unknown
  });
  it('does not use scratch where the browser cannot say', async () => {
    expect(await roomForScratch(1000, est(undefined, 0))).toBe(false);
    expect(await roomForScratch(1000, () => Promise.reject(new Error('no storage')))).toBe(false);
  });
});

describe('retryWithoutScratch', () => {
  class Failure extends Error {
    constructor(readonly where: string) {
      super(`failed at ${where}`);
    }
  }
  const isScratchFailure = (e: unknown) => e instanceof Failure && e.where.startsWith('scratch for ');
  const fakeScratch = () => {
    const s = { scratch: { write: () => true as const, flush: () => true as const, readInto: () => 0 }, released: 0, release: () => void s.released++ };
    return s;
  };

  it('runs once, with the scratch, when it works', () => {
    const sc = fakeScratch();
    let restarts = 0;
    const seen: unknown[] = [];
    const r = retryWithoutScratch((s) => (seen.push(s), 'written'), sc, () => restarts++, isScratchFailure);
    expect(r).toEqual({ result: 'written', keptInScratch: true });
    expect(seen).toEqual([sc.scratch]);
    expect([sc.released, restarts]).toEqual([0, 0]);
  });

  it('runs again without it, the scratch emptied and the output restarted, when the scratch failed', () => {
    const sc = fakeScratch();
    const order: string[] = [];
    const r = retryWithoutScratch(
      (s) => {
        order.push(s ? 'with' : 'without');
        if (s) throw new Failure('scratch for blobs/sha256/ab');
        return 'written twice-compressed';
      },
      { ...sc, release: () => order.push('release') },
      () => order.push('restart'),
      isScratchFailure,
    );
    expect(r).toEqual({ result: 'written twice-compressed', keptInScratch: false });
    expect(order).toEqual(['with', 'release', 'restart', 'without']);
  });

  it("passes the write's own failures on, and a failure of the run without scratch too", () => {
    const sc = fakeScratch();
    let runs = 0;
    expect(() => retryWithoutScratch(() => { runs++; throw new Failure('layer 2'); }, sc, () => undefined, isScratchFailure)).toThrow('failed at layer 2');
    expect([runs, sc.released]).toEqual([1, 0]);
    runs = 0;
    expect(() =>
      retryWithoutScratch((s) => { runs++; throw new Failure(s ? 'scratch for x' : 'out.tar'); }, sc, () => undefined, isScratchFailure),
    ).toThrow('failed at out.tar');
    expect(runs).toBe(2);
  });

  it('runs once without a scratch when there is none', () => {
    const seen: unknown[] = [];
    expect(retryWithoutScratch((s) => (seen.push(s), 1), undefined, () => undefined, isScratchFailure)).toEqual({ result: 1, keptInScratch: false });
    expect(seen).toEqual([undefined]);
  });
});

describe('keptSource', () => {
  // The files helper workers compressed layers into, read by the write as one
  // source: each part a file of its own, the layers one after the other.
  const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);
  const part = (start: number, data: Uint8Array, opts: { short?: boolean; fail?: boolean } = {}): KeptPart => ({
    start,
    size: data.length,
    read(view, at) {
      if (opts.fail) throw new DOMException('gone', 'NotFoundError');
      const n = Math.min(view.length, data.length - at) - (opts.short ? 1 : 0);
      view.set(data.subarray(at, at + n));
      return n;
    },
  });
  const a = bytes(10, 1);
  const b = bytes(5, 2);
  const c = bytes(7, 3);
  const all = new Uint8Array([...a, ...b, ...c]);

  it('reads every range of the parts as of one file, across their ends', () => {
    const heap = new Uint8Array(64);
    const src = keptSource([part(0, a), part(10, b), part(15, c)], 'kept', () => heap);
    expect(src.size).toBe(22);
    for (let off = 0; off < 22; ++off)
      for (let len = 1; off + len <= 22; ++len) {
        heap.fill(0);
        expect(src.readInto(off, 8, len)).toBe(len);
        expect(Array.from(heap.subarray(8, 8 + len))).toEqual(Array.from(all.subarray(off, off + len)));
      }
  });

  it('answers -1 when a part reads short or throws (the core reports it, never a wrong byte)', () => {
    const heap = new Uint8Array(64);
    expect(keptSource([part(0, a), part(10, b, { short: true })], 'kept', () => heap).readInto(8, 0, 4)).toBe(-1);
    expect(keptSource([part(0, a, { fail: true })], 'kept', () => heap).readInto(0, 0, 4)).toBe(-1);
    expect(keptSource([], 'kept', () => heap).size).toBe(0);
  });
});
