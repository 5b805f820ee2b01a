// The worker's url source (wasm/io/http-source.ts) against a scripted server:
// what it asks for, what answers it accepts, and the words of each refusal.
// The real server and browser are exercised by web/e2e/range.spec.ts.
import { describe, expect, it, vi } from 'vitest';
import { rangeFetch, urlByteSource, type UrlDescriptor, type XhrLike } from '../../wasm/io/http-source';
import { CostModel, ReadAhead } from '../../wasm/io/read-ahead';
import { sourceProblem } from '../../wasm/io/file-source';

/** A file of `size` bytes whose byte k is k mod 251, served by `answer`. */
type Answer = (range: [number, number], headers: Record<string, string>) => { status: number; headers?: Record<string, string>; body?: Uint8Array } | 'network-error';

function byteAt(k: number): number {
  return k % 251;
}
function bytes(start: number, end: number): Uint8Array {
  const b = new Uint8Array(end - start + 1);
  for (let k = 0; k < b.length; k++) b[k] = byteAt(start + k);
  return b;
}

/** A fake XMLHttpRequest (synchronous) answering by `answer`; records each request's headers. */
function server(answer: Answer) {
  const log: Record<string, string>[] = [];
  const make = (): XhrLike => {
    const headers: Record<string, string> = {};
    let res: { status: number; headers?: Record<string, string>; body?: Uint8Array } = { status: 0 };
    return {
      responseType: '' as XMLHttpRequestResponseType,
      timeout: 0,
      open: () => undefined,
      setRequestHeader: (n, v) => void (headers[n] = v),
      send: () => {
        log.push({ ...headers });
        const m = /^bytes=(\d+)-(\d+)$/.exec(headers.Range ?? '')!;
        const a = answer([Number(m[1]), Number(m[2])], headers);
        if (a === 'network-error') throw new DOMException('network', 'NetworkError');
        res = a;
      },
      get status() {
        return res.status;
      },
      get statusText() {
        return '';
      },
      get response() {
        return res.body ? res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.byteLength) : new ArrayBuffer(0);
      },
      getResponseHeader: (n) => res.headers?.[n] ?? null,
    };
  };
  return { make, log };
}

const SIZE = 1 << 20;
const desc: UrlDescriptor = { kind: 'url', url: 'http://x/a.tar', name: 'a.tar', size: SIZE, validator: '"v1"' };
const ranged: Answer = ([s, e]) => {
  const end = Math.min(e, SIZE - 1);
  return { status: 206, headers: { 'Content-Range': `bytes ${s}-${end}/${SIZE}` }, body: bytes(s, end) };
};

describe('rangeFetch', () => {
  it('asks for exactly the range, pinned by If-Range, and returns its bytes', () => {
    const srv = server(ranged);
    const f = rangeFetch(desc, { xhr: srv.make });
    const got = f(1000, 10);
    expect([...got]).toEqual([...bytes(1000, 1009)]);
    expect(srv.log).toEqual([{ Range: 'bytes=1000-1009', 'If-Range': '"v1"' }]);
    // past the end: clipped to the file, nothing asked beyond it
    expect(f(SIZE - 4, 100).length).toBe(4);
    expect(srv.log[1].Range).toBe(`bytes=${SIZE - 4}-${SIZE - 1}`);
    expect(f(SIZE, 10).length).toBe(0);
    expect(srv.log).toHaveLength(2);
  });

  it('says the file changed when If-Range no longer matches (200) or the total moved', () => {
    expect(() => rangeFetch(desc, { xhr: server(() => ({ status: 200, body: bytes(0, 9) })).make })(0, 10)).toThrow(
      /changed on the server while it was being read \(it no longer matches "v1"\)/,
    );
    const grown: Answer = ([s, e]) => ({ status: 206, headers: { 'Content-Range': `bytes ${s}-${e}/${SIZE + 1}` }, body: bytes(s, e) });
    expect(() => rangeFetch(desc, { xhr: server(grown).make })(0, 10)).toThrow(/it now has 1048577 bytes, not 1048576/);
    expect(() => rangeFetch({ ...desc, validator: '' }, { xhr: server(() => ({ status: 200, body: bytes(0, 9) })).make })(0, 10)).toThrow(
      /stopped answering byte ranges/,
    );
  });

  it('refuses answers that do not match the request', () => {
    const noHeader: Answer = ([s, e]) => ({ status: 206, body: bytes(s, e) });
    expect(() => rangeFetch(desc, { xhr: server(noHeader).make })(0, 10)).toThrow(/Access-Control-Expose-Headers/);
    const shifted: Answer = ([s, e]) => ({ status: 206, headers: { 'Content-Range': `bytes ${s + 1}-${e}/${SIZE}` }, body: bytes(s + 1, e) });
    expect(() => rangeFetch(desc, { xhr: server(shifted).make })(0, 10)).toThrow(/answered bytes 1–9 when 0–9 were asked for/);
    const short: Answer = ([s, e]) => ({ status: 206, headers: { 'Content-Range': `bytes ${s}-${e}/${SIZE}` }, body: bytes(s, e - 1) });
    expect(() => rangeFetch(desc, { xhr: server(short).make })(0, 10)).toThrow(/sent 9 bytes for a range of 10/);
    expect(() => rangeFetch(desc, { xhr: server(() => ({ status: 403 })).make })(0, 10)).toThrow(/refused bytes 0–9: HTTP 403/);
    expect(() => rangeFetch(desc, { xhr: server(() => ({ status: 416 })).make })(0, 10)).toThrow(/shorter than the 1048576 bytes/);
  });

  it('tries a failed request again a bounded number of times', () => {
    let n = 0;
    const flaky: Answer = (r, h) => (++n <= 2 ? (n === 1 ? 'network-error' : { status: 503 }) : ranged(r, h));
    const stats = { requests: 0, retries: 0 };
    expect([...rangeFetch(desc, { xhr: server(flaky).make, retries: 3 }, stats)(5, 3)]).toEqual([5, 6, 7]);
    expect(stats).toEqual({ requests: 3, retries: 2 });
    const srv = server(() => ({ status: 502 }));
    expect(() => rangeFetch(desc, { xhr: srv.make, retries: 2 })(0, 10)).toThrow(/HTTP 502 — 3 attempts/);
    expect(srv.log).toHaveLength(3);
    expect(() => rangeFetch(desc, { xhr: server(() => 'network-error').make, retries: 0 })(0, 10)).toThrow(/unreachable, or it does not allow this page's origin/);
  });
});

describe('urlByteSource', () => {
  it('copies into the heap, returns -1 on a failed read and hands the reason over once', () => {
    let changed = false;
    const heap = new Uint8Array(64);
    const srv = server((r, h) => (changed ? { status: 200, body: bytes(0, 9) } : ranged(r, h)));
    const { src, takeProblem, remote } = urlByteSource(desc, () => heap, { xhr: srv.make });
    expect([src.size, src.name]).toEqual([SIZE, 'a.tar']);
    expect(src.readInto(300, 8, 4)).toBe(4);
    expect([...heap.subarray(8, 12)]).toEqual([...bytes(300, 303)]);
    expect(takeProblem()).toBeNull();
    changed = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(src.readInto(SIZE - 10, 0, 4)).toBe(-1);
    } finally {
      warn.mockRestore();
    }
    expect(takeProblem()).toMatch(/changed on the server/);
    expect(takeProblem()).toBeNull();
    expect(remote.requests).toBe(2);
  });
});

