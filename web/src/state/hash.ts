// Deep links: archive-local state in the URL hash, e.g.
//   #src=examples/demo.tar&image=0&layer=3&view=merged&path=/etc/app/config.ini&tab=files&mode=text
// `src` is only set for archives hosted next to the page (same origin); for a
// local file, `archive` names it so the state applies once it is opened again.

export type TreeView = 'layer' | 'merged';
export type Tab = 'files' | 'history' | 'config';
export type ViewerMode = 'auto' | 'text' | 'hex' | 'image';

export interface LinkState {
  src?: string;
  archive?: string;
  image?: number;
  layer?: number;
  view?: TreeView;
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
  if (view === 'layer' || view === 'merged') st.view = view;
  const path = q.get('path');
  if (path) st.path = path.startsWith('/') ? path : '/' + path;
  const tab = q.get('tab');
  if (tab === 'files' || tab === 'history' || tab === 'config') st.tab = tab;
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
  if (st.path) q.set('path', st.path);
  if (st.tab && st.tab !== 'files') q.set('tab', st.tab);
  if (st.mode && st.mode !== 'auto') q.set('mode', st.mode);
  const s = q.toString().replace(/%2F/g, '/');
  return s ? '#' + s : '';
}
