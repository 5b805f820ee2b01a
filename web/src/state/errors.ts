// The one place that turns whatever a request threw into the error envelope the
// page shows ({code, message, where}), and a code into its plain-words title.
// Components render envelopes; they never look inside an exception themselves.
import { CoreError, isCancelled, type ErrorEnvelope } from '../engine';
import { looksLikeText } from './sniff';

export type { ErrorEnvelope };

const TITLES: Record<string, string> = {
  io: 'The file could not be read',
  truncated: 'The archive ends too early (truncated download or copy?)',
  corrupt: 'The archive is damaged',
  unsupported: 'This kind of archive is not supported',
  'not-found': 'Not found',
  'invalid-argument': 'That request is not valid',
  ambiguous: 'That name is ambiguous',
  limit: 'A safety limit was reached',
  cancelled: 'Cancelled',
  'not-an-image': 'This is not a container image archive',
  internal: 'Internal error',
  fatal: 'The inspector crashed on this input',
  load: 'The inspector could not start',
  protocol: 'The page and its worker disagree (reload the page)',
};

/** "The archive is damaged" for "corrupt"; "Error" for a code we do not know. */
export function errorTitle(code: string): string {
  return TITLES[code] ?? 'Error';
}

/**
 * The envelope of anything a request rejected with: a CoreError keeps its own;
 * anything else is an internal error with its text. `cancelled`, when given,
 * replaces the message of a cancellation ("Opening was cancelled.").
 */
export function toEnvelope(e: unknown, cancelled?: string): ErrorEnvelope {
  if (cancelled !== undefined && isCancelled(e)) return { code: 'cancelled', message: cancelled, where: '' };
  return e instanceof CoreError ? e.envelope : { code: 'internal', message: String(e), where: '' };
}

/** The message alone (a CoreError's message, or the thrown value as text). */
export function errorMessage(e: unknown): string {
  return e instanceof CoreError ? e.message : String(e);
}

export function isCancelledEnvelope(e: { code: string } | null | undefined): boolean {
  return e?.code === 'cancelled';
}

/** One line for an inline error: "Not found: no such path". */
export function errorLine(e: ErrorEnvelope): string {
  return `${errorTitle(e.code)}: ${e.message}`;
}

/**
 * Codes of a failure that opening the same file again will meet again: the
 * page offers no "Try again" for them (only a read error, a worker that could
 * not start or an unexpected internal error may pass).
 */
const REPEATS = new Set(['truncated', 'corrupt', 'unsupported', 'not-an-image', 'limit', 'invalid-argument', 'ambiguous', 'fatal', 'not-found']);

export function failureRepeats(code: string): boolean {
  return REPEATS.has(code);
}

/** What the page expects to be given, said when something else was. */
export const EXPECTED_ARCHIVE =
  'Expected: a container image archive — the .tar that docker save, podman save, skopeo copy … docker-archive: or oci-archive:, buildah or ctr export write (plain or gzip/zstd/xz/bzip2-compressed).';

/**
 * What a file that failed to open looks like from its first bytes, when that
 * explains the failure better than the archive reader can ("a JSON document"),
 * or null when it looks like an archive (or nothing recognisable).
 */
export function whatFileIs(head: Uint8Array, name: string): string | null {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 512)).replace(/^\uFEFF/, '').trimStart();
  const tarMagic = head.length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === 'ustar';
  if (tarMagic) return null;
  if (/^[{[]/.test(text) || /\.json$/i.test(name)) {
    return 'This is a JSON document, not an image archive (perhaps a manifest.json, index.json or image config taken out of one).';
  }
  if (head[0] === 0x50 && head[1] === 0x4b) return 'This is a ZIP file, not a tar image archive.';
  if (head.length && looksLikeText(head)) return 'This is a text file, not an image archive.';
  return null;
}
