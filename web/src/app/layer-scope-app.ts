// <layer-scope-app>: the standalone page. Open archives by drop (anywhere on
// the page), file picker (Ctrl+O) or the example; several archives can be
// open, one per tab, one current — shown through the embeddable <layer-scope>
// (element/). Archive-local state lives in the URL hash (state/hash.ts).
//
// Attributes: theme="light|dark|auto" (default: follow the system, or what the
// user picked last), example-url="…" (same-origin archive for "Try the
// example"; "" hides it), no-hash (do not read or write location.hash).
// Properties: current (the ArchiveSession shown), openFiles(files), openUrl(url).
import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { SINGLE_FILE, prewarmWorker, whenIdle, type UrlSource } from '../engine';
import { ArchiveSession } from '../state/session';
import { linkTargets, parseHash, routeHash, routeStart, type LinkState } from '../state/hash';
import { formatBytes } from '../state/format';
import { phaseText } from '../state/labels';
import { phasePercent } from '../state/progress';
import { stripTarget } from '../state/keys';
import { fetchFile, fetchedSource, type FetchProgress } from '../state/fetch';
import { sweepOldOutputs } from '../state/export-files';
import { icons } from '../components/icons';
import { HashSync } from '../element/routing';
import { RenderApart } from '../components/update-apart';
import type { Theme } from '../element/layer-scope';
import '../element/layer-scope';
import '../components/key-sheet';
import type { KeySheet } from '../components/key-sheet';
import { FileDrop } from './file-drop';
import { cycleTheme, readSavedTheme, saveTheme, themeToggleLabel } from './theme';
import { layerScopeAppStyles } from './layer-scope-app.styles';
import { warmFonts } from '../styles/font-warm';
import { warmViewStyles } from '../components/archive-view';

@customElement('layer-scope-app')
export class LayerScopeApp extends RenderApart(LitElement) {
  static styles = layerScopeAppStyles;

  @property({ reflect: true }) theme: Theme = 'auto';
  @property({ attribute: 'example-url' }) exampleUrl = SINGLE_FILE ? '' : 'examples/demo.tar';
  @property({ type: Boolean, attribute: 'no-hash' }) noHash = false;

  @state() private sessions: ArchiveSession[] = [];
  @state() private currentId = 0;
  @state() private dragging = false;
  @state() private version = 0;
  /** deep link for an archive that is not open (yet) */
  @state() private waitingLink: LinkState | null = null;
  @state() private fetching: FetchProgress | null = null;
  @state() private fetchError: string | null = null;

  @query('input[type=file]') private fileInput!: HTMLInputElement;
  @query('ls-key-sheet') private keySheet?: KeySheet;
  private hash = new HashSync();
  private drop = new FileDrop(
    (on) => {
      this.dragging = on;
      if (on) prewarmWorker(true); // (files dragged over the page: a local archive comes)
    },
    (files) => this.openFiles(files),
  );

  connectedCallback(): void {
    super.connectedCallback();
    this.drop.attach(window);
    window.addEventListener('hashchange', this.onHashChange);
    void sweepOldOutputs(); // outputs of the export dialog left from earlier visits
    window.addEventListener('keydown', this.onKeyDown);
    window.addEventListener('beforeunload', this.onBeforeUnload);
    const saved = readSavedTheme();
    if (saved && !this.hasAttribute('theme')) this.theme = saved;
    if (!this.noHash) this.startFromHash();
    // While the user picks a file: start the first archive's worker and compile the
    // core, and draw the faces the archive's views use (styles/font-warm.ts), so
    // none of it is on the path from the chosen file to its summary; and build the
    // views' style sheets.
    const ahead = () => {
      prewarmWorker();
      const box = this.renderRoot.querySelector<HTMLElement>('#font-warm');
      if (box) warmFonts(box);
      warmViewStyles();
    };
    whenIdle(ahead, 1000, 200);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.drop.detach(window);
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('keydown', this.onKeyDown);
    window.removeEventListener('beforeunload', this.onBeforeUnload);
    this.hash.cancel();
  }

  /**
   * A reload (or leaving) keeps at most the archive in the hash: with other
   * archives open, the browser asks first (its own wording; pages cannot set it).
   */
  private onBeforeUnload = (e: BeforeUnloadEvent): void => {
    this.hash.flush(); // a move made just now is in the address a reload opens
    if (this.sessions.length < 2) return;
    e.preventDefault();
    e.returnValue = '';
  };

  /** The archive being shown. */
  get current(): ArchiveSession | null {
    return this.sessions.find((s) => s.id === this.currentId) ?? null;
  }

