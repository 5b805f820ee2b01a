// "Changes in layers I..J" (issue 9): the core's diff of the filesystem before
// layer I against the one after layer J, as one page of tree entries (the same
// columns as a layer's listing), so the file tree shows it with A/M/D like a
// layer's own changes. Pure: unit-tested.
import { CHANGES, ENTRY_TYPES, newEntryPage, type EntryPage } from '../engine';
import type { TreeDiff } from '../engine';
import type { TreeModel } from './tree';

const typeIdx = new Map<string, number>(ENTRY_TYPES.map((t, i) => [t, i]));
const changeIdx = new Map<string, number>(CHANGES.map((c, i) => [c, i]));

/** The rows of a layer-range diff as an EntryPage for buildTree (`layer` = the
 *  range's last layer). A deleted path is a `deleted` entry, as in a layer's
 *  listing; the others carry their entry as the merged tree after the range has
 *  it (`after`: type, size, mode, owner, time, link, the layer that wrote it),
 *  else what the diff row says. */
export function diffPage(d: TreeDiff, layer: number, after?: TreeModel): EntryPage {
  const rows = d.changes;
  const n = rows.length;
  const page = newEntryPage(n, layer);

  const other = ENTRY_TYPES.indexOf('other');
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    const deleted = r.change === 'deleted';
    const [uid, gid] = (deleted ? r.owner_before : r.owner_after ?? r.owner_before)?.split(':').map(Number) ?? [0, 0];
    const mode = deleted ? r.mode_before : r.mode_after ?? r.mode_before;
    page.paths[i] = r.path;
    page.links[i] = (deleted ? r.link_before : r.link_after) ?? '';
    page.types[i] = deleted ? ENTRY_TYPES.indexOf('deleted') : typeIdx.get(r.type) ?? other;
    page.changes[i] = changeIdx.get(r.change) ?? 0;
    page.layers[i] = (deleted ? r.layer_before : r.layer_after) ?? layer;
    page.sizes[i] = (deleted ? r.size_before : r.size_after) ?? 0;
    page.modes[i] = mode ? parseInt(mode, 8) & 0o7777 : 0;
    page.uids[i] = uid || 0;
    page.gids[i] = gid || 0;
    const k = deleted || !after ? undefined : after.byPath.get(r.path);
    if (k !== undefined) {
      page.links[i] = after!.links[k];
      page.types[i] = after!.type[k];
      page.layers[i] = after!.layerOf[k];
      page.sizes[i] = after!.size[k];
      page.modes[i] = after!.mode[k];
      page.uids[i] = after!.uid[k];
      page.gids[i] = after!.gid[k];
      page.mtimes[i] = after!.mtime[k];
    }
  }
  return page;
}
