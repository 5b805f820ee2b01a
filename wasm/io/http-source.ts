/// <reference lib="webworker" />
// The core's ByteSource over a URL, read by HTTP Range requests (synchronous
// XMLHttpRequest: allowed in workers, and the core's reads are synchronous).
//
// Each answer must be a 206 whose Content-Range starts where we asked and whose
// total is the size the page saw when it probed the URL; If-Range pins the
// object (its ETag, or Last-Modified), so a file replaced on the server while it
// is read gives a full 200 instead of a range of the new file, and that is a
// clear error ("the archive changed on the server"), never bytes of two files.
// A failed request (network, 5xx, timeout) is tried again a bounded number of
// times. Reads go through ReadAhead with a cost model (read-ahead.ts), which
// reads small gaps through instead of paying a round trip for them.
import type { SourceDescriptor } from '../protocol';
import { CostModel, ReadAhead, type Fetch } from './read-ahead';
import { aheadByteSource, type FileByteSource } from './file-source';

export type UrlDescriptor = Extract<SourceDescriptor, { kind: 'url' }>;

/** Why a ranged read failed, in words for the page (the core's "io" error carries it). */
export class RemoteProblem extends Error {}

/** The request an XMLHttpRequest-like object makes (tests pass a fake). */
export interface XhrLike {
  open(method: string, url: string, async: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(): void;
  responseType: XMLHttpRequestResponseType;
  timeout: number;
  readonly status: number;
  readonly statusText: string;
  readonly response: unknown;
  getResponseHeader(name: string): string | null;
}

export interface RangeOptions {
  /** attempts per read after the first (network errors, 5xx, timeouts) */
  retries?: number;
  /** ms before one request counts as failed */
  timeoutMs?: number;
  xhr?: () => XhrLike;
}

/** Counters of the remote reads (the page reports them). */
export interface RangeStats {
  requests: number;
  retries: number;
}

/** A Fetch over HTTP Range requests for `desc` (throws RemoteProblem). */
export function rangeFetch(desc: UrlDescriptor, opts: RangeOptions = {}, stats: RangeStats = { requests: 0, retries: 0 }): Fetch {
  const retries = opts.retries ?? 3;
  const make = opts.xhr ?? (() => new XMLHttpRequest() as XhrLike);
  const where = desc.name;
  return (offset: number, size: number): Uint8Array => {
    const last = Math.min(desc.size, offset + size) - 1;
    if (last < offset) return new Uint8Array(0);
    let why = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt) stats.retries++;
      stats.requests++;
      const x = make();
      x.open('GET', desc.url, false);
      x.responseType = 'arraybuffer';
      x.timeout = opts.timeoutMs ?? 60_000;
      x.setRequestHeader('Range', `bytes=${offset}-${last}`);
      if (desc.validator) x.setRequestHeader('If-Range', desc.validator);
      try {
        x.send();
      } catch (e) {
        // A network error, a timeout, or a cross-origin answer without CORS headers
        // (the browser hides which): worth another try, then said in plain words.
        const name = e instanceof DOMException ? e.name : '';
        why =
          name === 'TimeoutError'
            ? `the server did not answer within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s (bytes ${offset}–${last})`
            : `the request for bytes ${offset}–${last} failed (the server is unreachable, or it does not allow this page's origin to read it: CORS)`;
        continue;
      }
      if (x.status === 206) return checked(x, offset, last, desc.size, where);
      if (x.status === 200)
        throw new RemoteProblem(
          desc.validator
            ? `the archive changed on the server while it was being read (it no longer matches ${desc.validator}): open it again to read the new version`
            : 'the server stopped answering byte ranges (it sent the whole file): open it again',
        );
      if (x.status === 416) throw new RemoteProblem(`the archive on the server is shorter than the ${desc.size} bytes it had when it was opened`);
      if (x.status >= 500 || x.status === 0) {
        why = `HTTP ${x.status} ${x.statusText}`.trim();
        continue;
      }
      throw new RemoteProblem(`the server refused bytes ${offset}–${last}: HTTP ${x.status} ${x.statusText}`.trim());
    }
    throw new RemoteProblem(`${why} — ${retries + 1} attempts`);
  };
}

/** The body of a 206 answer for [offset, last], after checking its Content-Range. */
function checked(x: XhrLike, offset: number, last: number, size: number, where: string): Uint8Array {
  const cr = x.getResponseHeader('Content-Range');
  if (!cr)
    throw new RemoteProblem(
      `the server sent a range without a Content-Range header (a server on another origin must list Content-Range in Access-Control-Expose-Headers) — ${where}`,
    );
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(cr.trim());
  if (!m) throw new RemoteProblem(`the server's Content-Range "${cr}" is not a byte range`);
  const [start, end] = [Number(m[1]), Number(m[2])];
  if (m[3] !== '*' && Number(m[3]) !== size)
    throw new RemoteProblem(`the archive changed on the server while it was being read: it now has ${m[3]} bytes, not ${size}: open it again`);
  if (start !== offset || end > last || end < start) throw new RemoteProblem(`the server answered bytes ${start}–${end} when ${offset}–${last} were asked for`);
  const body = new Uint8Array(x.response as ArrayBuffer);
  if (body.length !== end - start + 1) throw new RemoteProblem(`the server sent ${body.length} bytes for a range of ${end - start + 1} (bytes ${start}–${end})`);
  return body;
}

/**
 * A URL as the core's ByteSource. Like fileByteSource, a failed read returns -1
 * (never throws into wasm); `takeProblem()` then says why, and the worker puts that
 * sentence into the core's "io" error.
 */
export function urlByteSource(
  desc: UrlDescriptor,
  heap: () => Uint8Array,
  opts: RangeOptions = {},
): { src: FileByteSource; io: ReadAhead['stats']; remote: RangeStats; takeProblem: () => string | null } {
  const counters: RangeStats = { requests: 0, retries: 0 };
  const ahead = new ReadAhead({ size: desc.size, fetch: rangeFetch(desc, opts, counters), cost: new CostModel() });
  let problem: string | null = null;
  const src = aheadByteSource(ahead, desc.size, desc.name, heap, (e) => {
    problem = e instanceof RemoteProblem ? e.message : `reading ${desc.name} failed: ${String(e)}`;
    console.warn('[worker] reading', desc.url, 'failed:', problem);
  });
  const takeProblem = (): string | null => {
    const p = problem;
    problem = null;
    return p;
  };
  return { src, io: ahead.stats, remote: counters, takeProblem };
}
