// <layer-scope>: the embeddable viewer of ONE container image archive — what a
// docs page puts in its HTML. No landing page, no drop zone, no tabs; it
// leaves location.hash alone unless asked (`routing`). The standalone page's
// shell (<layer-scope-app>, app/) shows its current archive through it.
//
//   <layer-scope src="images/demo.tar"></layer-scope>
//   el.file = fileFromAnInput;            // or el.openFiles([file])
//
// Attributes
//   src="…"        an archive to show, read by Range requests (relative to the page, or on
//                  another origin whose server allows it: CORS, and this page's connect-src)
//   image="…"      the image shown: a tag (repo:tag; a bare repo means :latest),
//                  an image ID or its prefix, or an index ("0")
//   layer="N"      the layer selected (0 = the base; default the top one)
//   view="…"       layer | merged: the layer's own changes or the merged tree
//   path="/…"      the file or directory selected
//   tab="…"        files | history | config | compare | space | findings
//                  These five deep-link the element: applied once the summary
//                  is known, and kept in step with the user's selection (the
//                  element writes them back as the user moves).
//   theme="…"      light | dark | auto (default: follow the system)
//   routing        read the deep link in location.hash (#src=…&layer=…&path=…)
//                  on load and on change, and keep it in step while browsing
//   no-hash        accepted for pages written for the earlier element (the
//                  hash is left alone anyway unless `routing` is set)
// Properties
//   file: File | null            the archive to show (set it to open one)
//   session: ArchiveSession      an archive opened by someone else (the shell);
//                                the element shows it and does not dispose it
//   current: ArchiveSession|null (read-only) the archive shown
//   open(fileOrUrl)              a File, or a URL (a path, or an address CORS allows)
//   select({image, layer, view, path, tab})  moves the selection (as the attributes)
//   openFiles(files), openUrl(url), close()
// Events (bubbling, composed)
//   layerscope-ready     detail { name, summary }: the archive is open
//   layerscope-error     detail { code, message, where, title }: opening failed
//   layerscope-navigate  detail { link, hash }: the user moved (image, layer, view, path, tab, mode)
//   layerscope-close     detail { session }: the user closed a failed or stopped archive
// Size: 640px tall unless the page sizes it; the views adapt to its width.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ArchiveSession } from '../state/session';
import { formatHash, linkTargets, parseHash, type LinkState, type Tab, type TreeView } from '../state/hash';
import { formatBytes, formatDuration, formatRate } from '../state/format';
import { EXPECTED_ARCHIVE, errorTitle, failureRepeats, isCancelledEnvelope } from '../state/errors';
import { fetchFile, fetchedSource, type FetchProgress } from '../state/fetch';
import type { UrlSource } from '../engine';
import { findImage, phaseText } from '../state/labels';
import { phasePercent, type PhaseProgress } from '../state/progress';
import { setStyle } from '../components/set-style';
import { barFill } from '../styles/controls';
import { HashSync } from './routing';
import { RenderApart } from '../components/update-apart';
import { layerScopeStyles } from './layer-scope.styles';
import '../components/archive-view';

export type Theme = 'auto' | 'light' | 'dark';

/** The attributes that deep-link the selection. */
const SELECTION = ['image', 'layer', 'view', 'path', 'tab'] as const;
type SelectionKey = (typeof SELECTION)[number];

@customElement('layer-scope')
export class LayerScope extends RenderApart(LitElement) {
  static styles = layerScopeStyles;

  @property() src = '';
  @property({ reflect: true }) theme: Theme = 'auto';
  @property({ type: Boolean }) routing = false;
  @property({ type: Boolean, attribute: 'no-hash' }) noHash = false;
  @property({ reflect: true }) image: string | null = null;
  @property({ reflect: true }) layer: string | null = null;
  @property({ reflect: true }) view: string | null = null;
  @property({ reflect: true }) path: string | null = null;
  @property({ reflect: true }) tab: string | null = null;
  @property({ attribute: false }) file: File | null = null;
  /** An archive owned by the caller (the app shell): shown, never disposed here. */
  @property({ attribute: false }) session: ArchiveSession | null = null;
  /** Changes when the caller's session changed (the shell re-renders through it). */
  @property({ attribute: false }) version: unknown = 0;

  @state() private own: ArchiveSession | null = null;
  @state() private tick = 0;
  @state() private fetching: FetchProgress | null = null;
  @state() private fetchError = '';

