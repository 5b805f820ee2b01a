// The one place that turns whatever a request threw into the error envelope the
// page shows ({code, message, where}), and a code into its plain-words title.
// Components render envelopes; they never look inside an exception themselves.
import { CoreError, isCancelled, type ErrorEnvelope } from '../engine';

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