  /** Opens archives (File objects); the last one becomes current. */
  openFiles(files: Iterable<File | UrlSource>, src?: string): void {
    for (const f of files) {
      const s = new ArchiveSession(f, src, () => this.changed());
      if (this.waitingLink && linkTargets(this.waitingLink, s.name, src)) {
        s.pending = this.waitingLink;
        this.waitingLink = null;
      }
      this.sessions = [...this.sessions, s];
      this.currentId = s.id;
      void s.open();
      this.apart.arm();
    }
  }

  /** Opens an archive by URL (the example, or a deep link's src: this origin or, as
   *  ?src=, the one connect-policy.js allowed when the page loaded). */
  async openUrl(url: string): Promise<void> {
    this.fetchError = null;
    const r = await fetchFile(url, (p) => (this.fetching = p));
    this.fetching = null;
    if ('error' in r) this.fetchError = r.error;
    else {
      const f = fetchedSource(r);
      this.openFiles([f.source], url);
      const s = this.current;
      if (s) s.onDispose = f.onDispose ?? null;
    }
  }

  private changed(): void {
    this.version++;
  }

  private close(s: ArchiveSession): void {
    s.dispose();
    const i = this.sessions.indexOf(s);
    this.sessions = this.sessions.filter((x) => x !== s);
    if (this.currentId === s.id) {
      const next = this.sessions[Math.min(i, this.sessions.length - 1)];
      this.currentId = next ? next.id : 0;
    }
  }

  // ── hash ────────────────────────────────────────────────────────────────

  private startFromHash(): void {
    const st = parseHash(location.hash);
    // ?src=URL (a link a site can give without a hash): the same as #src=.
    const query = new URLSearchParams(location.search).get('src');
    if (query && !st.src && !st.archive) st.src = query;
    const r = routeStart(st);
    if (r.kind === 'none') return;
    this.waitingLink = st;
    if (r.kind === 'fetch') void this.openUrl(r.src);
  }

  private onHashChange = (): void => {
    if (this.noHash || this.hash.writing) return;
    this.hash.followed();
    const st = parseHash(location.hash);
    const r = routeHash(st, this.current, this.sessions);
    if (r.kind === 'apply') {
      this.current?.applyLink(st);
      this.changed();
    } else if (r.kind === 'fetch') {
      this.waitingLink = st;
      void this.openUrl(r.src);
    } else if (r.kind === 'switch') {
      const other = this.sessions.find((s) => s.id === r.id)!;
      this.currentId = other.id;
      other.applyLink(st);
    } else if (r.kind === 'wait') this.waitingLink = st;
  };

  protected updated(): void {
    if (this.noHash) return;
    const cur = this.current;
    if (!cur || cur.status !== 'ready') return;
    this.hash.write(cur.link());
  }

  /** Opens the file chooser; the workers a local archive wants start while the user picks. */
  private chooseFile = (): void => {
    prewarmWorker(true);
    this.fileInput?.click();
  };

  // ── keys, theme ─────────────────────────────────────────────────────────