  private hash = new HashSync();
  /** what was last announced, so each event fires once */
  private announced = new WeakMap<ArchiveSession, string>();
  private lastHash = '';

  /** The archive shown. */
  get current(): ArchiveSession | null {
    return this.session ?? this.own;
  }

  private get routed(): boolean {
    return this.routing && !this.noHash;
  }

  connectedCallback(): void {
    super.connectedCallback();
    // Its first render (the opening view) in a task after the hosting page's
    // render that created it (together 5-25 ms quiet, 51 ms once in `make bench`)
    this.apart.arm();
    window.addEventListener('hashchange', this.onHashChange);
    // A deep link to a hosted archive, when the page gave none.
    if (this.routed && !this.src && !this.file && !this.session) {
      const st = parseHash(location.hash);
      if (st.src) void this.openUrl(st.src);
    }
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.hash.cancel();
  }

  /** Shows the last of `files` (one archive at a time). */
  openFiles(files: Iterable<File>, src?: string): void {
    const all = Array.from(files);
    if (all.length) this.openOwn(all[all.length - 1], src);
  }

  /** Opens an archive by its URL (Range requests, or a streamed download) and shows it. */
  async openUrl(url: string): Promise<void> {
    this.fetchError = '';
    const r = await fetchFile(url, (p) => (this.fetching = p));
    this.fetching = null;
    if ('error' in r) this.fetchError = r.error;
    else {
      const f = fetchedSource(r);
      this.openOwn(f.source, url);
      if (this.own) this.own.onDispose = f.onDispose ?? null;
    }
  }

  /** Opens a File, or an archive at a URL (as the src attribute). */
  open(fileOrUrl: File | string): Promise<void> {
    if (typeof fileOrUrl === 'string') return this.openUrl(fileOrUrl);
    this.openOwn(fileOrUrl, undefined);
    return Promise.resolve();
  }

  /** Moves the selection: any of image (tag, ID prefix or index), layer, view,
   *  path, tab; before the summary is known it is applied once it is. */
  select(sel: { image?: string | number; layer?: number; view?: TreeView; path?: string; tab?: Tab }): void {
    if (sel.image !== undefined) this.image = String(sel.image);
    if (sel.layer !== undefined) this.layer = String(sel.layer);
    if (sel.view !== undefined) this.view = sel.view;
    if (sel.path !== undefined) this.path = sel.path;
    if (sel.tab !== undefined) this.tab = sel.tab;
  }

  /** The link state the attributes ask for (undefined where unset or not understood). */
  private attributeLink(): LinkState {
    const st = parseHash(
      '#' +
        new URLSearchParams(
          Object.entries({ layer: this.layer, view: this.view, path: this.path, tab: this.tab }).filter((e): e is [string, string] => !!e[1]),
        ).toString(),
    );
    const s = this.current;
    if (this.image && s?.summary) {
      const i = findImage(s.summary.images, this.image);
      if (i >= 0) st.image = i;
    }
    return Object.fromEntries(Object.entries(st).filter(([, v]) => v !== undefined)) as LinkState;
  }

  /** Moves the keyboard focus into the archive: its selected layer (or the error card's first button). */
  focusMain(): void {
    const view = this.renderRoot.querySelector('ls-archive-view');
    if (view) view.focusPane('layers');
    else this.renderRoot.querySelector<HTMLElement>('.card button')?.focus();
  }

  /** Closes the archive the element opened itself (a caller's session is the caller's to close). */
  close(): void {
    const s = this.current;
    if (!s) return;
    this.dispatchEvent(new CustomEvent('layerscope-close', { detail: { session: s }, bubbles: true, composed: true }));
    if (s === this.own) {
      s.dispose();
      this.own = null;
      this.file = null;
    }
  }