describe('ReadAhead with a cost model', () => {
  it('reads a gap through when a request costs more than its bytes, and skips a long one', () => {
    const asked: [number, number][] = [];
    const fetch = (o: number, n: number) => {
      asked.push([o, n]);
      return bytes(o, Math.min(o + n, 64 << 20) - 1);
    };
    const cost = new CostModel();
    // 10 ms per request, 100 bytes per µs: the break-even gap is ~1 MB
    cost.observe(512, 10);
    cost.observe(4 << 20, 10 + (4 << 20) / 100_000);
    expect(cost.breakEven()).toBeGreaterThan(900_000);
    expect(cost.breakEven()).toBeLessThan(1_200_000);
    const ra = new ReadAhead({ size: 64 << 20, fetch, cost });
    // (taken before the read: ReadAhead also times its own fetches into the model,
    // and this test's synchronous fetch is slow on a loaded machine)
    const breakEven = cost.breakEven();
    ra.read(0, 512);
    const first = asked[0][1];
    expect(first).toBeGreaterThanOrEqual(breakEven); // a request is worth at least its round trip
    ra.read(first + 200_000, 512); // a 200 kB gap: read through from the buffer's end
    expect(asked[1][0]).toBe(first);
    expect([...ra.read(first + 200_000, 4)]).toEqual([...bytes(first + 200_000, first + 200_003)]);
    const end = asked[1][0] + asked[1][1];
    ra.read(end + 20_000_000, 512); // 20 MB ahead: skipped
    expect(asked[2][0]).toBe(end + 20_000_000);
    expect(asked).toHaveLength(3);
  });

  it('reads a run the core announced (advise) in the largest requests at once, never past its end', () => {
    const asked: [number, number][] = [];
    const SIZE = 64 << 20;
    const fetch = (o: number, n: number) => {
      asked.push([o, n]);
      return bytes(o, Math.min(o + n, SIZE) - 1);
    };
    const run = (ra: ReadAhead, from: number, to: number) => {
      for (let at = from; at < to; at += 1 << 20) {
        const want = Math.min(1 << 20, to - at);
        const got = ra.read(at, want);
        expect(got.length).toBe(want);
        expect(got[0]).toBe(bytes(at, at)[0]);
      }
    };
    // A 20 MB blob at 1 MB + 5: 8, 8 and 4 MB, and nothing past its end.
    const blob = [(1 << 20) + 5, (1 << 20) + 5 + 20_000_000];
    const advised = new ReadAhead({ size: SIZE, fetch });
    advised.advise(blob[0], blob[1] - blob[0]);
    run(advised, blob[0], blob[1]);
    expect(asked).toEqual([
      [blob[0], ReadAhead.MAX],
      [blob[0] + ReadAhead.MAX, ReadAhead.MAX],
      [blob[0] + 2 * ReadAhead.MAX, blob[1] - blob[0] - 2 * ReadAhead.MAX],
    ]);
    // Read to its end, the run is over: a later read back in it (another reader) gets an ordinary window.
    asked.length = 0;
    advised.read(blob[0] + 100, 10);
    expect(asked).toEqual([[blob[0] + 100, ReadAhead.MIN]]);
    // Unannounced, the window grows from MIN: more requests for the same bytes.
    asked.length = 0;
    run(new ReadAhead({ size: SIZE, fetch }), blob[0], blob[1]);
    expect(asked.length).toBeGreaterThan(5);
  });

  it('keeps a File\'s read-ahead as it was (no read-through without a cost model)', () => {
    const file = new Blob([bytes(0, (1 << 20) - 1)]);
    const calls: number[] = [];
    const reader = { readAsArrayBuffer: (b: Blob) => (calls.push(b.size), new ArrayBuffer(b.size)) };
    const ra = new ReadAhead(file, reader as unknown as FileReaderSync);
    ra.read(0, 10);
    ra.read(ReadAhead.MIN + 1000, 10);
    expect(calls).toEqual([ReadAhead.MIN, ReadAhead.MIN * 2]);
  });
});

