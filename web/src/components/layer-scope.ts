// <layer-scope>: the whole inspector. Open archives by drop (anywhere on the
// page), file picker or the example; several archives can be open, one is
// current. Archive-local state lives in the URL hash (state/hash.ts).
//
// Attributes: theme="light|dark" (default: follow the system),
// example-url="…" (same-origin archive for "Try the example"; "" hides it),
// no-hash (do not read or write location.hash, for embedding).
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { fetchArchive, SINGLE_FILE, CoreError } from '../engine';
import { ArchiveSession } from '../state/session';
import { formatHash, parseHash, type LinkState } from '../state/hash';
import { formatBytes, formatDuration, formatRate } from '../state/format';
import { errorTitle } from '../state/words';
import { shared, themeTokens } from './styles';
import { icons } from './icons';
import { setStyle } from './set-style';
import './archive-view';

type Theme = 'auto' | 'light' | 'dark';

@customElement('layer-scope')
export class LayerScope extends LitElement {
  static styles = [
    themeTokens,
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100%;
        height: 100%;
        background: var(--ls-bg);
        color: var(--ls-fg);
        font-family: var(--ls-font);
        font-size: 14px;
        line-height: 1.45;
        container-type: inline-size;
        container-name: ls;
        position: relative;
      }
      header {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 8px 14px;
        background: var(--ls-panel);
        border-bottom: 1px solid var(--ls-border);
        min-height: 50px;
        flex-wrap: wrap;
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 8px;
        font-weight: 700;
        font-size: 16px;
        letter-spacing: -0.01em;
        margin-right: 6px;
        color: var(--ls-fg);
        user-select: none;
      }
      .tabs {
        display: flex;
        gap: 4px;
        flex: 1 1 auto;
        min-width: 0;
        overflow-x: auto;
        scrollbar-width: thin;
      }
      .tab {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        max-width: 260px;
        padding: 4px 6px 4px 10px;
        border: 1px solid var(--ls-border);
        border-radius: 7px;
        background: var(--ls-panel-2);
        color: var(--ls-muted);
        font-size: 13px;
        cursor: pointer;
        white-space: nowrap;
      }
      .tab[aria-selected='true'] {
        background: var(--ls-accent-soft);
        border-color: var(--ls-accent);
        color: var(--ls-fg);
      }
      .tab .name {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .tab .x {
        display: inline-flex;
        border: none;
        background: none;
        padding: 2px;
        border-radius: 4px;
        color: var(--ls-faint);
      }
      .tab .x:hover {
        background: var(--ls-hover);
        color: var(--ls-fg);
      }
      .tab .x .icon {
        width: 12px;
        height: 12px;
      }
      .tab .pct {
        font-variant-numeric: tabular-nums;
        font-size: 11px;
        color: var(--ls-accent);
      }
      .tab .bad {
        color: var(--ls-del);
        font-size: 11px;
      }
      .actions {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-left: auto;
      }
      .icon-btn {
        display: inline-flex;
        align-items: center;
        justify-content: center;
        width: 32px;
        height: 30px;
        padding: 0;
        border: 1px solid var(--ls-border-strong);
        border-radius: 6px;
        background: var(--ls-panel);
        color: var(--ls-muted);
      }
      .icon-btn:hover {
        background: var(--ls-hover);
        color: var(--ls-fg);
      }
      main {
        flex: 1 1 auto;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      .landing {
        flex: 1;
        display: flex;
        align-items: center;
        justify-content: center;
        padding: 32px 16px;
      }
      .drop {
        width: min(640px, 100%);
        padding: 40px 32px 32px;
        text-align: center;
        border: 2px dashed var(--ls-border-strong);
        border-radius: 14px;
        background: var(--ls-panel);
      }
      .drop h1 {
        margin: 10px 0 6px;
        font-size: 22px;
        letter-spacing: -0.01em;
      }
      .drop p {
        margin: 6px 0;
        color: var(--ls-muted);
      }
      .drop .buttons {
        display: flex;
        gap: 10px;
        justify-content: center;
        margin: 22px 0 18px;
        flex-wrap: wrap;
      }
      .drop .hint {
        font-size: 12.5px;
        color: var(--ls-faint);
      }
      .drop code {
        font-family: var(--ls-mono);
        font-size: 12px;
        background: var(--ls-code-bg);
        padding: 1px 5px;
        border-radius: 4px;
        color: var(--ls-muted);
      }
      .big-logo svg {
        width: 46px;
        height: 46px;
      }
      .overlay {
        position: fixed;
        inset: 0;
        z-index: 50;
        display: flex;
        align-items: center;
        justify-content: center;
        background: color-mix(in srgb, var(--ls-bg) 75%, transparent);
        backdrop-filter: blur(2px);
        pointer-events: none;
      }
      .overlay div {
        padding: 36px 48px;
        border: 2px dashed var(--ls-accent);
        border-radius: 16px;
        background: var(--ls-panel);
        font-size: 18px;
        font-weight: 600;
        color: var(--ls-accent);
      }
      .status {
        flex: 1;
        display: flex;
        align-items: flex-start;
        justify-content: center;
        padding: 48px 16px;
      }
      .status .card {
        width: min(620px, 100%);
        padding: 20px 22px;
      }
      .status .card > h2 {
        margin: 0 0 4px;
        padding: 0;
        font-size: 17px;
        font-weight: 650;
        letter-spacing: normal;
        text-transform: none;
        color: var(--ls-fg);
        overflow-wrap: anywhere;
      }
      .bar {
        height: 8px;
        border-radius: 99px;
        background: var(--ls-hover);
        overflow: hidden;
        margin: 14px 0 10px;
      }
      .bar > div {
        height: 100%;
        background: var(--ls-accent);
        border-radius: 99px;
        transition: width 0.12s linear;
      }
      .bar.indeterminate > div {
        width: 30%;
        animation: slide 1.1s ease-in-out infinite;
      }
      @keyframes slide {
        from {
          transform: translateX(-100%);
        }
        to {
          transform: translateX(340%);
        }
      }
      .numbers {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 18px;
        font-size: 13px;
        color: var(--ls-muted);
        font-variant-numeric: tabular-nums;
      }
      .row-buttons {
        display: flex;
        gap: 8px;
        margin-top: 16px;
      }
      .error-card {
        border-color: var(--ls-err-border);
        background: var(--ls-err-bg);
      }
      .where {
        font-family: var(--ls-mono);
        font-size: 12px;
        color: var(--ls-muted);
        overflow-wrap: anywhere;
      }
      .notice {
        display: flex;
        gap: 10px;
        align-items: center;
        padding: 8px 14px;
        background: var(--ls-warn-bg);
        border-bottom: 1px solid var(--ls-warn-border);
        font-size: 13px;
      }
      .notice .link {
        margin-left: auto;
      }
      input[type='file'] {
        display: none;
      }
      footer {
        padding: 6px 14px;
        font-size: 11.5px;
        color: var(--ls-faint);
        border-top: 1px solid var(--ls-border);
        background: var(--ls-panel);
        display: flex;
        gap: 14px;
        flex-wrap: wrap;
      }
      footer a {
        color: var(--ls-muted);
      }
      @container ls (max-width: 820px) {
        /* Half a laptop screen: the page scrolls as a whole, views stack. */
        main {
          overflow-y: auto;
        }
      }
      @container ls (max-width: 640px) {
        .brand span {
          display: none;
        }
        .actions .label {
          display: none;
        }
      }
    `,
  ];

  @property({ reflect: true }) theme: Theme = 'auto';
  @property({ attribute: 'example-url' }) exampleUrl = SINGLE_FILE ? '' : 'examples/demo.tar';
  @property({ type: Boolean, attribute: 'no-hash' }) noHash = false;

  @state() private sessions: ArchiveSession[] = [];
  @state() private currentId = 0;
  @state() private dragging = false;
  @state() private version = 0;
  /** deep link for an archive that is not open (yet) */
  @state() private waitingLink: LinkState | null = null;
  @state() private fetching: { url: string; done: number; total: number } | null = null;
  @state() private fetchError: string | null = null;

  @query('input[type=file]') private fileInput!: HTMLInputElement;
  private dragDepth = 0;
  private writingHash = false;

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('dragenter', this.onDragEnter);
    window.addEventListener('dragover', this.onDragOver);
    window.addEventListener('dragleave', this.onDragLeave);
    window.addEventListener('drop', this.onDrop);
    window.addEventListener('hashchange', this.onHashChange);
    window.addEventListener('keydown', this.onKeyDown);
    const saved = this.readSavedTheme();
    if (saved && !this.hasAttribute('theme')) this.theme = saved;
    if (!this.noHash) this.startFromHash();
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('dragenter', this.onDragEnter);
    window.removeEventListener('dragover', this.onDragOver);
    window.removeEventListener('dragleave', this.onDragLeave);
    window.removeEventListener('drop', this.onDrop);
    window.removeEventListener('hashchange', this.onHashChange);
    window.removeEventListener('keydown', this.onKeyDown);
  }

  /** The archive being shown. */
  get current(): ArchiveSession | null {
    return this.sessions.find((s) => s.id === this.currentId) ?? null;
  }

  /** Opens archives (File objects); the last one becomes current. */
  openFiles(files: Iterable<File>, src?: string): void {
    for (const f of files) {
      const s = new ArchiveSession(f, src, () => this.changed());
      if (this.waitingLink && (this.waitingLink.archive === f.name || (src && this.waitingLink.src === src))) {
        s.pending = this.waitingLink;
        this.waitingLink = null;
      }
      this.sessions = [...this.sessions, s];
      this.currentId = s.id;
      void s.open();
    }
  }

  /** Fetches a same-origin archive (the example, or a deep link's src) and opens it. */
  async openUrl(url: string): Promise<void> {
    this.fetchError = null;
    this.fetching = { url, done: 0, total: 0 };
    try {
      const file = await fetchArchive(url, (done, total) => (this.fetching = { url, done, total }));
      this.fetching = null;
      this.openFiles([file], url);
    } catch (e) {
      this.fetching = null;
      this.fetchError = `${url}: ${e instanceof CoreError ? e.message : String(e)}`;
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
    if (st.src) {
      this.waitingLink = st;
      void this.openUrl(st.src);
    } else if (st.archive) {
      this.waitingLink = st;
    }
  }

  private onHashChange = (): void => {
    if (this.noHash || this.writingHash) return;
    const st = parseHash(location.hash);
    const cur = this.current;
    if (cur && ((st.src && st.src === cur.src) || (st.archive && st.archive === cur.name))) {
      cur.applyLink(st);
      this.changed();
    } else if (st.src && !this.sessions.some((s) => s.src === st.src)) {
      this.waitingLink = st;
      void this.openUrl(st.src);
    } else if (st.archive || st.src) {
      const other = this.sessions.find((s) => s.name === st.archive || (st.src && s.src === st.src));
      if (other) {
        this.currentId = other.id;
        other.applyLink(st);
      } else this.waitingLink = st;
    }
  };

  protected updated(): void {
    if (this.noHash) return;
    const cur = this.current;
    if (!cur || cur.status !== 'ready') return;
    const h = formatHash(cur.link());
    if (h !== location.hash && !(h === '' && location.hash === '#')) {
      this.writingHash = true;
      history.replaceState(null, '', h || location.pathname + location.search);
      queueMicrotask(() => (this.writingHash = false));
    }
  }

  // ── drag and drop, keys ─────────────────────────────────────────────────

  private hasFiles(e: DragEvent): boolean {
    return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
  }
  private onDragEnter = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    this.dragDepth++;
    this.dragging = true;
  };
  private onDragOver = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  };
  private onDragLeave = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (this.dragDepth === 0) this.dragging = false;
  };
  private onDrop = (e: DragEvent): void => {
    if (!this.hasFiles(e)) return;
    e.preventDefault();
    this.dragDepth = 0;
    this.dragging = false;
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length) this.openFiles(files);
  };
  private onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'o' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.fileInput?.click();
    }
  };

  // ── theme ───────────────────────────────────────────────────────────────

  private readSavedTheme(): Theme | null {
    try {
      const t = localStorage.getItem('layerscope.theme');
      return t === 'light' || t === 'dark' || t === 'auto' ? t : null;
    } catch {
      return null;
    }
  }
  private cycleTheme(): void {
    this.theme = this.theme === 'auto' ? 'light' : this.theme === 'light' ? 'dark' : 'auto';
    try {
      localStorage.setItem('layerscope.theme', this.theme);
    } catch {
      /* storage may be unavailable (file://, privacy modes) */
    }
  }

  // ── render ──────────────────────────────────────────────────────────────

  render() {
    const cur = this.current;
    return html`
      <header>
        <div class="brand">${icons.logo}<span>layerscope</span></div>
        <div class="tabs" role="tablist" aria-label="Open archives">${this.sessions.map((s) => this.renderTab(s))}</div>
        <div class="actions">
          <button class="btn primary" id="open" @click=${() => this.fileInput.click()} title="Open an image archive (Ctrl+O)">
            ${icons.open}<span class="label">Open archive</span>
          </button>
          ${this.exampleUrl && this.sessions.length > 0
            ? html`<button class="btn" id="example" @click=${() => this.openUrl(this.exampleUrl)}>
                <span class="label">Example</span>
              </button>`
            : nothing}
          <button class="icon-btn" id="theme" @click=${this.cycleTheme} title=${`Theme: ${this.theme === 'auto' ? 'follow the system' : this.theme}`} aria-label="Switch theme">
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
      <main>${cur ? this.renderSession(cur) : this.renderLanding()}</main>
      ${this.dragging ? html`<div class="overlay"><div>Drop to open — nothing is uploaded</div></div>` : nothing}
    `;
  }

  private renderTab(s: ArchiveSession) {
    const pct = s.status === 'opening' && s.progress && s.progress.total ? Math.floor((100 * s.progress.done) / s.progress.total) : null;
    return html`<div
      class="tab"
      role="tab"
      tabindex="0"
      aria-selected=${s.id === this.currentId ? 'true' : 'false'}
      title=${s.name}
      @click=${() => (this.currentId = s.id)}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Enter' || e.key === ' ') this.currentId = s.id;
      }}
    >
      <span class="name">${s.name}</span>
      ${s.status === 'opening' ? html`<span class="pct">${pct === null ? '…' : `${pct}%`}</span>` : nothing}
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
          <button class="btn primary" @click=${() => this.fileInput.click()}>${icons.open} Choose an archive…</button>
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

