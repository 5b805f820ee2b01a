// Fetching an archive hosted next to the page (the example, a deep link's
// src, <layer-scope src=…>), with progress, into a File the engine can open.
import { fetchArchive } from '../engine';
import { errorMessage } from './errors';

export interface FetchProgress {
  url: string;
  done: number;
  /** 0 when the server sent no length */
  total: number;
}

/** The File, or the reason it could not be fetched ("<url>: HTTP 404 Not Found"). */
export async function fetchFile(url: string, onProgress: (p: FetchProgress) => void): Promise<{ file: File } | { error: string }> {
  onProgress({ url, done: 0, total: 0 });
  try {
    return { file: await fetchArchive(url, (done, total) => onProgress({ url, done, total })) };
  } catch (e) {
    return { error: `${url}: ${errorMessage(e)}` };
  }
}
