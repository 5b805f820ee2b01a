// Types of the `layerscope` package: the <layer-scope> element (registered on
// import) and setAssetBase. The source of truth is web/src/element/layer-scope.ts;
// web/e2e/package.spec.ts compiles a consumer against this file.

/** Where the user is in the archive (the element's deep-link state). */
export interface LayerScopeLink {
  src?: string;
  archive?: string;
  image?: number;
  layer?: number;
  view?: 'layer' | 'merged';
  path?: string;
  tab?: LayerScopeTab;
  mode?: 'auto' | 'text' | 'hex' | 'image';
}

export type LayerScopeTab = 'files' | 'history' | 'config' | 'compare' | 'space' | 'findings';

/** What select() takes: the same as the selection attributes. */
export interface LayerScopeSelection {
  /** A tag ("repo:tag"; a bare repo means :latest), an image ID or a prefix of it, or an index. */
  image?: string | number;
  /** 0 = the base layer. */
  layer?: number;
  view?: 'layer' | 'merged';
  /** "/etc/app/config.ini" */
  path?: string;
  tab?: LayerScopeTab;
}

export interface LayerScopeReadyDetail {
  name: string;
  /** The archive's summary (the `layerscope inspect --json` document without layer entries). */
  summary: unknown;
}
export interface LayerScopeErrorDetail {
  code: string;
  message: string;
  where: string;
  title: string;
}
export interface LayerScopeNavigateDetail {
  link: LayerScopeLink;
  hash: string;
}

export interface LayerScopeEventMap extends HTMLElementEventMap {
  'layerscope-ready': CustomEvent<LayerScopeReadyDetail>;
  'layerscope-error': CustomEvent<LayerScopeErrorDetail>;
  'layerscope-navigate': CustomEvent<LayerScopeNavigateDetail>;
  'layerscope-close': CustomEvent<{ session: unknown }>;
}

export declare class LayerScope extends HTMLElement {
  /** An archive to fetch and show: same-origin path or URL (read by HTTP Range requests where the server allows). */
  src: string;
  theme: 'auto' | 'light' | 'dark';
  /** Keep the selection in location.hash (one element per page should). */
  routing: boolean;
  image: string | null;
  layer: string | null;
  view: string | null;
  path: string | null;
  tab: string | null;
  /** The archive to show (set it to open one). */
  file: File | null;
  /** Opens a File, or an archive at a URL. */
  open(fileOrUrl: File | string): Promise<void>;
  /** Moves the selection (applied once the summary is known when it is not yet). */
  select(selection: LayerScopeSelection): void;
  /** Closes the archive the element opened. */
  close(): void;
  openFiles(files: Iterable<File>): void;
  openUrl(url: string): Promise<void>;
  focusMain(): void;
  addEventListener<K extends keyof LayerScopeEventMap>(type: K, listener: (this: LayerScope, ev: LayerScopeEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof LayerScopeEventMap>(type: K, listener: (this: LayerScope, ev: LayerScopeEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** Where layerscope-worker.js and layerscope_core.wasm are served from when not
 *  next to layerscope.js (e.g. after bundling). Call before the first archive opens. */
export declare function setAssetBase(url: string | URL): void;

declare global {
  interface HTMLElementTagNameMap {
    'layer-scope': LayerScope;
  }
}
