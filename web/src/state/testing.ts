// Helpers of the state/ unit tests (node, vitest): listings built the way the
// engine delivers them, without a worker.
import { CHANGES, ENTRY_TYPES, type EntryPage } from '../engine';

export interface Row {
  path: string;
  type?: (typeof ENTRY_TYPES)[number];
  change?: (typeof CHANGES)[number];
  layer?: number;
  size?: number;
  mode?: number;
  link?: string;
  implicit?: boolean;
}

/** One EntryPage holding `rows` (in order). */
export function page(rows: Row[], layer = 0): EntryPage {
  const n = rows.length;
  return {
    total: n,
    offset: 0,
    hasMore: false,
    layer,
    count: n,
    paths: rows.map((r) => r.path),
    links: rows.map((r) => r.link ?? ''),
    types: Uint8Array.from(rows.map((r) => ENTRY_TYPES.indexOf(r.type ?? 'file'))),
    changes: Uint8Array.from(rows.map((r) => CHANGES.indexOf(r.change ?? 'added'))),
    layers: Int16Array.from(rows.map((r) => r.layer ?? layer)),
    sizes: Float64Array.from(rows.map((r) => r.size ?? 0)),
    modes: Uint16Array.from(rows.map((r) => r.mode ?? 0o644)),
    uids: new Uint32Array(n),
    gids: new Uint32Array(n),
    mtimes: new Float64Array(n),
    flags: Uint8Array.from(rows.map((r) => (r.implicit ? 1 : 0))),
    warnings: [],
  };
}
