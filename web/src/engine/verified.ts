// A verification's findings laid over the browsing worker's summary. The page
// verifies in a worker of its own; for a local file that worker hashes without
// indexing the layers (wasm/protocol.ts: VerifyRequest.hostHash), so its
// summary lacks what indexing adds (entry counts, entry warnings). What a
// verification adds is taken from it: the computed digests, diff_ids and
// uncompressed sizes on the layers, and the verdict warnings.
import type { InspectDocument, Warning } from '../../../wasm/protocol';

/** The warning codes a verification writes (core digest/verify.cpp: clear_verify_warnings). */
export const VERIFY_CODES: ReadonlySet<string> = new Set(['digest-mismatch', 'diff-id-mismatch', 'verify-failed']);

/** `base` with `verified`'s verdicts (both summaries of the same archive). */
export function withVerification(base: InspectDocument, verified: InspectDocument): InspectDocument {
  const images = base.images.map((img, i) => {
    const v = verified.images[i];
    if (!v) return img;
    return {
      ...img,
      layers: img.layers.map((l, j) => {
        const w = v.layers[j];
        if (!w) return l;
        const out = { ...l };
        if (w.computed_digest) out.computed_digest = w.computed_digest;
        if (w.computed_diff_id) out.computed_diff_id = w.computed_diff_id;
        if (out.uncompressed_size == null && w.uncompressed_size != null) out.uncompressed_size = w.uncompressed_size;
        return out;
      }),
    };
  });
  const warnings: Warning[] = [...base.warnings.filter((w) => !VERIFY_CODES.has(w.code)), ...verified.warnings.filter((w) => VERIFY_CODES.has(w.code))];
  return { ...base, images, warnings };
}
