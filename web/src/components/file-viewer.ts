// The file viewer: metadata, then the content as text with line numbers, as
// hex, or as an image preview (an <img> of a blob: URL of the bytes — SVG is
// never put into the DOM as markup, so its scripts cannot run). Symlinks and
// hard links show their targets; whiteout-deleted paths link to the version
// below. Content is read in pages of 1 MiB; "Load more" continues (the core
// keeps the file open, so the next page continues where the last stopped).
// Paging, sniffing, decoding and whole-file reads are the content loader's
// (state/content.ts); this file renders.
// "History of this path" lists every layer that added, modified or deleted it.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { CHANGES, ENTRY_TYPES, type PathEvent } from '../engine';
import type { ArchiveSession, CompareRequest } from '../state/session';
import { F_CONTEXT, T_DIR, T_HARDLINK, contentSize, hasKids, weightOf, type TreeModel } from '../state/tree';
import type { TreeView, ViewerMode } from '../state/hash';
import { basename, formatBytes, formatCount, formatMode, formatUnixTime, octal, plural, resolveLink } from '../state/format';
import { ContentLoader, HEX_ROW, IMAGE_MAX, PAGE, hexRow, viewMode, type Content } from '../state/content';
import { errorLine, errorTitle } from '../state/errors';
import { elfSummary, type ElfSummary } from '../state/elf';
import { findRows, nextMatch, splitMatches, wrapRows, type Rows } from '../state/text-view';
import type { VirtualList } from './virtual-list';
import { icons } from './icons';
import { fileViewerStyles, VIEWER_LINE_H as LINE_H } from './file-viewer.styles';
import './virtual-list';
import './copy-button';
import './view-warnings';
import { fileWarnings, uniqueWarnings } from '../state/view-warnings';

/** Files up to this size download from memory at once; bigger ones go through the export dialog. */
const DOWNLOAD_IN_MEMORY = 32 << 20;

@customElement('ls-file-viewer')
export class FileViewer extends LitElement {
  static styles = fileViewerStyles;

  @property({ attribute: false }) session: ArchiveSession | null = null;
  @property({ type: Number }) image = 0;
  @property({ type: Number }) layer = 0;
  @property({ attribute: false }) model: TreeModel | null = null;
  @property({ type: Number }) node = -1;
  @property() path = '';
  @property() mode: ViewerMode = 'auto';
  /** Changes when the session's state changed (e.g. a path history arrived). */
  @property({ attribute: false }) version: unknown = 0;

  @state() private tick = 0;
  @state() private downloading: { done: number; total: number } | null = null;
  @state() private imageUrl = '';
  @state() private imageInfo = '';
  /** text view: long lines wrap at the viewer's width */
  @state() private wrap = false;
  /** text view: the search term, and the row of the match shown */
  @state() private query = '';
  @state() private matchRow = -1;
  private wrapped: { key: string; rows: Rows } | null = null;
  private found: { key: string; rows: number[] } | null = null;

  @query('ls-virtual-list') private list?: HTMLElement;
  private timer = 0;
  private imageFor = '';
  private historyTimer = 0;
  private readonly loader = new ContentLoader(() => this.tick++);
  private get content(): Content | null {
    return this.loader.content;
  }
  /** "History of this path" open or collapsed; kept across files. */
  private static historyOpen = true;

  /**
   * Moves the focus to the content. The file may not be shown yet (its read is debounced and
   * asynchronous), so the wish is kept until it is: the content takes the focus when it arrives,
   * unless another file was chosen or the user went to a field meanwhile.
   */
  focusContent(): void {
    this.focusFor = null;
    this.focusWanted = true;
    this.requestUpdate();
  }
  private focusWanted = false;
  /** the entry the focus is wanted for: the one shown by the first update after focusContent */
  private focusFor: string | null = null;

  protected updated(): void {
    if (!this.focusWanted) return;
    const key = this.entryKey;
    this.focusFor ??= key;
    const c = this.content;
    const settled = !this.isFileLike || (c?.key === key && !c.loading);
    if (this.focusFor !== key) this.focusWanted = false; // another file was chosen first
    else if (this.list || settled) {
      this.focusWanted = false;
      if (!typingElsewhere(this)) (this.list ?? this.renderRoot.querySelector<HTMLElement>('button'))?.focus();
    }
  }

  connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKey);
  }

  /** Esc (outside a field) goes back to the file tree. */
  private onKey = (e: KeyboardEvent): void => {
    const t = e.composedPath()[0] as HTMLElement | undefined;
    if (e.key !== 'Escape' || t?.tagName === 'INPUT') return;
    e.preventDefault();
    this.dispatchEvent(new CustomEvent('ls-focus-pane', { detail: 'tree', bubbles: true, composed: true }));
  };

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    this.dropImage();
    clearTimeout(this.timer);
    clearTimeout(this.historyTimer);
  }

  private get entryKey(): string {
    return `${this.session?.id}|${this.image}|${this.layer}|${this.path}`;
  }

  private get isFileLike(): boolean {
    const m = this.model;
    const i = this.node;
    if (!m || i < 0) return false;
    const t = ENTRY_TYPES[m.type[i]];
    return t === 'file' || t === 'hardlink';
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('session') || changed.has('image') || changed.has('path')) && this.session && this.path) {
      // Debounced like the content: arrowing through rows should not queue a request per row.
      clearTimeout(this.historyTimer);
      const s = this.session;
      const image = this.image;
      const path = this.path;
      if (!s.peekPathHistory(image, path))
        this.historyTimer = window.setTimeout(() => {
          if (this.session === s && this.image === image && this.path === path) {
            s.pathHistory(image, path);
            this.tick++;
          }
        }, 90);
    }
    if (changed.has('session') || changed.has('image') || changed.has('layer') || changed.has('path') || changed.has('model') || changed.has('node')) {
      const key = this.entryKey;
      if (this.content?.key !== key) {
        this.loader.select(key, this.session?.engine ?? null, { image: this.image, layer: this.layer, path: this.path });
        this.dropImage();
        clearTimeout(this.timer);
        if (this.isFileLike) {
          // Debounced: arrowing through a directory should not queue a read per row.
          this.timer = window.setTimeout(() => this.loadPage(key, 0, true), 90);
        }
      }
    }
  }

  private dropImage(): void {
    if (this.imageUrl) URL.revokeObjectURL(this.imageUrl);
    this.imageUrl = '';
    this.imageInfo = '';
    this.imageFor = '';
  }

  /** Loads PAGE bytes at `offset` (appending when it continues what is loaded). */
  private async loadPage(key: string, offset: number, first = false, length = PAGE): Promise<void> {
    if (!this.session || key !== this.entryKey || key !== this.loader.selectedKey) return;
    if ((await this.loader.load(offset, first, length)) && this.effectiveMode() === 'image') void this.ensureImage();
  }

  private effectiveMode(): 'text' | 'hex' | 'image' {
    return viewMode(this.mode, this.content);
  }

  private async ensureImage(): Promise<void> {
    const c = this.content;
    const m = this.model;
    if (!c || !this.session || !m || !c.image || this.imageFor === c.key) return;
    const size = contentSize(m, this.node);
    if (size === null || size > IMAGE_MAX) return;
    this.imageFor = c.key;
    const bytes = await this.loader.imageBytes(size);
    if (!bytes || this.content !== c) return;
    this.imageUrl = URL.createObjectURL(new Blob([bytes as BlobPart], { type: c.image }));
  }

  private setMode(mode: ViewerMode): void {
    this.dispatchEvent(new CustomEvent('ls-mode', { detail: mode, bubbles: true, composed: true }));
    if (mode === 'image') void this.ensureImage();
  }

  private goto(path: string, layer?: number, view?: TreeView): void {
    this.dispatchEvent(new CustomEvent('ls-goto', { detail: { path, layer, view }, bubbles: true, composed: true }));
  }

  private async download(): Promise<void> {
    const s = this.session;
    const m = this.model;
    const size = m ? contentSize(m, this.node) : null;
    if (!s || !m || size === null || this.downloading) return;
    if (size > DOWNLOAD_IN_MEMORY) {
      // A big file goes through the export dialog: written to disk by a worker, never held here.
      this.dispatchEvent(new CustomEvent('ls-export', { detail: 'file', bubbles: true, composed: true }));
      return;
    }
    this.downloading = { done: 0, total: size };
    try {
      const parts = await this.loader.readWhole(size, (done) => (this.downloading = { done, total: size }));
      const url = URL.createObjectURL(new Blob(parts as BlobPart[], { type: 'application/octet-stream' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = basename(this.path) || 'file';
      a.rel = 'noopener';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 30_000);
    } catch (e) {
      this.loader.fail(e);
    }
    this.downloading = null;
  }

  render() {
    const m = this.model;
    const i = this.node;
    if (!this.path || !m) return html`<div class="placeholder">Select a file to see its content.<br />↑↓ to move, Enter to open, / to filter.</div>`;
    if (i < 0) return html`<div class="placeholder">${this.path} is not in this view.</div>`;
    return html`${this.renderHead(m, i)}${this.renderWarnings()}${this.renderHistory(m, i)}${this.renderBody(m, i)}`;
  }

  /** The warnings that name this path or make every file doubtful: of its read, and of its history. */
  private renderWarnings() {
    const c = this.content;
    const read = c && c.key === this.loader.selectedKey && this.loader.selectedKey === this.entryKey ? c.warnings : [];
    const h = this.session?.peekPathHistory(this.image, this.path);
    const ws = uniqueWarnings([...read, ...fileWarnings(h?.value?.warnings ?? [], this.path)]);
    return html`<ls-view-warnings id="file-warnings" what="this file" .warnings=${ws}></ls-view-warnings>`;
  }

  /** Every layer that added, modified or deleted this path; each links to that layer's changes. */
  private renderHistory(m: TreeModel, i: number) {
    const s = this.session;
    if (!s) return nothing;
    let h = s.peekPathHistory(this.image, this.path);
    // Cancelled (the worker was terminated): ask again.
    if (h?.error?.code === 'cancelled') h = s.pathHistory(this.image, this.path);
    const events = h?.value?.events ?? null;
    // The version shown: written by layerOf (merged view), or this layer's own change.
    const shownLayer = m.layerOf[i] >= 0 ? m.layerOf[i] : -1;
    return html`<details
      class="hist"
      id="path-history"
      ?open=${FileViewer.historyOpen}
      @toggle=${(e: Event) => (FileViewer.historyOpen = (e.target as HTMLDetailsElement).open)}
    >
      <summary
        >${icons.chevron} History of this path
        <span class="count"
          >${events ? `(${events.length === 0 ? 'no layer wrote it' : plural(events.length, 'layer')})` : h?.error ? '' : '…'}</span
        ></summary
      >
      <div class="hist-body">
        ${h?.error
          ? html`<div class="none">${errorLine(h.error)}</div>`
          : !events
            ? html`<div class="none">reading…</div>`
            : events.length === 0
              ? html`<div class="none">No layer has an entry for this path: it is a parent directory implied by the paths below.</div>`
              : html`<table>
                  <tbody>
                    ${events.map((e, k) => this.historyRow(e, m, shownLayer, k > 0 ? events[k - 1] : undefined))}
                  </tbody>
                </table>`}
      </div>
    </details>`;
  }

  private compare(from: number, to: number, path: string): void {
    this.dispatchEvent(new CustomEvent<CompareRequest>('ls-compare', { detail: { from, to, path }, bubbles: true, composed: true }));
  }

  private historyRow(e: PathEvent, m: TreeModel, shownLayer: number, prev: PathEvent | undefined) {
    // A rewrite of a file that an earlier layer wrote: its content diff (the Compare tab).
    const diffable = e.change === 'modified' && e.type === 'file' && prev && prev.type === 'file';
    const letter = e.change === 'added' ? 'A' : e.change === 'modified' ? 'M' : e.change === 'deleted' ? 'D' : '';
    const shown = e.layer === shownLayer;
    const later = e.layer > m.layer;
    const isFile = e.type === 'file' || e.type === 'hardlink';
    return html`<tr
      class=${`${shown ? 'shown' : ''}${later ? ' later' : ''}`}
      data-layer=${e.layer}
      data-change=${e.change}
      title=${later ? `after layer ${m.layer}, the layer being viewed` : ''}
    >
      <td>
        <button class="link mono" @click=${() => this.goto(e.path, e.layer, 'layer')} title=${`Show what layer ${e.layer} changed`}>layer ${e.layer}</button>
      </td>
      <td>${letter ? html`<span class=${`mark ${letter}`} title=${e.change}>${letter}</span>` : nothing}</td>
      <td class="num">${isFile ? formatBytes(e.size) : ''}</td>
      <td class="mono" title=${e.change === 'deleted' ? '' : `mode ${octal(e.mode)}`}>${e.change === 'deleted' ? 'deleted (whiteout)' : `${formatMode(e.type, e.mode)} ${octal(e.mode)}`}</td>
      <td class="mono">${e.change === 'deleted' || e.implicit ? '' : `${e.uid}:${e.gid}`}</td>
      <td class="grow">
        ${e.link ? html`<span class="mono">${e.type === 'hardlink' ? '⇒' : '→'} ${e.link}</span> ` : nothing}
        ${shown ? html`<span class="tag">shown</span>` : nothing}
        ${diffable
          ? html`<button class="link small diff-link" title=${`What layer ${e.layer} changed in the file written by layer ${prev!.layer}`} @click=${() => this.compare(prev!.layer, e.layer, e.path)}>
              diff with layer ${prev!.layer}
            </button>`
          : nothing}
      </td>
    </tr>`;
  }

  private renderHead(m: TreeModel, i: number) {
    const type = ENTRY_TYPES[m.type[i]];
    const ctx = (m.flags[i] & F_CONTEXT) !== 0;
    const change = CHANGES[m.change[i]];
    const full = '/' + m.paths[i];
    return html`<div class="head">
      <div class="path" id="viewer-path"><span>${full}</span><ls-copy .text=${full} label="Copy the path"></ls-copy></div>
      <div class="facts" id="viewer-facts">
        ${ctx
          ? html`<span>unchanged directory</span>`
          : html`<span><b>${type === 'deleted' ? 'deleted' : type}</b></span>
              ${type === 'file' || type === 'hardlink' ? this.renderSize(m, i) : nothing}
              ${type === 'dir' ? html`<span>${plural(m.desc[i], 'entry', 'entries')} below · ${formatBytes(m.agg[i])}</span>` : nothing}
              ${type !== 'deleted'
                ? html`<span class="mono" title=${`mode ${octal(m.mode[i])}`}>${formatMode(type, m.mode[i])} ${octal(m.mode[i])}</span>
                    <span>owner <span class="mono">${m.uid[i]}:${m.gid[i]}</span></span>
                    <span>modified ${formatUnixTime(m.mtime[i])}</span>`
                : nothing}
              ${m.layerOf[i] >= 0
                ? html`<span
                    >${change === 'added' ? 'added' : change === 'modified' ? 'modified' : change === 'deleted' ? 'deleted' : 'written'} by
                    <button class="link" @click=${() => this.goto(m.paths[i], m.layerOf[i], 'layer')}>layer ${m.layerOf[i]}</button></span
                  >`
                : nothing}`}
      </div>
    </div>`;
  }

  /** "1.50 KiB (1,536 bytes)"; a hard link's is its target's (its own tar entry says 0). */
  private renderSize(m: TreeModel, i: number) {
    const size = contentSize(m, i);
    const what = m.type[i] === T_HARDLINK ? html`<span id="hardlink-size">hard link · ${size === null ? 'size of the target unknown here' : html`the target’s ${formatBytes(size)}`}</span>` : nothing;
    if (m.type[i] === T_HARDLINK) return what;
    return html`<span>${formatBytes(m.size[i])}${m.size[i] >= 1024 ? ` (${formatCount(m.size[i])} bytes)` : ''}</span>`;
  }

  /** What the deleted copy weighed, from the merged listing below this layer (when it is loaded). */
  private deletedWeight(path: string) {
    const below = this.session?.treeBelow()?.model ?? null;
    const j = below?.byPath.get(path);
    if (!below || j === undefined) return nothing;
    return html`<p id="deleted-size">The deleted copy weighed ${formatBytes(weightOf(below, j))} as of layer ${below.layer}.</p>`;
  }

  private renderBody(m: TreeModel, i: number) {
    const type = ENTRY_TYPES[m.type[i]];
    const ctx = (m.flags[i] & F_CONTEXT) !== 0;
    if (ctx || type === 'dir' || (hasKids(m, i) && m.type[i] === T_DIR)) {
      return html`<div class="note">
        <p>Directory${ctx ? ' (not changed by this layer; it holds changed paths)' : ''}: ${plural(m.desc[i], 'entry', 'entries')} below, ${formatBytes(m.agg[i])} of files.</p>
      </div>`;
    }
    if (type === 'deleted') {
      const lyr = m.layerOf[i] >= 0 ? m.layerOf[i] : m.layer;
      return html`<div class="note" id="deleted-note">
        <p>This path was <strong>deleted</strong> by layer ${lyr} (a whiteout); it is absent from the merged filesystem from this layer on.</p>
        ${this.deletedWeight(m.paths[i])}
        ${lyr > 0
          ? html`<button class="btn small" @click=${() => this.goto(m.paths[i], lyr - 1, 'merged')}>Show it as of layer ${lyr - 1}</button>`
          : nothing}
      </div>`;
    }
    if (type === 'symlink') {
      const target = m.links[i];
      const resolved = resolveLink(m.paths[i], target);
      const present = this.model?.merged ? this.model.byPath.has(resolved) : undefined;
      return html`<div class="note" id="link-note">
        <p>Symbolic link to <span class="mono">${target}</span></p>
        <p>Resolves to <span class="mono">/${resolved}</span>${present === false ? html` — <strong>not present</strong> in this filesystem (dangling)` : nothing}</p>
        <button class="btn small" @click=${() => this.goto(resolved, undefined, 'merged')}>${icons.arrowRight} Go to the target</button>
      </div>`;
    }
    if (type !== 'file' && type !== 'hardlink') {
      return html`<div class="note"><p>A special file (${type}); it has no content to show.</p></div>`;
    }
    return html`${type === 'hardlink'
        ? html`<div class="note" id="link-note">
            <p>Hard link to <span class="mono">/${m.links[i]}</span>: the same content.</p>
            <button class="btn small" @click=${() => this.goto(m.links[i])}>${icons.arrowRight} Go to the target</button>
          </div>`
        : nothing}
      ${this.renderContent(m, i)}`;
  }

  private renderContent(m: TreeModel, i: number) {
    const c = this.content;
    const mode = this.effectiveMode();
    const known = contentSize(m, i);
    const size = known ?? 0;
    const loaded = c ? c.base + c.bytes.length : 0;
    const dl = this.downloading;
    let bar = html`<div class="bar">
      <div class="seg small" role="group" aria-label="Show as">
        <button id="mode-text" aria-pressed=${mode === 'text' ? 'true' : 'false'} @click=${() => this.setMode('text')}>Text</button>
        <button id="mode-hex" aria-pressed=${mode === 'hex' ? 'true' : 'false'} @click=${() => this.setMode('hex')}>Hex</button>
        <button id="mode-image" aria-pressed=${mode === 'image' ? 'true' : 'false'} ?disabled=${!c?.image} @click=${() => this.setMode('image')}>Image</button>
      </div>
      <span class="spacer"></span>
      <span class="status" id="viewer-status"
        >${c?.loading ? 'reading…' : c ? loadedText(c.base, loaded, c.eof, known) : ''}${mode === 'text' && c
          ? ` · ${plural(c.lines, "line")}`
          : ''}</span
      >
      ${c?.loading || dl
        ? html`<button class="btn small" id="cancel-read" title="Stop reading (the archive is indexed again on the next request)" @click=${() => this.loader.cancel()}>
            Cancel
          </button>`
        : nothing}
      <button class="btn small" id="download" @click=${() => this.download()} ?disabled=${!!dl || known === null} title=${known === null ? 'The size of the link’s target is not known in this view' : 'Save this file'}>
        ${icons.download}${dl ? ` ${dl.total ? Math.floor((100 * dl.done) / dl.total) : 0}%` : ' Download'}
      </button>
    </div>`;
    if (!c) return html`${bar}<div class="placeholder">reading…</div>`;
    const elf = c.base === 0 && !c.error ? elfSummary(c.bytes) : null;
    if (elf) bar = html`${bar}${renderElf(elf, loaded)}`;
    if (c.error)
      return html`${bar}<div class="err err-box" role="alert"><strong>${errorTitle(c.error.code)}</strong>: ${c.error.message}${c.error.where ? html` <span class="mono">(${c.error.where})</span>` : nothing}</div>`;
    const more =
      !c.eof && !c.loading
        ? html`<div class="more">
            Showing ${formatBytes(loaded - c.base)}${known === null ? '' : ` of ${formatBytes(size)}`}${c.base ? ` from offset ${formatCount(c.base)}` : ''}.
            <button class="btn small" id="load-more" @click=${() => this.loadPage(c.key, loaded)}>Load next ${formatBytes(PAGE)}</button>
            ${known !== null && size - loaded <= 64 * PAGE
              ? html`<button class="btn small" id="load-all" @click=${() => this.loadPage(c.key, loaded, false, size - loaded)}>Load the rest</button>`
              : nothing}
          </div>`
        : nothing;
    if (mode === 'image') {
      return html`${bar}
        <div class="body">
          ${size > IMAGE_MAX
            ? html`<div class="note">This image is larger than ${formatBytes(IMAGE_MAX)}; download it to view it.</div>`
            : this.imageUrl
              ? html`<div class="img-wrap">
                  <img
                    id="preview"
                    src=${this.imageUrl}
                    alt=${`Preview of ${basename(this.path)}`}
                    @load=${(e: Event) => {
                      const img = e.target as HTMLImageElement;
                      this.imageInfo = `${img.naturalWidth} × ${img.naturalHeight} px`;
                    }}
                    @error=${() => (this.imageInfo = 'the browser could not decode this image')}
                  />
                </div>
                <div class="more">${c.image}${this.imageInfo ? ` · ${this.imageInfo}` : ''}</div>`
              : html`<div class="placeholder">preparing preview…</div>`}
        </div>`;
    }
    if (mode === 'hex') {
      const rows = Math.ceil(c.bytes.length / HEX_ROW);
      return html`${bar}
        <div class="body">
          <ls-virtual-list
            id="hex"
            tabindex="0"
            aria-label="Hex dump"
            .count=${rows}
            .rowHeight=${LINE_H}
            .contentWidth=${'calc(76ch + 24px)'}
            .renderRow=${(r: number) => this.hexRow(c, r)}
            .version=${c.bytes.length}
          ></ls-virtual-list>
          <div class="more">
            ${!c.eof || c.base > 0
              ? html`<span>${loadedText(c.base, loaded, false, known)}</span>
                  ${!c.eof ? html`<button class="btn small" id="load-more" @click=${() => this.loadPage(c.key, loaded)}>Load next ${formatBytes(PAGE)}</button>` : nothing}`
              : html`<span>${formatCount(c.bytes.length)} bytes</span>`}
            <form
              class="goto"
              @submit=${(e: Event) => {
                e.preventDefault();
                const v = ((e.target as HTMLFormElement).elements.namedItem('off') as HTMLInputElement).value.trim();
                const off = /^0x/i.test(v) ? parseInt(v, 16) : Number(v);
                if (Number.isFinite(off) && off >= 0 && off < size) this.loadPage(c.key, Math.floor(off / HEX_ROW) * HEX_ROW);
              }}
            >
              <label>Go to offset <input name="off" placeholder="0x1000" aria-label="Offset" /></label>
            </form>
          </div>
        </div>`;
    }
    if (c.base !== 0) {
      // text needs the file from its start; reload from 0
      return html`${bar}<div class="note"><button class="btn small" @click=${() => this.loadPage(c.key, 0, true)}>Show the text from the start</button></div>`;
    }
    const v = this.textRows(c);
    return html`${bar}${this.renderFind(v)}
      <div class="body">
        ${c.text ? nothing : html`<div class="note">This looks like binary data; showing it as text anyway.</div>`}
        <ls-virtual-list
          id="text"
          class=${this.wrap ? 'wrapped' : ''}
          tabindex="0"
          aria-label="File content"
          .count=${v.rows.length}
          .rowHeight=${LINE_H}
          .contentWidth=${this.wrap ? '' : `calc(${Math.max(c.maxLen, 10) + 10}ch + 20px)`}
          .renderRow=${(r: number) => this.textRow(v, r)}
          .version=${`${v.rows.length}|${this.wrap}|${this.query}|${this.matchRow}`}
        ></ls-virtual-list>
        ${more}
      </div>`;
  }

  /** The rows shown: as decoded, or wrapped at the viewer's width (cached per width). */
  private textRows(c: Content): Rows {
    if (!this.wrap) return c;
    const list = this.list;
    const ch = 0.6 * parseFloat(list ? getComputedStyle(list).fontSize : '12');
    const cols = Math.max(20, Math.floor(((list?.clientWidth ?? 600) - 24) / ch) - 8);
    const key = `${c.key}|${c.rows.length}|${cols}`;
    if (this.wrapped?.key !== key) this.wrapped = { key, rows: wrapRows(c, cols) };
    return this.wrapped.rows;
  }

  /** The rows that hold the search term (cached per rows and term). */
  private matchRows(v: Rows): number[] {
    const key = `${this.wrapped?.key ?? ''}|${v.rows.length}|${this.query}`;
    if (this.found?.key !== key) this.found = { key, rows: findRows(v.rows, this.query) };
    return this.found.rows;
  }

  /** Enter: the next match (Shift+Enter: the previous), scrolled into the middle. */
  private findNext(v: Rows, back: boolean): void {
    const row = nextMatch(this.matchRows(v), this.matchRow, back);
    this.matchRow = row;
    if (row >= 0) (this.list as VirtualList | undefined)?.scrollToIndex(row, 'center');
  }

  private renderFind(v: Rows) {
    const m = this.query ? this.matchRows(v) : [];
    const at = m.indexOf(this.matchRow);
    return html`<div class="find">
      <button class="btn small" id="wrap" aria-pressed=${this.wrap ? 'true' : 'false'} @click=${() => (this.wrap = !this.wrap)} title="Wrap long lines">Wrap</button>
      <input
        id="find"
        type="search"
        placeholder="Find in this file"
        aria-label="Find in this file"
        .value=${this.query}
        @input=${(e: Event) => {
          this.query = (e.target as HTMLInputElement).value;
          this.matchRow = -1;
        }}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            this.findNext(v, e.shiftKey);
          }
        }}
      />
      <span class="find-count" id="find-count">${this.query ? (m.length ? `${at >= 0 ? `${at + 1} of ` : ''}${plural(m.length, 'line')}` : 'not in the part read') : ''}</span>
    </div>`;
  }

  private textRow(v: Rows, r: number) {
    const n = v.lineNo[r];
    const text = v.rows[r];
    return html`<div class=${r === this.matchRow ? 'ln-row cur' : 'ln-row'}>
      <span class="ln">${n ? n : '↪'}</span><span
        >${this.query ? splitMatches(text, this.query).map((p) => (p.hit ? html`<mark>${p.text}</mark>` : p.text)) : text}</span
      >
    </div>`;
  }

  private hexRow(c: Content, r: number) {
    const row = hexRow(c, r);
    return html`<div class="hex-row"><span class="off">${row.offset}</span><span>${row.hex}</span><span class="ascii">${row.ascii}</span></div>`;
  }
}

/** The executable's summary (state/elf.ts): what `file` and `readelf -d` would say first. */
function renderElf(e: ElfSummary, read: number) {
  const unknown = `not known from the first ${formatBytes(read)}`;
  return html`<dl class="elf" id="elf-summary">
    <dt>Executable</dt>
    <dd>${e.cls} ${e.endian}-endian ${e.type}, ${e.machine}</dd>
    <dt>Linking</dt>
    <dd>${e.linking === 'static' ? 'static (no interpreter, no dynamic section)' : html`dynamic${e.interpreter ? html`, interpreter <span class="mono">${e.interpreter}</span>` : nothing}`}</dd>
    ${e.linking === 'dynamic'
      ? html`<dt>Needs</dt>
          <dd class="mono">${e.needed === null ? unknown : e.needed.length ? e.needed.join(' ') : 'no libraries'}</dd>`
      : nothing}
    <dt>Symbols</dt>
    <dd>${e.stripped === null ? unknown : e.stripped ? 'stripped (no symbol table)' : 'not stripped (has a symbol table)'}</dd>
  </dl>`;
}

/** "7 B", or "0 B–1.00 MiB of 3.00 MiB" while paging; without "of" when the size is unknown. */
/** Whether the user is in a field outside the viewer (e.g. went to the filter while a file was read). */
function typingElsewhere(viewer: HTMLElement): boolean {
  let a: Element | null = document.activeElement;
  while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
  if (!a || viewer.shadowRoot?.contains(a)) return false;
  return a instanceof HTMLInputElement || a instanceof HTMLTextAreaElement || a instanceof HTMLSelectElement || (a as HTMLElement).isContentEditable;
}

function loadedText(base: number, loaded: number, eof: boolean, size: number | null): string {
  if (eof && base === 0) return formatBytes(size ?? loaded);
  return `${formatBytes(base)}–${formatBytes(loaded)}${size === null ? '' : ` of ${formatBytes(size)}`}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-file-viewer': FileViewer;
  }
}
