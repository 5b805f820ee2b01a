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