  private renderSession(s: ArchiveSession) {
    if (s.status === 'opening') return this.renderProgress(s);
    if (s.status === 'error' || s.status === 'cancelled') return this.renderError(s);
    return html`<ls-archive-view .session=${s} .version=${this.version}></ls-archive-view>`;
  }

  private renderProgress(s: ArchiveSession) {
    const p = s.progress;
    const frac = p && p.total ? Math.min(1, p.done / p.total) : 0;
    const elapsed = performance.now() - s.openedAt;
    return html`<div class="status">
      <div class="card" id="progress" role="status" aria-live="polite">
        <h2>Opening ${s.name}</h2>
        <div class="muted">${formatBytes(s.file.size)} · ${p ? phaseText(p.phase, p.detail) : 'starting the inspector…'}</div>
        <div class=${p ? 'bar' : 'bar indeterminate'} role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(frac * 100)}>
          <div ${setStyle({ width: p ? `${(frac * 100).toFixed(1)}%` : '' })}></div>
        </div>
        <div class="numbers">
          ${p
            ? html`<span>${formatBytes(p.done)} of ${formatBytes(p.total)} (${Math.floor(frac * 100)}%)</span>
                <span>${formatRate(p.rate)}</span>`
            : nothing}
          <span>${formatDuration(elapsed)}</span>
        </div>
        <div class="row-buttons">
          <button class="btn" id="cancel" @click=${() => s.cancel()}>Cancel</button>
        </div>
      </div>
    </div>`;
  }