  private onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'o' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.chooseFile();
    } else if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !inField(e)) {
      e.preventDefault();
      this.keySheet?.show();
    }
  };

  /** The skip link: past the header, to the archive's layers (or the landing page's button). */
  private skipToContent(): void {
    const el = this.renderRoot.querySelector('layer-scope');
    if (el) el.focusMain();
    else this.renderRoot.querySelector<HTMLElement>('#landing button')?.focus();
  }

  private cycleTheme(): void {
    this.theme = cycleTheme(this.theme);
    saveTheme(this.theme);
  }

  // ── render ──────────────────────────────────────────────────────────────

  render() {
    const cur = this.current;
    return html`
      <button class="skip" id="skip" @click=${this.skipToContent}>Skip to the archive</button>
      <div id="font-warm" aria-hidden="true"></div>
      <header>
        <div class="brand">${icons.logo}<span>layerscope</span></div>
        <div class="tabs" role="tablist" aria-label="Open archives">${this.sessions.map((s) => this.renderTab(s))}</div>
        <div class="actions">
          <button class="btn primary" id="open" @click=${this.chooseFile} title="Open an image archive (Ctrl+O)">
            ${icons.open}<span class="label">Open archive</span>
          </button>
          ${this.exampleUrl && this.sessions.length > 0
            ? html`<button class="btn" id="example" @click=${() => this.openUrl(this.exampleUrl)}>
                <span class="label">Example</span>
              </button>`
            : nothing}
          <button class="icon-btn" id="keys-button" @click=${() => this.keySheet?.show()} title="Keyboard (?)" aria-label="Keyboard shortcuts" aria-keyshortcuts="?">?</button>
          <button class="icon-btn" id="theme" @click=${this.cycleTheme} title=${themeToggleLabel(this.theme)} aria-label=${themeToggleLabel(this.theme)}>
            ${this.theme === 'auto' ? icons.auto : this.theme === 'light' ? icons.sun : icons.moon}
          </button>
        </div>
        <input
          type="file"
          id="file"
          multiple
          @change=${(e: Event) => {
            const inp = e.target as HTMLInputElement;
            if (inp.files?.length) this.openFiles(Array.from(inp.files));
            inp.value = '';
          }}
        />
      </header>
      ${this.renderNotice()}
      <main>
        ${cur
          ? html`<layer-scope
              .session=${cur}
              .version=${this.version}
              theme=${this.theme}
              @layerscope-close=${(e: CustomEvent<{ session: ArchiveSession }>) => this.close(e.detail.session)}
              @ls-open-files=${(e: CustomEvent<File[]>) => this.openFiles(e.detail)}
            ></layer-scope>`
          : this.renderLanding()}
      </main>
      <ls-key-sheet></ls-key-sheet>
      ${this.dragging ? html`<div class="overlay"><div>Drop to open — nothing is uploaded</div></div>` : nothing}
    `;
  }

  private renderTab(s: ArchiveSession) {
    const phase = s.status === 'opening' ? s.phases[s.phases.length - 1] : undefined;
    return html`<div
      class="tab"
      role="tab"
      tabindex=${s.id === this.currentId ? '0' : '-1'}
      aria-selected=${s.id === this.currentId ? 'true' : 'false'}
      title=${s.name}
      @click=${() => (this.currentId = s.id)}
      @keydown=${(e: KeyboardEvent) => this.onTabKey(e, s)}
    >
      <span class="name">${s.name}</span>
      ${s.status === 'opening' ? html`<span class="pct" title=${phase ? phaseText(phase.phase, '') : ''}>${phase ? `${phase.phase} ${phasePercent(phase)}%` : '…'}</span>` : nothing}
      ${s.status === 'error' ? html`<span class="bad">failed</span>` : nothing}
      <button
        class="x"
        title="Close"
        aria-label=${`Close ${s.name}`}
        @click=${(e: Event) => {
          e.stopPropagation();
          this.close(s);
        }}
      >
        ${icons.close}
      </button>
    </div>`;
  }

  /** Enter/Space shows a tab; ←/→/Home/End move along the strip and show (one Tab stop). */
  private onTabKey(e: KeyboardEvent, s: ArchiveSession): void {
    if (e.target !== e.currentTarget) return;
    const at = this.sessions.indexOf(s);
    const to = e.key === 'Enter' || e.key === ' ' ? at : stripTarget(e.key, at, this.sessions.length);
    if (to < 0) return;
    e.preventDefault();
    this.currentId = this.sessions[to].id;
    const tabs = (e.currentTarget as HTMLElement).parentElement?.querySelectorAll<HTMLElement>('[role=tab]');
    tabs?.[to]?.focus();
    tabs?.[to]?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  private renderNotice() {
    if (this.fetching) {
      const { url, done, total } = this.fetching;
      return html`<div class="notice">Fetching <span class="mono">${url}</span>… ${formatBytes(done)}${total ? ` of ${formatBytes(total)}` : ''}</div>`;
    }
    if (this.fetchError) {
      return html`<div class="notice" role="alert">
        Could not fetch ${this.fetchError}<button class="link" @click=${() => (this.fetchError = null)}>Dismiss</button>
      </div>`;
    }
    if (this.waitingLink?.archive && !this.sessions.some((s) => s.name === this.waitingLink?.archive)) {
      return html`<div class="notice">
        This link points into <strong>${this.waitingLink.archive}</strong>. Open that file (it never leaves this computer) to continue where
        the link points.
        <button class="link" @click=${() => (this.waitingLink = null)}>Dismiss</button>
      </div>`;
    }
    return nothing;
  }

  private renderLanding() {
    return html`<div class="landing">
      <div class="drop" id="landing">
        <div class="big-logo">${icons.logo}</div>
        <h1>Inspect a container image archive</h1>
        <p>Drop a <strong>.tar</strong> anywhere on this page, or choose one.</p>
        <div class="buttons">
          <button class="btn primary" @click=${this.chooseFile}>${icons.open} Choose an archive…</button>
          ${this.exampleUrl ? html`<button class="btn" id="try-example" @click=${() => this.openUrl(this.exampleUrl)}>Try the example</button>` : nothing}
        </div>
        <p class="hint">
          Reads what <code>docker save</code>, <code>podman save</code>, <code>skopeo copy … docker-archive:</code> / <code>oci-archive:</code>,
          buildah and <code>ctr export</code> write — plain or gzip/zstd/xz/bzip2-compressed.
        </p>
        <p class="hint">Nothing is uploaded: the archive is read inside this tab by WebAssembly.</p>
      </div>
    </div>`;
  }
}

/** Whether a key went to a text field (its keys are its own). */
function inField(e: KeyboardEvent): boolean {
  const t = e.composedPath()[0] as HTMLElement | undefined;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-scope-app': LayerScopeApp;
  }
}
