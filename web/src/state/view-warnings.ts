// Which of the warnings an answer carries concern a view (issue 11): a listing
// or the history shows them all; a file shows those that name it, and those
// that make any file of the image doubtful (a layer missing or unreadable).
import type { Warning } from '../engine';
import { VERIFY_WARNINGS } from './verify';

/** Codes that say a layer is absent or unreadable: every view of the image is incomplete, and any
 *  file may come from a lower layer than it should. */
export const INCOMPLETE = new Set(['incomplete-image', 'layer-unreadable', 'missing-blob']);

/** The warnings that concern one file (`path` without a leading slash). */
export function fileWarnings(all: readonly Warning[], path: string): Warning[] {
  const p = path.replace(/^\/+/, '');
  if (!p) return [];
  return all.filter((w) => INCOMPLETE.has(w.code) || mentions(w.where, p) || mentions(w.message, p));
}

/** Whether `text` names `path` whole: one of its words (split at spaces,
 *  quotes, brackets and punctuation), without a leading "/" or "./", is the
 *  path ("etc/app" is not named by "etc/app.conf", nor "app.conf"). */
function mentions(text: string, path: string): boolean {
  for (const word of text.split(/[\s"'(),;]+|:\s/)) if (word.replace(/^(\.?\/)+/, '') === path) return true;
  return false;
}

/** One entry per (code, where, message): pages of one listing repeat them. */
export function uniqueWarnings(all: readonly Warning[]): Warning[] {
  const seen = new Set<string>();
  return all.filter((w) => {
    const k = `${w.code}\u0000${w.where}\u0000${w.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The verification's warnings about `layers` (each names the layer's digest or
 * diff_id), to join to a view's warnings once the archive was verified;
 * verify-failed concerns every view.
 */
export function verifiedWarnings(
  all: readonly Warning[],
  layers: readonly { digest: string | null; diff_id: string | null }[],
): Warning[] {
  const ids = layers.flatMap((l) => [l.digest, l.diff_id]).filter((x): x is string => !!x);
  // A verification runs in a worker of its own: the browsing worker's answers lack these codes.
  return all.filter((w) => VERIFY_WARNINGS.has(w.code) && (w.code === 'verify-failed' || ids.some((id) => w.message.includes(id))));
}