  private renderError(s: ArchiveSession) {
    const e = s.error ?? { code: 'internal', message: 'unknown error', where: '' };
    const cancelled = s.status === 'cancelled' || isCancelledEnvelope(e);
    return html`<div class="status">
      <div class=${cancelled ? 'card' : 'card error-card'} id="open-error" role="alert">
        <h2>${cancelled ? `Stopped opening ${s.name}` : errorTitle(e.code)}</h2>
        ${cancelled
          ? html`<p class="muted">Nothing more is read from the file. You can start again or close it.</p>`
          : html`<p>${e.message}</p>
              ${e.where ? html`<div class="where">at ${e.where}</div>` : nothing}
              <p class="muted">${s.name} · ${formatBytes(s.file.size)} · code <span class="mono">${e.code}</span></p>`}
        <div class="row-buttons">
          <button class="btn" @click=${() => void s.open()}>${cancelled ? 'Open again' : 'Try again'}</button>
          <button class="btn" @click=${() => this.close(s)}>Close</button>
        </div>
      </div>
    </div>`;
  }
}

function phaseText(phase: string, detail: string): string {
  const what = phase === 'scan' ? 'reading the archive’s members' : phase === 'index' ? 'indexing layers' : phase === 'verify' ? 'verifying digests' : phase;
  return detail ? `${what} (${detail})` : what;
}

function isCancelledEnvelope(e: { code: string }): boolean {
  return e.code === 'cancelled';
}

declare global {
  interface HTMLElementTagNameMap {
    'layer-scope': LayerScope;
  }
}