describe('ReadAhead keeping the small windows it read before', () => {
  // An open scans a docker-archive's member headers (each layer's one window
  // away), then reads each layer's first bytes: from the windows kept, as long
  // as they are small and few enough.
  const SIZE = 256 << 20;
  const scripted = () => {
    const asked: [number, number][] = [];
    const ra = new ReadAhead({
      size: SIZE,
      fetch: (o: number, n: number) => {
        asked.push([o, n]);
        return bytes(o, Math.min(o + n, SIZE) - 1);
      },
    });
    return { ra, asked };
  };
  const same = (got: Uint8Array, at: number) => expect([...got]).toEqual([...bytes(at, at + got.length - 1)]);

  it('serves a read going back into an earlier window without a fetch, with its bytes', () => {
    const { ra, asked } = scripted();
    const headers = Array.from({ length: 12 }, (_, k) => k * (7 << 20) + 3 * 512);
    for (const h of headers) same(ra.read(h, 512), h);
    expect(asked).toHaveLength(12);
    for (const h of headers) {
      same(ra.read(h + 512, 512), h + 512); // the layer's first bytes, after its header
      same((ra.peek(h + 100, 8) ?? ra.recall(h + 100, 8)) as Uint8Array, h + 100); // (the last one is still the window)
    }
    expect(asked).toHaveLength(12);
    // A read only partly in a kept window is fetched.
    const last = asked[11];
    same(ra.read(last[0] + last[1] - 100, 512), last[0] + last[1] - 100);
    expect(asked).toHaveLength(13);
    expect(ra.recall(last[0] + last[1] - 100, 512)).toBeNull();
  });

  it('keeps no window larger than KEEP_ONE, and no more than KEEP_BYTES in all (the oldest go first)', () => {
    const { ra, asked } = scripted();
    // An announced run reads in the largest windows: none of them is kept.
    ra.advise(0, 3 * ReadAhead.MAX);
    for (let at = 0; at < 3 * ReadAhead.MAX; at += 1 << 20) ra.read(at, 1 << 20);
    ra.read(200 << 20, 512);
    const before = asked.length;
    same(ra.read(100, 512), 100);
    expect(asked).toHaveLength(before + 1);
    // Windows of MIN bytes, each far from the one before: KEEP_BYTES / MIN of them are kept.
    const { ra: rb, asked: askedB } = scripted();
    const n = ReadAhead.KEEP_BYTES / ReadAhead.MIN + 4;
    const at = (k: number) => 1000 + k * (1 << 20);
    for (let k = 0; k < n; k++) rb.read(at(k), 512);
    expect(askedB.every(([, len]) => len === ReadAhead.MIN)).toBe(true);
    expect(askedB).toHaveLength(n);
    for (let k = n - 1 - ReadAhead.KEEP_BYTES / ReadAhead.MIN; k < n - 1; k++) same(rb.read(at(k) + 600, 16), at(k) + 600);
    expect(askedB).toHaveLength(n);
    same(rb.read(at(0) + 600, 16), at(0) + 600); // the oldest: gone, fetched again
    expect(askedB).toHaveLength(n + 1);
  });
});

describe('sourceProblem (url)', () => {
  it('accepts a complete url descriptor and names what is missing', () => {
    expect(sourceProblem(desc)).toBeNull();
    expect(sourceProblem({ ...desc, url: 'a.tar' })).toMatch(/absolute URL/);
    expect(sourceProblem({ ...desc, url: 'file:///a.tar' })).toMatch(/http\(s\) only/);
    expect(sourceProblem({ ...desc, size: -1 })).toMatch(/size in bytes/);
    expect(sourceProblem({ ...desc, validator: undefined })).toMatch(/validator/);
  });
});
