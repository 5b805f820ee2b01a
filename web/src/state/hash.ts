// Deep links: archive-local state in the URL hash, e.g.
//   #src=examples/demo.tar&image=0&layer=3&view=merged&path=/etc/app/config.ini&tab=files&mode=text
// `src` is only set for archives hosted next to the page (same origin); for a
// local file, `archive` names it so the state applies once it is opened again.

/** layer: what one layer changed; merged: the filesystem after it; range: what
 *  layers `from`..layer changed together (the filesystem before `from` against
 *  the one after layer). */
export type TreeView = 'layer' | 'merged' | 'range';
export type Tab = 'files' | 'history' | 'config' | 'compare' | 'space' | 'findings';
export const TABS: readonly Tab[] = ['files', 'history', 'config', 'compare', 'space', 'findings'];
export type ViewerMode = 'auto' | 'text' | 'hex' | 'image';

export interface LinkState {
  src?: string;
  archive?: string;
  image?: number;
  layer?: number;
  view?: TreeView;
  /** view range: its first layer */
  from?: number;
  path?: string;
  tab?: Tab;
  mode?: ViewerMode;
}

const int = (s: string | null): number | undefined => (s !== null && /^-?\d+$/.test(s) ? Number(s) : undefined);

export function parseHash(hash: string): LinkState {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const st: LinkState = {};
  const src = q.get('src');
  if (src) st.src = src;
  const archive = q.get('archive');
  if (archive) st.archive = archive;
  st.image = int(q.get('image'));
  st.layer = int(q.get('layer'));
  const view = q.get('view');
  if (view === 'layer' || view === 'merged' || view === 'range') st.view = view;
  st.from = int(q.get('from'));
  const path = q.get('path');
  if (path) st.path = path.startsWith('/') ? path : '/' + path;
  const tab = q.get('tab');
  if ((TABS as readonly string[]).includes(tab ?? '')) st.tab = tab as Tab;
  const mode = q.get('mode');
  if (mode === 'text' || mode === 'hex' || mode === 'image') st.mode = mode;
  return st;
}

export function formatHash(st: LinkState): string {
  const q = new URLSearchParams();
  if (st.src) q.set('src', st.src);
  else if (st.archive) q.set('archive', st.archive);
  if (st.image !== undefined) q.set('image', String(st.image));
  if (st.layer !== undefined) q.set('layer', String(st.layer));
  if (st.view) q.set('view', st.view);
  if (st.view === 'range' && st.from !== undefined) q.set('from', String(st.from));
  if (st.path) q.set('path', st.path);
  if (st.tab && st.tab !== 'files') q.set('tab', st.tab);
  if (st.mode && st.mode !== 'auto') q.set('mode', st.mode);
  const s = q.toString().replace(/%2F/g, '/');
  return s ? '#' + s : '';
}

/** An open archive as the router sees it. */
export interface Routable {
  id: number;
  /** the same-origin URL it was fetched from, if any */
  src?: string;
  /** the file name */
  name: string;
}

/** Whether a link points into the archive named `name` (fetched from `src`). */
export function linkTargets(st: LinkState, name: string, src?: string): boolean {
  return st.archive === name || (!!src && st.src === src);
}

/**
 * What a changed hash asks of a page holding several archives:
 *   apply  - it points into the current archive: apply it there;
 *   fetch  - it names a hosted archive that is not open: fetch it (then apply);
 *   switch - it points into another open archive: make that current, apply;
 *   wait   - it names a local file that is not open: ask for it, apply on open;
 *   none   - it names no archive (leave everything as it is).
 */
export type Route = { kind: 'apply'; id: number } | { kind: 'fetch'; src: string } | { kind: 'switch'; id: number } | { kind: 'wait' } | { kind: 'none' };

export function routeHash(st: LinkState, current: Routable | null, open: readonly Routable[]): Route {
  if (current && ((st.src && st.src === current.src) || (st.archive && st.archive === current.name))) return { kind: 'apply', id: current.id };
  if (st.src && !open.some((s) => s.src === st.src)) return { kind: 'fetch', src: st.src };
  if (st.archive || st.src) {
    const other = open.find((s) => s.name === st.archive || (st.src && s.src === st.src));
    return other ? { kind: 'switch', id: other.id } : { kind: 'wait' };
  }
  return { kind: 'none' };
}

/** What a page does with the hash it starts with: fetch a hosted archive, wait for a local one, or nothing. */
export function routeStart(st: LinkState): Route {
  if (st.src) return { kind: 'fetch', src: st.src };
  if (st.archive) return { kind: 'wait' };
  return { kind: 'none' };
}

/**
 * How a change of place enters the browser's history: 'push' for a meaningful
 * move (another archive, image, layer, path or tab), so Back retraces it;
 * 'replace' for the rest (tree view, viewer mode) and for the first place an
 * archive shows (prev names no archive). 'path' is a move to another path alone,
 * which the caller may fold into the previous entry when the user is arrowing
 * through the tree.
 */
export function historyMove(prev: LinkState, next: LinkState): 'push' | 'path' | 'replace' {
  if (!prev.src && !prev.archive) return 'replace';
  const differs = (k: keyof LinkState) => (prev[k] ?? '') !== (next[k] ?? '');
  if (differs('src') || differs('archive') || (prev.image ?? 0) !== (next.image ?? 0) || differs('layer')) return 'push';
  if ((prev.tab ?? 'files') !== (next.tab ?? 'files')) return 'push';
  return differs('path') ? 'path' : 'replace';
}