  private openOwn(source: File | UrlSource, src?: string): void {
    this.own?.dispose();
    const s = new ArchiveSession(source, src, () => this.tick++);
    if (this.routed) {
      const st = parseHash(location.hash);
      if (linkTargets(st, s.name, src) || (!st.archive && !st.src)) s.pending = st;
    }
    // The selection attributes the page gave — not those the element wrote back
    // for the archive before (they are dropped) — apply to the new one.
    for (const k of SELECTION) if (this[k] !== null && this[k] === this.written[k]) this[k] = null;
    this.written = {};
    this.own = s;
    const st = this.attributeLink();
    if (Object.keys(st).length) s.pending = { ...(s.pending ?? {}), ...st };
    // The image by tag or ID once the summary is known (also when set while opening).
    s.onSummary = (sum) => {
      const i = this.image ? findImage(sum.images, this.image) : -1;
      if (i >= 0) s.pending = { ...(s.pending ?? {}), image: i };
    };
    void s.open();
    this.apart.arm();
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    // The page's changes only: a value the element wrote back itself is not one.
    const selection = SELECTION.filter((k) => changed.has(k) && this[k] !== this.written[k]);
    const s = this.current;
    if (selection.length && s) {
      const st = this.attributeLink();
      if (s.status === 'ready') {
        // Only what changed moves (the rest stays where the user put it); a
        // value that names nothing (an unknown tag) is ignored.
        const cur = s.link();
        const next: LinkState = { ...cur };
        let moved = false;
        for (const k of selection) {
          const v = st[k as keyof LinkState];
          if (v === undefined) continue;
          (next as Record<string, unknown>)[k] = v;
          moved = true;
        }
        if (next.image !== cur.image) {
          // Another image: its top layer and its root, unless given too.
          if (!selection.includes('layer') || st.layer === undefined) next.layer = undefined;
          if (!selection.includes('path') || st.path === undefined) next.path = undefined;
          next.view = next.view ?? cur.view;
        }
        if (moved) {
          s.applyLink(next);
          s.notify();
        }
      } else s.pending = { ...(s.pending ?? {}), ...st };
    }
    if (changed.has('file') && this.file && this.file !== this.own?.file) this.openOwn(this.file, undefined);
    if (changed.has('src') && this.src && !this.session && !(this.own && this.own.src === this.src)) void this.openUrl(this.src);
  }

  protected updated(): void {
    const s = this.current;
    if (!s) return;
    const last = this.announced.get(s);
    if (s.status === 'ready' && last !== 'ready') {
      this.announced.set(s, 'ready');
      // The attributes say where it opened before the page hears of it (a
      // select() in the handler is then the page's own move).
      const link = s.link();
      this.lastHash = formatHash(link);
      this.writeBack(s, link);
      this.emit('layerscope-ready', { name: s.name, summary: s.summary });
      this.emit('layerscope-navigate', { link, hash: this.lastHash });
    } else if (s.status === 'error' && last !== 'error' && s.error) {
      this.announced.set(s, 'error');
      this.emit('layerscope-error', { ...s.error, title: errorTitle(s.error.code) });
    } else if (s.status === 'opening') this.announced.delete(s);
    if (s.status !== 'ready') return;
    const link = s.link();
    const h = formatHash(link);
    if (h !== this.lastHash) {
      this.lastHash = h;
      this.writeBack(s, link);
      this.emit('layerscope-navigate', { link, hash: h });
    }
    if (this.routed) this.hash.write(link);
  }

