// Names the page gives to things of the archive (pure; no DOM).
import type { ImageDoc, LayerDoc } from '../engine';
import { toInstruction } from './dockerfile';
import { formatBytes } from './format';

/** Tags, or "untagged <id>" / "untagged #<index>". */
export function imageTitle(img: ImageDoc): string {
  if (img.tags.length) return img.tags.join(', ');
  return `untagged ${img.id ?? `#${img.index}`}`;
}

/** "#2 · 1.50 KiB · RUN make install" (the instruction cut at 48 characters). */
export function layerOptionLabel(img: ImageDoc, l: LayerDoc): string {
  const h = img.history.find((x) => x.layer === l.index);
  const ins = h ? toInstruction(h.created_by) : null;
  const text = ins ? `${ins.keyword} ${ins.args}`.trim() : '';
  const short = text.length > 48 ? text.slice(0, 47) + '…' : text;
  return `#${l.index} · ${formatBytes(l.uncompressed_size ?? l.size)}${short ? ` · ${short}` : ''}`;
}

/** What an opening archive is doing, in words ("indexing layers (layer 2 of 5)"). */
/** Progress phases of the core (and the page's copy to a picked file), in words. */
const PHASE_WORDS: Record<string, string> = {
  scan: 'reading the archive’s members',
  index: 'indexing layers',
  verify: 'verifying digests',
  measure: 'measuring layers',
  save: 'writing layers',
  export: 'writing files',
  strip: 'rewriting layers',
  read: 'reading the file',
  copy: 'copying to your file',
};

export function phaseText(phase: string, detail: string): string {
  const what = PHASE_WORDS[phase] ?? phase;
  return detail ? `${what} (${detail})` : what;
}

/** The index of the image `ref` names among `images`: an index ("0"), a tag
 *  ("repo:tag"; a bare repo means :latest), an image ID or manifest digest or
 *  a prefix of one (with or without "sha256:"); -1 when none or several. */
export function findImage(images: readonly { tags: string[]; id: string | null; manifest_digest: string | null }[], ref: string): number {
  const r = ref.trim();
  if (/^#?\d+$/.test(r)) {
    const i = Number(r.replace('#', ''));
    return i < images.length ? i : -1;
  }
  const tagged = r.includes(':') && !r.startsWith('sha256:') ? r : `${r}:latest`;
  const byTag = images.findIndex((im) => im.tags.includes(r) || im.tags.includes(tagged));
  if (byTag >= 0) return byTag;
  const hex = r.replace(/^sha256:/, '');
  if (!/^[0-9a-f]{4,64}$/.test(hex)) return -1;
  const hits = images.flatMap((im, i) => ([im.id, im.manifest_digest].some((d) => d?.replace(/^sha256:/, '').startsWith(hex)) ? [i] : []));
  return hits.length === 1 ? hits[0] : -1;
}
