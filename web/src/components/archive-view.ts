// One open archive: a sidebar (archive, image, layers) and the main views
// (files, history, config). Every value from the archive is rendered through
// Lit text bindings: names and labels are text, never markup.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ArchiveSession } from '../state/session';
import type { ImageDoc, LayerDoc } from '../engine';
import { formatAgo, formatBytes, formatCount, formatDuration, formatRate, formatTime, platformString, plural, shortDigest } from '../state/format';
import { layerChecks, verifyTally, VERIFY_WARNINGS, type Check } from '../state/verify';
import { setStyle } from './set-style';
import { toInstruction } from '../state/dockerfile';
import { warningTitle } from '../state/words';
import type { Tab, TreeView } from '../state/hash';
import { shared } from './styles';
import { icons } from './icons';
import './copy-button';
import './file-tree';
import './file-viewer';
import './history-view';
import './config-view';
import type { FileTree } from './file-tree';

@customElement('ls-archive-view')
export class ArchiveView extends LitElement {
  static styles = [
    shared,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(280px, 340px) minmax(0, 1fr);
        flex: 1 1 auto;
        min-height: 0;
        height: 100%;
      }
      aside {
        display: flex;
        flex-direction: column;
        gap: 12px;
        padding: 12px;
        overflow: auto;
        border-right: 1px solid var(--ls-border);
        min-height: 0;
      }
      .card {
        padding-bottom: 12px;
      }
      .card > .body {
        padding: 0 14px;
      }
      .archive-name {
        font-weight: 600;
        overflow-wrap: anywhere;
        margin-bottom: 6px;
      }
      .warnings {
        list-style: none;
        margin: 10px 0 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .warnings li {
        padding: 7px 9px;
        border: 1px solid var(--ls-warn-border);
        background: var(--ls-warn-bg);
        border-radius: 6px;
        font-size: 12.5px;
      }
      .warnings strong {
        display: block;
        font-weight: 600;
      }
      .warnings .detail {
        color: var(--ls-muted);
        overflow-wrap: anywhere;
      }
      .ok-line {
        margin-top: 8px;
        font-size: 12.5px;
        color: var(--ls-add);
      }
      .warnings li.verify-warning {
        border-color: var(--ls-err-border);
        background: var(--ls-err-bg);
      }
      .verify {
        margin-top: 10px;
        padding-top: 10px;
        border-top: 1px solid var(--ls-border);
        font-size: 12.5px;
      }
      .verify .row {
        display: flex;
        align-items: center;
        gap: 8px;
        flex-wrap: wrap;
      }
      .verify .hint {
        color: var(--ls-faint);
        font-size: 11.5px;
      }
      .verify .bar {
        height: 6px;
        border-radius: 99px;
        background: var(--ls-hover);
        overflow: hidden;
        margin: 8px 0 6px;
      }
      .verify .bar > div {
        height: 100%;
        background: var(--ls-accent);
        border-radius: 99px;
        transition: width 0.12s linear;
      }
      .verify .numbers {
        display: flex;
        flex-wrap: wrap;
        gap: 2px 12px;
        color: var(--ls-muted);
        font-variant-numeric: tabular-nums;
        margin-bottom: 6px;
      }
      .verify .result {
        display: flex;
        align-items: baseline;
        gap: 6px;
        flex-wrap: wrap;
      }
      .verify .result.ok {
        color: var(--ls-add);
      }
      .verify .result.bad {
        color: var(--ls-del);
        font-weight: 600;
      }
      .images {
        display: flex;
        flex-direction: column;
        gap: 4px;
        margin: 0 0 10px;
        padding: 0;
        list-style: none;
      }
      .images button {
        width: 100%;
        text-align: left;
        border: 1px solid var(--ls-border);
        background: var(--ls-panel-2);
        border-radius: 6px;
        padding: 6px 9px;
        font-size: 13px;
      }
      .images button[aria-pressed='true'] {
        border-color: var(--ls-accent);
        background: var(--ls-accent-soft);
      }
      .images .sub {
        display: block;
        font-size: 11.5px;
        color: var(--ls-muted);
      }
      .images .tagline {
        overflow-wrap: anywhere;
      }
      .attestations {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .attestation {
        font-size: 12.5px;
        padding: 4px 0;
      }
      h3.section-title {
        padding: 12px 0 4px;
      }
      .attestation .sub {
        display: block;
        color: var(--ls-muted);
        font-size: 11px;
        overflow-wrap: anywhere;
      }
      .chips {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      .layers {
        list-style: none;
        margin: 0;
        padding: 0 8px;
        display: flex;
        flex-direction: column;
        gap: 2px;
      }
      .layer {
        display: grid;
        grid-template-columns: 26px minmax(0, 1fr) auto;
        gap: 2px 8px;
        align-items: baseline;
        width: 100%;
        padding: 6px 8px;
        border: 1px solid transparent;
        border-radius: 6px;
        background: none;
        text-align: left;
        font-size: 12.5px;
        color: var(--ls-fg);
        cursor: pointer;
      }
      .layer:hover {
        background: var(--ls-hover);
      }
      .layer[aria-pressed='true'] {
        background: var(--ls-selected);
        border-color: var(--ls-accent);
      }
      .layer .idx {
        font-family: var(--ls-mono);
        color: var(--ls-muted);
        font-size: 11.5px;
      }
      .layer .cmd {
        font-family: var(--ls-mono);
        font-size: 11.5px;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .layer .kw {
        color: var(--ls-accent);
        font-weight: 600;
      }
      .layer .size {
        font-variant-numeric: tabular-nums;
        color: var(--ls-muted);
        white-space: nowrap;
      }
      .layer .meta {
        grid-column: 2 / 4;
        display: flex;
        flex-wrap: wrap;
        gap: 4px 8px;
        align-items: center;
        color: var(--ls-muted);
        font-size: 11.5px;
      }
      .layer .digest {
        font-family: var(--ls-mono);
      }
      .layer .absent {
        color: var(--ls-del);
      }
      .check {
        font-family: var(--ls-mono);
        font-size: 11px;
        white-space: nowrap;
      }
      .check.ok {
        color: var(--ls-add);
      }
      .check.bad {
        color: var(--ls-del);
        font-weight: 700;
      }
      .check.unchecked {
        color: var(--ls-faint);
      }
      .counts {
        display: inline-flex;
        gap: 3px;
      }
      section.main {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
      }
      nav.views {
        display: flex;
        align-items: center;
        gap: 2px;
        padding: 8px 12px 0;
        border-bottom: 1px solid var(--ls-border);
        background: var(--ls-panel);
        flex-wrap: wrap;
      }
      nav.views button {
        border: none;
        background: none;
        padding: 7px 12px 8px;
        font-size: 13.5px;
        color: var(--ls-muted);
        border-bottom: 2px solid transparent;
        margin-bottom: -1px;
      }
      nav.views button[aria-selected='true'] {
        color: var(--ls-fg);
        border-bottom-color: var(--ls-accent);
        font-weight: 600;
      }
      nav.views .image-label {
        margin-left: auto;
        font-size: 12.5px;
        color: var(--ls-muted);
        padding-bottom: 6px;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 50%;
      }
      .toolbar {
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 8px 12px;
        flex-wrap: wrap;
        border-bottom: 1px solid var(--ls-border);
        background: var(--ls-panel-2);
      }
      .seg {
        display: inline-flex;
        border: 1px solid var(--ls-border-strong);
        border-radius: 7px;
        overflow: hidden;
      }
      .seg button {
        border: none;
        background: var(--ls-panel);
        padding: 4px 11px;
        font-size: 12.5px;
        color: var(--ls-muted);
      }
      .seg button + button {
        border-left: 1px solid var(--ls-border-strong);
      }
      .seg button[aria-pressed='true'] {
        background: var(--ls-accent);
        color: var(--ls-accent-fg);
      }
      select {
        border: 1px solid var(--ls-border-strong);
        border-radius: 6px;
        background: var(--ls-panel);
        padding: 3px 6px;
        font-size: 12.5px;
        max-width: 100%;
      }
      .layer-pick {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 12.5px;
        color: var(--ls-muted);
        min-width: 0;
      }
      .layer-pick select {
        max-width: 340px;
      }
      .files {
        flex: 1 1 auto;
        min-height: 0;
        display: grid;
        grid-template-columns: var(--tree-cols, minmax(0, 1.2fr)) 5px minmax(0, 1fr);
      }
      .files > ls-file-tree {
        min-height: 0;
      }
      .gutter {
        cursor: col-resize;
        background: var(--ls-border);
        border-left: 2px solid var(--ls-panel);
        border-right: 2px solid var(--ls-panel);
        touch-action: none;
      }
      .gutter:hover,
      .gutter.dragging,
      .gutter:focus-visible {
        background: var(--ls-accent);
        outline: none;
      }
      .files > ls-file-viewer {
        min-height: 0;
      }
      .scroll {
        flex: 1 1 auto;
        min-height: 0;
        overflow: auto;
      }
      .reopen {
        padding: 6px 12px;
        font-size: 12.5px;
        background: var(--ls-accent-soft);
        border-bottom: 1px solid var(--ls-border);
      }
      .empty {
        padding: 24px;
        color: var(--ls-muted);
      }
      @container ls (max-width: 1100px) {
        :host {
          grid-template-columns: minmax(250px, 290px) minmax(0, 1fr);
        }
        .files {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: minmax(300px, 1.2fr) minmax(260px, 1fr);
        }
        .gutter {
          display: none;
        }
        .files > ls-file-tree {
          border-bottom: 1px solid var(--ls-border);
        }
      }
      @container ls (max-width: 820px) {
        :host {
          display: flex;
          flex-direction: column;
          height: auto;
          flex: none;
        }
        aside {
          flex: none;
          border-right: none;
          border-bottom: 1px solid var(--ls-border);
          overflow: visible;
          display: grid;
          grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
          align-items: start;
        }
        .layers-card {
          grid-column: 1 / -1;
        }
        .layers-card .layers {
          max-height: 300px;
          overflow: auto;
        }
        .files {
          grid-template-rows: 62vh minmax(360px, 70vh);
        }
        nav.views .image-label {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) session!: ArchiveSession;
  @property({ attribute: false }) version = 0;

  private set(patch: Partial<Pick<ArchiveSession, 'layer' | 'view' | 'path' | 'tab' | 'mode'>>): void {
    Object.assign(this.session, patch);
    this.session.notify();
  }

  /** Width of the tree column (px) once the user dragged the gutter; shared by all archives. */
  private static treeWidth = 0;

  private resizeTree(delta: number, absolute?: number): void {
    const files = this.renderRoot.querySelector('.files') as HTMLElement | null;
    if (!files) return;
    const tree = files.querySelector('ls-file-tree') as HTMLElement;
    const total = files.clientWidth;
    const w = Math.round(Math.max(260, Math.min(total - 300, absolute ?? tree.getBoundingClientRect().width + delta)));
    ArchiveView.treeWidth = w;
    files.style.setProperty('--tree-cols', `${w}px`);
  }

  private startDrag = (e: PointerEvent): void => {
    const g = e.currentTarget as HTMLElement;
    const files = g.parentElement as HTMLElement;
    g.setPointerCapture(e.pointerId);
    g.classList.add('dragging');
    const left = files.getBoundingClientRect().left;
    const move = (ev: PointerEvent) => this.resizeTree(0, ev.clientX - left);
    const up = () => {
      g.classList.remove('dragging');
      g.removeEventListener('pointermove', move);
      g.removeEventListener('pointerup', up);
      g.removeEventListener('pointercancel', up);
    };
    g.addEventListener('pointermove', move);
    g.addEventListener('pointerup', up);
    g.addEventListener('pointercancel', up);
    e.preventDefault();
  };

  protected updated(): void {
    const files = this.renderRoot.querySelector('.files') as HTMLElement | null;
    if (files && ArchiveView.treeWidth && !files.style.getPropertyValue('--tree-cols')) files.style.setProperty('--tree-cols', `${ArchiveView.treeWidth}px`);
  }

  selectLayer(i: number, opts: { tab?: Tab; view?: TreeView } = {}): void {
    this.set({ layer: i, ...(opts.tab ? { tab: opts.tab } : {}), ...(opts.view ? { view: opts.view } : {}) });
  }

  render() {
    const s = this.session;
    const doc = s.summary;
    if (!doc) return nothing;
    const img = s.currentImage;
    return html`<aside>
        ${this.renderArchive()} ${this.renderImage()} ${img ? this.renderLayers(img) : nothing}
      </aside>
      <section class="main">
        <nav class="views" role="tablist" aria-label="Views">
          ${(['files', 'history', 'config'] as Tab[]).map(
            (t) =>
              html`<button role="tab" id=${`tab-${t}`} aria-selected=${s.tab === t ? 'true' : 'false'} @click=${() => this.set({ tab: t })}>
                ${t === 'files' ? 'Files' : t === 'history' ? 'History' : 'Config'}
              </button>`,
          )}
          ${img ? html`<span class="image-label">${imageTitle(img)}</span>` : nothing}
        </nav>
        ${s.reopen
          ? html`<div class="reopen" role="status">
              Indexing ${s.name} again after a cancel… ${s.reopen.total ? `${Math.floor((100 * s.reopen.done) / s.reopen.total)}%` : ''}
            </div>`
          : nothing}
        ${img ? this.renderTab(img) : html`<div class="empty">This archive holds no image.</div>`}
      </section>`;
  }

  private renderTab(img: ImageDoc) {
    const s = this.session;
    if (s.tab === 'history')
      return html`<div class="scroll">
        <ls-history-view
          .image=${img}
          .selected=${s.layer}
          @ls-select-layer=${(e: CustomEvent<number>) => this.selectLayer(e.detail, { tab: 'files', view: 'layer' })}
        ></ls-history-view>
      </div>`;
    if (s.tab === 'config')
      return html`<div class="scroll">
        <ls-config-view .image=${img} .archiveName=${s.name} .session=${s} .version=${this.version}></ls-config-view>
      </div>`;
    return this.renderFiles(img);
  }

  private renderFiles(img: ImageDoc) {
    const s = this.session;
    if (img.layers.length === 0) return html`<div class="empty">This image has no layers.</div>`;
    const load = s.tree();
    const model = load?.model ?? null;
    const node = model && s.path ? model.byPath.get(s.path) ?? -1 : -1;
    return html`<div class="toolbar">
        <div class="seg" role="group" aria-label="Tree view">
          <button id="view-layer" aria-pressed=${s.view === 'layer' ? 'true' : 'false'} @click=${() => this.set({ view: 'layer' })} title="Only what this layer added, modified or deleted">
            Changes in layer
          </button>
          <button id="view-merged" aria-pressed=${s.view === 'merged' ? 'true' : 'false'} @click=${() => this.set({ view: 'merged' })} title="The filesystem as it is after this layer">
            Merged up to layer
          </button>
        </div>
        <label class="layer-pick"
          >Layer
          <select id="layer-select" @change=${(e: Event) => this.selectLayer(Number((e.target as HTMLSelectElement).value))}>
            ${img.layers.map(
              (l) => html`<option value=${l.index} ?selected=${l.index === s.layer}>${layerOptionLabel(img, l)}</option>`,
            )}
          </select></label
        >
      </div>
      <div class="files">
        <ls-file-tree
          .load=${load}
          .version=${this.version}
          .selectedPath=${s.path}
          .layerCount=${img.layers.length}
          @ls-select-path=${(e: CustomEvent<string>) => this.set({ path: e.detail })}
          @ls-open-path=${(e: CustomEvent<string>) => {
            this.set({ path: e.detail });
            this.renderRoot.querySelector('ls-file-viewer')?.focusContent();
          }}
        ></ls-file-tree>
        <div
          class="gutter"
          role="separator"
          aria-orientation="vertical"
          aria-label="Resize the tree and the viewer"
          tabindex="0"
          @pointerdown=${this.startDrag}
          @keydown=${(e: KeyboardEvent) => {
            if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
              e.preventDefault();
              this.resizeTree(e.key === 'ArrowLeft' ? -32 : 32);
            }
          }}
        ></div>
        <ls-file-viewer
          .session=${s}
          .image=${s.image}
          .layer=${s.layer}
          .model=${model}
          .node=${node}
          .path=${s.path}
          .mode=${s.mode}
          .version=${this.version}
          @ls-mode=${(e: CustomEvent<'auto' | 'text' | 'hex' | 'image'>) => this.set({ mode: e.detail })}
          @ls-goto=${(e: CustomEvent<{ path: string; layer?: number; view?: TreeView }>) => {
            this.set({ path: e.detail.path, ...(e.detail.layer !== undefined ? { layer: e.detail.layer } : {}), ...(e.detail.view ? { view: e.detail.view } : {}) });
            this.updateComplete.then(() => (this.renderRoot.querySelector('ls-file-tree') as FileTree | null)?.revealSelected());
          }}
        ></ls-file-viewer>
      </div>`;
  }

  private renderArchive() {
    const s = this.session;
    const d = s.summary!;
    const pct = d.archive.size ? (100 * s.bytesRead) / d.archive.size : 0;
    return html`<section
      class="card"
      id="archive-panel"
      aria-label="Archive"
      data-open-ms=${Math.round(s.openMs)}
      data-load-ms=${Math.round(s.loadMs)}
      data-bytes-read=${s.bytesRead}
      data-fetched-bytes=${s.io?.fetchedBytes ?? 0}
      data-fetches=${s.io?.fetches ?? 0}
      data-read-calls=${s.io?.calls ?? 0}
      data-size=${d.archive.size}
    >
      <h2>Archive</h2>
      <div class="body">
        <div class="archive-name">${d.archive.name}</div>
        <dl class="kv">
          <dt>Layout</dt>
          <dd id="layout">${d.layout_description || d.layout}</dd>
          <dt>Producer</dt>
          <dd id="producer">${d.producer || 'unknown'}</dd>
          <dt>Size</dt>
          <dd>${formatBytes(d.archive.size)}${d.archive.outer_compression !== 'none' ? html` · ${d.archive.outer_compression}-compressed` : nothing}</dd>
          <dt>Members</dt>
          <dd>${formatCount(d.archive.members)}</dd>
          <dt>Indexed</dt>
          <dd title="Bytes of the archive the inspector had to read; file payloads of uncompressed layers are skipped">
            in ${formatDuration(s.openMs)} · read ${formatBytes(s.bytesRead)} (${pct.toFixed(pct < 10 ? 1 : 0)}%)
          </dd>
        </dl>
        ${this.renderVerify()}
        ${d.warnings.length
          ? html`<ul class="warnings" id="warnings">
              ${d.warnings.map(
                (w) => html`<li class=${VERIFY_WARNINGS.has(w.code) ? 'verify-warning' : ''} data-code=${w.code}>
                  <strong>${icons.warn} ${warningTitle(w.code)}</strong>
                  <span class="detail">${w.message}${w.where ? html` — <span class="mono">${w.where}</span>` : nothing}</span>
                </li>`,
              )}
            </ul>`
          : html`<div class="ok-line">No problems found in the archive’s structure.</div>`}
      </div>
    </section>`;
  }

  /** "Verify digests": hash every blob and layer, with progress and cancel; then the tally. */
  private renderVerify() {
    const s = this.session;
    const v = s.verification;
    if (v?.status === 'running') {
      const p = v.progress;
      const frac = p && p.total ? Math.min(1, p.done / p.total) : 0;
      return html`<div class="verify" id="verify-progress" role="status" aria-live="polite">
        <div class="row"><strong>Verifying digests…</strong><span class="hint">other requests wait until it ends</span></div>
        <div class="bar" role="progressbar" aria-label="Verification" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(frac * 100)}>
          <div ${setStyle({ width: `${(frac * 100).toFixed(1)}%` })}></div>
        </div>
        <div class="numbers">
          ${p
            ? html`<span id="verify-bytes">${formatBytes(p.done)} of ${formatBytes(p.total)} (${Math.floor(frac * 100)}%)</span>
                <span id="verify-rate">${formatRate(p.rate)}</span>`
            : html`<span>starting…</span>`}
        </div>
        <button class="btn small" id="verify-cancel" @click=${() => s.cancelVerify()} title="Stop verifying">Cancel</button>
      </div>`;
    }
    const button = (label: string) =>
      html`<button class="btn small" id="verify" @click=${() => void s.verify()} title="Hash every layer and compare with its digest and diff_id (reads the whole archive)">
        ${icons.check} ${label}
      </button>`;
    if (!v) {
      return html`<div class="verify"><div class="row">${button('Verify digests')}<span class="hint">reads the whole archive</span></div></div>`;
    }
    if (v.status === 'cancelled' || v.status === 'error') {
      return html`<div class="verify" id="verify-result">
        <div class="row">
          <span class=${v.status === 'error' ? 'result bad' : 'result'}
            >${v.status === 'cancelled' ? 'Verification stopped; nothing was concluded.' : `Verification failed: ${v.error?.message ?? ''}`}</span
          >
          ${button('Verify again')}
        </div>
      </div>`;
    }
    const t = verifyTally(s.summary!);
    const checked = t.ok + t.bad;
    return html`<div class="verify" id="verify-result" data-ok=${t.ok} data-bad=${t.bad} data-unchecked=${t.unchecked}>
      ${t.bad
        ? html`<div class="result bad">✗ ${plural(t.bad, 'layer')} of ${t.layers} ${t.bad === 1 ? 'does' : 'do'} not match ${t.bad === 1 ? 'its' : 'their'} digest or diff_id</div>`
        : checked
          ? html`<div class="result ok">✓ ${t.ok === t.layers ? `All ${plural(t.layers, 'layer')}` : `${t.ok} of ${plural(t.layers, 'layer')}`} match their digest and diff_id</div>`
          : html`<div class="result">No layer could be checked.</div>`}
      <div class="hint">
        ${t.unchecked ? `${t.unchecked} not checked (not stored or unreadable) · ` : ''}verified in ${formatDuration(v.elapsedMs)}${v.reopened
          ? ' (the archive is compressed as a whole, so it was read again from its start)'
          : ''}
      </div>
    </div>`;
  }

  private renderImage() {
    const s = this.session;
    const d = s.summary!;
    const img = s.currentImage;
    return html`<section class="card" id="image-panel" aria-label="Image">
      <h2>${d.images.length > 1 ? `Images (${d.images.length})` : 'Image'}</h2>
      <div class="body">
        ${d.images.length > 1
          ? html`<ul class="images" id="image-picker">
              ${d.images.map(
                (im) => html`<li>
                  <button aria-pressed=${im.index === s.image ? 'true' : 'false'} data-index=${im.index} @click=${() => s.selectImage(im.index)}>
                    <span class="tagline"
                      >${imageTitle(im)}${d.images.some((o) => o !== im && imageTitle(o) === imageTitle(im))
                        ? html` · <strong>${platformString(im.platform)}</strong>`
                        : nothing}</span
                    >
                    <span class="sub">${im.id ?? 'no id'} · ${platformString(im.platform)} · ${plural(im.layers.length, 'layer')} · ${formatBytes(im.size)}</span>
                  </button>
                </li>`,
              )}
            </ul>`
          : nothing}
        ${img ? this.renderImageSummary(img) : html`<p class="muted">No image found in this archive.</p>`}
        ${d.attestations.length
          ? html`<h3 class="section-title" id="attestations">Attestations (not images)</h3>
              <ul class="attestations" id="attestation-list">
                ${d.attestations.map((a) => {
                  const target = d.images.find((im) => im.manifest_digest && im.manifest_digest === a.reference_digest);
                  return html`<li class="attestation" title=${a.manifest_digest}>
                    <span>${a.reference_type === 'attestation-manifest' ? 'Build attestation' : a.reference_type || 'Attestation'}</span>
                    ${target
                      ? html`for <button class="link" @click=${() => s.selectImage(target.index)}>${imageTitle(target)} (${platformString(target.platform)})</button>`
                      : a.reference_digest
                        ? html`for <span class="mono">${shortDigest(a.reference_digest)}</span>`
                        : nothing}
                    <span class="sub mono">${shortDigest(a.manifest_digest)}${a.predicate_types.length ? ` · ${a.predicate_types.join(', ')}` : ''}</span>
                  </li>`;
                })}
              </ul>`
          : nothing}
      </div>
    </section>`;
  }

  private renderImageSummary(img: ImageDoc) {
    const empties = img.history.filter((h) => h.empty_layer).length;
    return html`<dl class="kv" id="image-summary">
      <dt>Tags</dt>
      <dd class="chips" id="tags">${img.tags.length ? img.tags.map((t) => html`<span class="chip">${t}</span>`) : html`<span class="muted">untagged</span>`}</dd>
      <dt>ID</dt>
      <dd><span class="mono" title=${img.config_digest ?? ''}>${img.id ?? '–'}</span>${img.config_digest ? html` <ls-copy .text=${img.config_digest} label="Copy the image ID (config digest)"></ls-copy>` : nothing}</dd>
      ${img.manifest_digest
        ? html`<dt>Manifest</dt>
            <dd><span class="mono" title=${img.manifest_digest}>${shortDigest(img.manifest_digest)}</span> <ls-copy .text=${img.manifest_digest} label="Copy the manifest digest"></ls-copy></dd>`
        : nothing}
      <dt>Platform</dt>
      <dd>${platformString(img.platform)}</dd>
      <dt>Created</dt>
      <dd title=${img.created ?? ''}>${formatTime(img.created)}${img.created ? html` <span class="faint">(${formatAgo(img.created)})</span>` : nothing}</dd>
      ${img.author ? html`<dt>Author</dt><dd>${img.author}</dd>` : nothing}
      <dt>Size</dt>
      <dd>${formatBytes(img.size)} stored${img.uncompressed_size && img.uncompressed_size !== img.size ? html` · ${formatBytes(img.uncompressed_size)} uncompressed` : nothing}</dd>
      <dt>Layers</dt>
      <dd id="layer-count">${plural(img.layers.length, 'layer')} · ${plural(img.history.length, 'history step')}${empties ? ` (${empties} without a layer)` : ''}</dd>
    </dl>`;
  }

  private renderLayers(img: ImageDoc) {
    const s = this.session;
    const verified = s.verification?.status === 'done' || img.layers.some((l) => l.computed_digest || l.computed_diff_id);
    return html`<section class="card layers-card" aria-label="Layers">
      <h2>Layers</h2>
      <ul class="layers" id="layers">
        ${img.layers.map((l) => {
          const h = img.history.find((x) => x.layer === l.index);
          const ins = h ? toInstruction(h.created_by) : null;
          const c = l.changes;
          return html`<li>
            <div
              class="layer"
              role="button"
              tabindex="0"
              data-layer=${l.index}
              aria-pressed=${l.index === s.layer ? 'true' : 'false'}
              @click=${() => this.selectLayer(l.index, { tab: 'files' })}
              @keydown=${(e: KeyboardEvent) => {
                if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) {
                  e.preventDefault();
                  this.selectLayer(l.index, { tab: 'files' });
                }
              }}
            >
              <span class="idx">#${l.index}</span>
              <span class="cmd" title=${h?.created_by ?? ''}>${ins ? html`<span class="kw">${ins.keyword}</span> ${ins.args}` : html`<span class="faint">no history entry</span>`}</span>
              <span class="size">${formatBytes(l.uncompressed_size ?? l.size)}</span>
              <span class="meta">
                ${c
                  ? html`<span class="counts" title="paths added / modified / deleted"
                      ><span class="mark A">+${formatCount(c.added)}</span><span class="mark M">~${formatCount(c.modified)}</span><span class="mark D">−${formatCount(c.deleted)}</span></span
                    >`
                  : nothing}
                ${l.compression !== 'none' ? html`<span>${l.compression} ${formatBytes(l.size)}</span>` : nothing}
                ${l.present ? nothing : html`<span class="absent">not stored in this archive</span>`}
                ${l.error ? html`<span class="absent" title=${l.error}>unreadable</span>` : nothing}
                ${l.digest
                  ? html`<span class="digest" title=${l.digest}>${shortDigest(l.digest)}</span><ls-copy .text=${l.digest} label="Copy the layer digest"></ls-copy>`
                  : nothing}
                ${verified ? this.renderChecks(l) : nothing}
              </span>
            </div>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  /** ✓/✗ for the layer's digest and diff_id (after verification). */
  private renderChecks(l: LayerDoc) {
    const c = layerChecks(l);
    const one = (kind: 'digest' | 'diff_id', check: Check, expected: string | null, computed: string | undefined) => {
      const what = kind === 'digest' ? 'the stored blob' : 'the uncompressed layer';
      const title =
        check === 'ok'
          ? `${kind} verified: ${what} hashes to ${computed}`
          : check === 'bad'
            ? `${kind} MISMATCH: ${what} hashes to ${computed}, expected ${expected}`
            : `${kind} not checked${computed ? ` (computed ${computed}; nothing to compare with)` : ''}`;
      return html`<span class=${`check ${check}`} data-kind=${kind} data-check=${check} data-computed=${computed ?? ''} title=${title}
        >${check === 'ok' ? '✓' : check === 'bad' ? '✗' : '–'} ${kind}</span
      >`;
    };
    return html`${one('digest', c.digest, l.digest, l.computed_digest)}${one('diff_id', c.diffId, l.diff_id, l.computed_diff_id)}`;
  }
}

export function imageTitle(img: ImageDoc): string {
  if (img.tags.length) return img.tags.join(', ');
  return `untagged ${img.id ?? `#${img.index}`}`;
}

function layerOptionLabel(img: ImageDoc, l: LayerDoc): string {
  const h = img.history.find((x) => x.layer === l.index);
  const ins = h ? toInstruction(h.created_by) : null;
  const text = ins ? `${ins.keyword} ${ins.args}`.trim() : '';
  const short = text.length > 48 ? text.slice(0, 47) + '…' : text;
  return `#${l.index} · ${formatBytes(l.uncompressed_size ?? l.size)}${short ? ` · ${short}` : ''}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-archive-view': ArchiveView;
  }
}