  /** The values the element last wrote into the selection attributes (to tell
   *  them apart from the page's own). */
  private written: Partial<Record<SelectionKey, string | null>> = {};
  /** Keeps the selection attributes in step with where the user is. */
  private writeBack(s: ArchiveSession, link: LinkState): void {
    const images = s.summary?.images ?? [];
    const at = link.image ?? 0;
    const tag = images[at]?.tags.find((t) => findImage(images, t) === at);
    const want: Record<SelectionKey, string | null> = {
      // The image as the page named it, when that still names it; else a tag naming it alone, or its index.
      image: this.image && findImage(images, this.image) === at ? this.image : tag ?? String(at),
      layer: link.layer !== undefined ? String(link.layer) : null,
      view: link.view ?? null,
      path: link.path ?? null,
      tab: link.tab ?? 'files',
    };
    for (const k of SELECTION) {
      this.written[k] = want[k];
      if (this[k] !== want[k]) this[k] = want[k];
    }
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  private onHashChange = (): void => {
    if (!this.routed || this.hash.writing) return;
    this.hash.followed();
    const st = parseHash(location.hash);
    const cur = this.current;
    if (cur && ((st.src && st.src === cur.src) || (st.archive && st.archive === cur.name))) {
      cur.applyLink(st);
      this.tick++;
    }
  };

  render() {
    const s = this.current;
    return html`<div class="frame">${s ? this.renderSession(s) : this.renderEmpty()}</div>`;
  }

  private renderEmpty() {
    if (this.fetching) {
      const { url, done, total } = this.fetching;
      return html`<div class="status">
        <div class="card" id="progress" role="status" aria-live="polite">
          <h2>Fetching <span class="mono">${url}</span></h2>
          <div class="bar indeterminate"><div></div></div>
          <div class="numbers"><span>${formatBytes(done)}${total ? ` of ${formatBytes(total)}` : ''}</span></div>
        </div>
      </div>`;
    }
    if (this.fetchError) {
      return html`<div class="status">
        <div class="card error-card" id="open-error" role="alert">
          <h2>Could not fetch the archive</h2>
          <p>${this.fetchError}</p>
        </div>
      </div>`;
    }
    return html`<div class="empty">No archive to show.</div>`;
  }

  private renderSession(s: ArchiveSession) {
    if (s.status === 'opening') return this.renderProgress(s);
    if (s.status === 'error' || s.status === 'cancelled') return this.renderError(s);
    // A written archive re-opened from the export dialog: the hosting page opens it
    // (as one more tab); a stand-alone element shows it in place.
    return html`<ls-archive-view
      .session=${s}
      .version=${this.session ? this.version : this.tick}
      @ls-open-files=${(e: CustomEvent<File[]>) => {
        if (this.session) return;
        e.stopPropagation();
        this.openFiles(e.detail);
      }}
    ></ls-archive-view>`;
  }

  private renderProgress(s: ArchiveSession) {
    const elapsed = performance.now() - s.openedAt;
    return html`<div class="status">
      <div class="card" id="progress" role="status" aria-live="polite">
        <h2>Opening ${s.name}</h2>
        <div class="muted">${formatBytes(s.size)} · ${formatDuration(elapsed)}${s.phases.length ? nothing : ' · starting the inspector…'}</div>
        ${s.phases.length ? s.phases.map((p) => this.renderPhase(p)) : html`<div class="bar indeterminate"><div></div></div>`}
        <div class="row-buttons">
          <button class="btn" id="cancel" @click=${() => s.cancel()}>Cancel</button>
        </div>
      </div>
    </div>`;
  }

  /** One phase of the opening: its name, its own bar, and numbers that agree with the bar. */
  private renderPhase(p: PhaseProgress) {
    const pct = phasePercent(p);
    return html`<div class="phase" data-phase=${p.phase} data-complete=${p.complete ? 'true' : 'false'}>
      <div class="phase-name">${phaseText(p.phase, '')}${p.complete ? ' — done' : ''}</div>
      <div class="bar" role="progressbar" aria-label=${phaseText(p.phase, '')} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${pct}>
        <div ${setStyle(barFill(pct / 100))}></div>
      </div>
      <div class="numbers">
        <span class="pct">${formatBytes(p.done)} of ${formatBytes(p.total)} (${pct}%)</span>
        ${p.complete ? nothing : html`<span>${formatRate(p.rate)}</span>`}
      </div>
      ${p.detail && !p.complete ? html`<div class="phase-detail mono" title=${p.detail}>${p.detail}</div>` : nothing}
    </div>`;
  }

  private renderError(s: ArchiveSession) {
    const e = s.error ?? { code: 'internal', message: 'unknown error', where: '' };
    const cancelled = s.status === 'cancelled' || isCancelledEnvelope(e);
    const retry = cancelled || !failureRepeats(e.code);
    return html`<div class="status">
      <div class=${cancelled ? 'card' : 'card error-card'} id="open-error" role="alert" data-code=${e.code}>
        <h2>${cancelled ? `Stopped opening ${s.name}` : s.fileKind ? `${s.name} is not an image archive` : errorTitle(e.code)}</h2>
        ${cancelled
          ? html`<p class="muted">Nothing more is read from the file. You can start again or close it.</p>`
          : html`${s.fileKind ? html`<p id="file-kind">${s.fileKind}</p><p class="muted" id="expected">${EXPECTED_ARCHIVE}</p>` : nothing}
              <p class="message">${s.fileKind ? `The reader said: ${e.message}` : e.message}</p>
              ${e.where ? html`<div class="where">at ${e.where}</div>` : nothing}
              <p class="muted">${s.name} · ${formatBytes(s.size)} · code <span class="mono">${e.code}</span></p>`}
        <div class="row-buttons">
          ${retry ? html`<button class="btn" id="retry" @click=${() => void s.open()}>${cancelled ? 'Open again' : 'Try again'}</button>` : nothing}
          <button class="btn" @click=${() => this.close()}>Close</button>
        </div>
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-scope': LayerScope;
  }
}
