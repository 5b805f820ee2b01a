// Digest verification, in plain terms: per layer, does the stored blob hash to
// the digest it is referenced by, and does the uncompressed tar hash to the
// config's diff_id? Pure logic over the summary (no DOM).
import { VERIFY_CODES, type InspectDocument, type LayerDoc } from '../engine';
import { formatCount } from './format';

/** ok: hashed and equal; bad: hashed and different; unchecked: not hashed, or nothing to compare with. */
export type Check = 'ok' | 'bad' | 'unchecked';

export interface LayerChecks {
  digest: Check;
  diffId: Check;
}

function check(expected: string | null | undefined, computed: string | undefined): Check {
  if (!computed || !expected) return 'unchecked';
  return computed === expected ? 'ok' : 'bad';
}

export function layerChecks(l: LayerDoc): LayerChecks {
  return { digest: check(l.digest, l.computed_digest), diffId: check(l.diff_id, l.computed_diff_id) };
}

export interface VerifyTally {
  /** layers of all images */
  layers: number;
  /** both checks ok, or one ok and the other has nothing to compare with */
  ok: number;
  /** at least one check failed */
  bad: number;
  /** nothing could be checked (layer not stored, unreadable) */
  unchecked: number;
}

export function verifyTally(doc: InspectDocument): VerifyTally {
  const t: VerifyTally = { layers: 0, ok: 0, bad: 0, unchecked: 0 };
  for (const im of doc.images)
    for (const l of im.layers) {
      t.layers++;
      const c = layerChecks(l);
      if (c.digest === 'bad' || c.diffId === 'bad') t.bad++;
      else if (c.digest === 'ok' || c.diffId === 'ok') t.ok++;
      else t.unchecked++;
    }
  return t;
}

/** Warning codes that verification adds (one set with the engine's merge of verdicts). */
export const VERIFY_WARNINGS = VERIFY_CODES;

/** The one-line verdict of a verification, in agreeing singular and plural. */
export function verifyVerdict(t: VerifyTally): string {
  const layers = `${formatCount(t.layers)} ${t.layers === 1 ? 'layer' : 'layers'}`;
  if (t.bad) {
    const one = t.bad === 1;
    return `✗ ${formatCount(t.bad)} ${one ? 'layer' : 'layers'} of ${formatCount(t.layers)} ${one ? 'does' : 'do'} not match ${one ? 'its' : 'their'} digest or diff_id`;
  }
  if (!t.ok) return 'No layer could be checked.';
  if (t.ok === t.layers) return t.layers === 1 ? '✓ The layer matches its digest and diff_id' : `✓ All ${layers} match their digest and diff_id`;
  return `✓ ${formatCount(t.ok)} of ${layers} ${t.ok === 1 ? 'matches its' : 'match their'} digest and diff_id`;
}
