// The export dialog's logic (issue 10): what the user chose, the request the
// worker gets, the name of the output, the CLI command that writes the same
// bytes, and where the output goes. The worker writes into a file of the
// origin-private file system (wasm/io/opfs-sink.ts) — never one in-memory
// Blob — and the page then copies it to a file the user picked (File System
// Access API) or downloads it from there.
import type { WriteRequest } from '../engine';
import { basename } from './format';

export type ExportWhat = WriteRequest['what'];

export interface ExportChoice {
  what: ExportWhat;
  image: number;
  /** save: all images of the archive, or only `image` */
  allImages: boolean;
  format: 'docker' | 'oci';
  /** save, strip: '' = layers copied as stored */
  compress: '' | 'none' | 'gzip' | 'zstd';
  /** export: -1 = the merged filesystem, N = layer N's own tar; file: the layer it is read as of */
  layer: number;
  /** export: a directory ('' = all); file: the file */
  path: string;
  /** strip */
  paths: string[];
}

/** The directory of the origin-private file system that holds outputs. */
export const EXPORT_DIR = 'layerscope-exports';

/** What each choice is, in the dialog's words. */
export const WHAT_LABELS: Record<ExportWhat, string> = {
  save: 'Save as an archive',
  squash: 'Squash to one layer',
  strip: 'Strip paths',
  export: 'Files as a plain tar',
  file: 'One file',
};

/** Paths typed one per line (or separated by commas), trimmed, without empties or repeats. */
export function parsePaths(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const p = raw.trim();
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

/** What is missing before the choice can run ('' when it can). */
export function choiceProblem(c: ExportChoice): string {
  if (c.what === 'strip' && !c.paths.length) return 'Name at least one path to strip.';
  if (c.what === 'file' && !c.path) return 'Choose a file in the tree first.';
  return '';
}

/** The worker's request for a choice (without the target). */
export function writeRequest(c: ExportChoice): Omit<WriteRequest, 'type' | 'archive' | 'target'> {
  switch (c.what) {
    case 'save':
      return { what: 'save', images: c.allImages ? [] : [c.image], format: c.format, compress: c.compress };
    case 'squash':
      return { what: 'squash', image: c.image, format: c.format };
    case 'strip':
      return { what: 'strip', image: c.image, paths: c.paths, format: c.format, compress: c.compress };
    case 'export':
      return { what: 'export', image: c.image, layer: c.layer, path: c.path };
    case 'file':
      return { what: 'file', image: c.image, layer: c.layer, path: c.path };
  }
}

function stem(archiveName: string): string {
  return basename(archiveName).replace(/\.(tar(\.(gz|zst|xz|bz2))?|tgz|oci)$/i, '') || 'archive';
}

/** A name for the output: "app-oci.tar", "app-squashed.tar", "app-layer-3.tar", the file's own name. */
export function outputName(archiveName: string, c: ExportChoice): string {
  const base = stem(archiveName);
  switch (c.what) {
    case 'save':
      return `${base}-${c.format}${c.compress && c.compress !== 'none' ? `-${c.compress}` : ''}.tar`;
    case 'squash':
      return `${base}-squashed.tar`;
    case 'strip':
      return `${base}-stripped.tar`;
    case 'export': {
      const dir = c.path.replace(/^\/+|\/+$/g, '').replace(/\//g, '_');
      return `${base}-${c.layer < 0 ? 'rootfs' : `layer-${c.layer}`}${dir ? `-${dir}` : ''}.tar`;
    }
    case 'file':
      return basename(c.path) || 'file';
  }
}

/** True when the output is an image archive the page can open again. */
export function reopenable(c: ExportChoice): boolean {
  return c.what === 'save' || c.what === 'squash' || c.what === 'strip';
}

/** A word for a POSIX shell: bare when safe, else single-quoted. */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `layerscope` command line that writes the same output (image: a reference the CLI takes, e.g. "1" or a tag). */
export function cliCommand(archiveName: string, c: ExportChoice, imageRef: string, out: string): string {
  const w = [shellWord(archiveName)];
  const fmt = c.format === 'oci' ? ['--format', 'oci'] : [];
  const comp = c.compress ? ['--compress', c.compress] : [];
  let words: string[];
  switch (c.what) {
    case 'save':
      words = ['save', ...w, ...(c.allImages ? [] : [shellWord(imageRef)]), ...fmt, ...comp];
      break;
    case 'squash':
      words = ['squash', ...w, shellWord(imageRef), ...fmt];
      break;
    case 'strip':
      words = ['strip', ...w, shellWord(imageRef), ...c.paths.map(shellWord), ...fmt, ...comp];
      break;
    case 'export':
      words = ['export', ...w, shellWord(imageRef), ...(c.layer >= 0 ? ['--layer', String(c.layer)] : []), ...(c.path ? [shellWord(c.path)] : [])];
      break;
    case 'file':
      return ['layerscope', 'cat', ...w, shellWord(imageRef), ...(c.layer >= 0 ? ['--layer', String(c.layer)] : []), shellWord(c.path), '>', shellWord(out)].join(' ');
  }
  return ['layerscope', ...words, '-o', shellWord(out)].join(' ');
}
