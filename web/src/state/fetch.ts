// Opening an archive hosted next to the page (the example, a deep link's src,
// ?src=, <layer-scope src=…>). A server that serves byte ranges is read in place
// by the worker (a url source: only what the views need is fetched); from one
// that sends whole files only, the file is streamed to disk (the origin-private
// file system) with progress, never held whole in memory, and opened from there.
import { probeUrl, responseFile, type OpfsTarget, type UrlSource } from '../engine';
import { errorMessage } from './errors';
import { hasOpfs, newTarget, removeTarget, streamIntoTarget } from './export-files';

export interface FetchProgress {
  url: string;
  done: number;
  /** 0 when the server sent no length */
  total: number;
}

/** A File (downloaded whole), a url source (read by ranges), or the reason the
 *  archive could not be opened ("<url>: HTTP 404 Not Found: there is no file…"). */
export type Fetched = { file: File; stored?: OpfsTarget } | { source: UrlSource } | { error: string };

export async function fetchFile(url: string, onProgress: (p: FetchProgress) => void): Promise<Fetched> {
  onProgress({ url, done: 0, total: 0 });
  try {
    const p = await probeUrl(url);
    if (p.kind === 'range') return { source: p.source };
    // The probe's answer is the whole file: it is the download (no second request).
    if (!hasOpfs()) return { file: await responseFile(p.response, p.name, (done, total) => onProgress({ url, done, total })) };
    const total = p.total;
    const stored = newTarget(p.name);
    const file = await streamIntoTarget(stored, p.name, p.response.body!, (done) => onProgress({ url, done, total }));
    return { file, stored };
  } catch (e) {
    return { error: `${url}: ${errorMessage(e)}` };
  }
}

/** What to open for a fetch that succeeded, and what to do when it is closed
 *  (a whole download streamed to disk is removed with its session). */
export function fetchedSource(r: Exclude<Fetched, { error: string }>): { source: File | UrlSource; onDispose?: () => void } {
  if ('source' in r) return { source: r.source };
  const stored = r.stored;
  return { source: r.file, onDispose: stored ? () => void removeTarget(stored) : undefined };
}
