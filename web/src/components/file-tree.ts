// The file tree of one listing: a virtualised, keyboard-driven tree with
// A/M/D marks (merged view: the layer that last wrote each path, and whether
// it added or modified it), own and aggregate sizes, type, mode, owner and link targets;
// sort by name or size; filter by substring, glob or regex.
//
// Keys: ↑/↓ move, →/← expand/collapse (or go to child/parent), Enter opens a
// file (or toggles a directory), Home/End, PageUp/PageDown, `/` filters,
// Esc in the filter clears it.
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { CHANGES, ENTRY_TYPES } from '../engine';
import type { Warning } from '../engine';
import './view-warnings';
import type { TreeLoad } from '../state/session';
import { F_CONTEXT, F_IMPLICIT, M_MATCH, T_DELETED, T_DIR, T_HARDLINK, contentSize, hasKids, presortWhenIdle, weightOf, type FilterKind, type SortMode, type TreeModel } from '../state/tree';
import { TreeViewState } from '../state/tree-view';
import { formatBytes, formatCount, formatMode, plural } from '../state/format';
import { errorLine } from '../state/errors';
import { icons, typeIcon } from './icons';
import { setStyle } from './set-style';
import { fileTreeStyles, TREE_ROW_H } from './file-tree.styles';
import './virtual-list';
import type { VirtualList } from './virtual-list';
import { afterNextFrame } from './next-frame';
import { RenderApart } from './update-apart';

@customElement('ls-file-tree')
export class FileTree extends RenderApart(LitElement) {
  static styles = fileTreeStyles;

  @property({ attribute: false }) load: TreeLoad | null = null;
  /** The warnings that concern this listing (the listing's own and a verification's). */
  @property({ attribute: false }) warnings: readonly Warning[] = [];
  @property({ attribute: false }) version: unknown = 0;
  @property({ attribute: false }) selectedPath = '';
  @property({ type: Number }) layerCount = 0;
  /** the load is a range of layers' changes (Changes in layers…) */
  @property({ type: Boolean }) range = false;
  /** the merged filesystem below this layer (a layer's changes only): the sizes of what it deletes */
  @property({ attribute: false }) below: TreeModel | null = null;

  @state() private sort: SortMode = 'name';
  @state() private filterKind: FilterKind = 'text';
  @state() private filterText = '';
  @state() private expandTick = 0;
  /**
   * The warnings, the column heads and the list are first drawn a frame after
   * the filter bar: the first render of the tree in one main-thread task took
   * 50-90 ms on a loaded 2-core machine (issue 13: none over 50 ms).
   */
  @state() private listReady = false;

  @query('ls-virtual-list') private list!: VirtualList;
  @query('#filter') private filterInput!: HTMLInputElement;

  /** expansion, visible rows, filter mask (state/tree-view.ts) */
  private view = new TreeViewState();
  private get model(): TreeModel | null {
    return this.view.model;
  }
  private get rows(): Int32Array {
    return this.view.rows;
  }
  private pendingReveal = true;
  /** set by revealSelected(path): once that path is selected, a filter that hides it is cleared */
  private showPath: string | null = null;

  /** Set by the archive view while it draws an archive's first render in steps:
   *  the tree's own first render (its bar, the listing's rows; 2-15 ms) then
   *  comes in a task after the step that creates it. Not when the Files tab
   *  comes back later (its bar would be a frame late). */
  firstRenderApart = false;

  connectedCallback(): void {
    super.connectedCallback();
    if (this.firstRenderApart) this.apart.arm();
    window.addEventListener('keydown', this.onGlobalKey);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onGlobalKey);
  }

  /** Expands the ancestors of the selected path and scrolls it into view. */
  revealSelected(path?: string): void {
    this.pendingReveal = true;
    this.showPath = path ?? this.selectedPath;
    this.requestUpdate();
  }

  focusTree(): void {
    if (this.list) this.list.focus();
    else this.focusWanted = true; // the list is drawn a frame after the bar (listReady)
  }
  private focusWanted = false;
  /** Enter in the filter before the listing arrived: that load, whose first
   *  row is selected when it arrives (forgotten on another load, its failure,
   *  Escape or more typing) */
  private firstRowFor: TreeLoad | null = null;

  private onGlobalKey = (e: KeyboardEvent): void => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.composedPath()[0] as HTMLElement | undefined;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    // While the listing loads too (the filter applies when it arrives); not
    // for a key another handler took, nor for a tree not shown (several
    // <layer-scope> elements on one page each have theirs).
    if (e.defaultPrevented || !this.isConnected || !this.load) return;
    if (typeof this.checkVisibility === 'function' && !this.checkVisibility()) return;
    e.preventDefault();
    this.filterInput?.focus();
    this.filterInput?.select();
  };

  protected willUpdate(changed: PropertyValues<this>): void {
    if (this.firstRowFor && (this.load !== this.firstRowFor || this.load.error)) this.firstRowFor = null;
    if (this.view.useModel(this.load?.model ?? null)) {
      this.pendingReveal = true;
      const m = this.model;
      if (m) presortWhenIdle(m, this.sort, () => this.isConnected && this.model === m);
    }
    if (changed.has('selectedPath')) this.pendingReveal = true;
    if (this.model && this.pendingReveal && this.selectedPath) this.view.revealAncestors(this.selectedPath);
    this.computeRows();
    const m = this.model;
    if (changed.has('selectedPath') && this.selectedPath !== this.showPath) this.showPath = null;
    if (m && this.showPath !== null && this.showPath === this.selectedPath && m.byPath.has(this.showPath)) {
      // "Go to the target": a filter must not keep the target hidden.
      this.showPath = null;
      if (this.filterText && this.view.rowOfPath(this.selectedPath) === undefined) {
        this.filterText = '';
        this.computeRows();
      }
    }
  }

  private computeRows(): void {
    const v = this.view;
    if (!v.computeRows(this.load?.key, this.sort, this.filterKind, this.filterText, this.expandTick) || !v.partial) return;
    // the first screenful is drawn; the rest in a task after that frame
    const key = v.rowsKey;
    afterNextFrame(() => {
      if (v.completeRows(key)) this.requestUpdate();
    });
  }

  protected firstUpdated(): void {
    afterNextFrame(() => (this.listReady = true));
  }

  protected updated(): void {
    // (both wait for the whole of partial rows: the path may be further down)
    if (this.firstRowFor && this.model && !this.view.partial) {
      this.firstRowFor = null;
      this.selectFirstUnlessShown();
    }
    if (this.focusWanted && this.list) {
      this.focusWanted = false;
      this.list.focus();
    }
    if (this.pendingReveal && this.model && this.listReady && !this.view.partial) {
      this.pendingReveal = false;
      const r = this.view.rowOfPath(this.selectedPath);
      if (r !== undefined) requestAnimationFrame(() => this.list?.scrollToIndex(r, 'center'));
    }
  }

  private select(i: number, open = false): void {
    if (!this.model) return;
    const path = this.model.paths[i];
    this.dispatchEvent(new CustomEvent(open ? 'ls-open-path' : 'ls-select-path', { detail: path, bubbles: true, composed: true }));
  }

  /** the first row, unless the selected path is one of the rows */
  private selectFirstUnlessShown(): void {
    const cur = this.selectedPath ? this.model?.byPath.get(this.selectedPath) : undefined;
    if (this.rows.length && (cur === undefined || !this.view.rowOf.has(cur))) this.select(this.rows[0]);
  }

  private toggle(i: number, force?: boolean): void {
    if (this.view.toggle(i, force)) this.expandTick++;
  }

  private expandAll(open: boolean): void {
    if (!this.model) return;
    this.view.expandAll(open);
    this.expandTick++;
  }

  private onKey(e: KeyboardEvent): void {
    const a = this.view.keyAction(e.key, this.selectedPath, this.list.pageRows);
    if (!a) return;
    e.preventDefault();
    // ← at the top level goes back to the layers; → on a file goes on to the viewer.
    if (a.kind === 'consume' && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      this.dispatchEvent(new CustomEvent('ls-focus-pane', { detail: e.key === 'ArrowLeft' ? 'layers' : 'viewer', bubbles: true, composed: true }));
      return;
    }
    switch (a.kind) {
      case 'go':
        this.select(this.rows[a.row]);
        this.list.scrollToIndex(a.row);
        return;
      case 'toggle':
        return this.toggle(a.node, a.open);
      case 'open':
        return this.select(a.node, true);
      case 'expand-all':
        return this.expandAll(true);
    }
  }

  render() {
    const load = this.load;
    const m = this.model;
    return html`
      <div class="bar">
        <label class="search" title="Filter paths (press /)">
          ${icons.search}
          <input
            id="filter"
            type="search"
            placeholder=${this.filterKind === 'glob' ? 'Glob, e.g. *.conf or etc/**/*.ini' : this.filterKind === 'regex' ? 'Regular expression' : 'Filter paths…'}
            aria-label="Filter paths"
            .value=${this.filterText}
            @input=${(e: Event) => {
              this.firstRowFor = null;
              this.filterText = (e.target as HTMLInputElement).value;
            }}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Escape') {
                this.firstRowFor = null;
                this.filterText = '';
                this.focusTree();
              } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                this.focusTree();
                if (!this.model) this.firstRowFor = this.load && !this.load.error ? this.load : null;
                else this.selectFirstUnlessShown();
              }
            }}
          />
          ${this.filterText ? nothing : html`<kbd>/</kbd>`}
        </label>
        <select id="filter-kind" aria-label="Filter kind" .value=${this.filterKind} @change=${(e: Event) => (this.filterKind = (e.target as HTMLSelectElement).value as FilterKind)}>
          <option value="text">text</option>
          <option value="glob">glob</option>
          <option value="regex">regex</option>
        </select>
        <select id="sort" aria-label="Sort" .value=${this.sort} @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as SortMode)}>
          <option value="name">by name</option>
          <option value="size">by size</option>
          <option value="largest">largest files (flat)</option>
        </select>
      </div>
      <div class="info">
        ${load && !m && !load.error
          ? html`<span>Listing… ${load.total ? `${formatCount(load.done)} of ${formatCount(load.total)} entries` : ''}</span>`
          : nothing}
        ${load?.error ? html`<span class="err">${errorLine(load.error)}</span>` : nothing}
        ${m ? this.renderInfo(m) : nothing}
        ${m && this.sort !== 'largest'
          ? html`<span class="right">
              <button class="btn small" id="expand-all" @click=${() => this.expandAll(true)} title="Expand all (*)">Expand all</button>
              <button class="btn small" id="collapse-all" @click=${() => this.expandAll(false)}>Collapse all</button>
            </span>`
          : nothing}
      </div>
      ${this.listReady ? this.renderList(m) : nothing}
    `;
  }

  private renderList(m: TreeModel | null) {
    return html`<ls-view-warnings id="tree-warnings" .warnings=${this.warnings} what=${m?.merged === false ? 'this layer’s changes' : 'this filesystem'}></ls-view-warnings>
      <div class="head" role="presentation">
        <button aria-pressed=${this.sort === 'name' ? 'true' : 'false'} @click=${() => (this.sort = 'name')}>Name</button>
        <span class="lay" title=${m?.merged ? 'Layer that last wrote the path: A added it, M modified it' : 'Change in this layer'}>${m?.merged ? 'Lyr' : ''}</span>
        <button class="num" aria-pressed=${this.sort === 'size' ? 'true' : 'false'} @click=${() => (this.sort = 'size')}>Size</button>
        <span class="num agg" title="Directories: total size of the files below">Total</span>
        <span class="mode">Mode</span>
        <span class="owner">Owner</span>
      </div>
      ${m && this.rows.length === 0
        ? html`<div class="empty">${this.view.mask || this.view.filterError ? 'No path matches the filter.' : m.merged ? 'The filesystem is empty at this layer.' : 'This layer changes no files.'}</div>`
        : nothing}
      <ls-virtual-list
        id="tree"
        role="tree"
        aria-label="Files"
        tabindex="0"
        .count=${this.rows.length}
        .rowHeight=${TREE_ROW_H}
        .version=${this.view.rowsKey + this.selectedPath}
        .renderRow=${(k: number) => this.renderRow(k)}
        aria-activedescendant=${m && m.byPath.has(this.selectedPath) ? `n${m.byPath.get(this.selectedPath)}` : nothing}
        @keydown=${(e: KeyboardEvent) => this.onKey(e)}
      ></ls-virtual-list>`;
  }

  private renderInfo(m: TreeModel) {
    const total = formatBytes(m.agg[0]);
    return html`<span id="tree-info"
      >${m.merged ? plural(m.entryCount, 'path') : plural(m.entryCount, 'change')} · ${total}${this.view.mask
        ? html` · <strong>${formatCount(this.view.matchCount)}</strong> ${this.view.matchCount === 1 ? 'match' : 'matches'}`
        : nothing}${this.view.filterError ? html` · <span class="err">${this.view.filterError}</span>` : nothing}</span
    >`;
  }

  /** What a deleted path weighed in the layer below (a directory: its files' total); blank while unknown. */
  private deletedSize(path: string) {
    const b = this.below;
    const j = b?.byPath.get(path);
    if (!b || j === undefined) return '';
    return html`<span class="was" title=${`the deleted copy’s size, as of layer ${b.layer}`}>${formatBytes(weightOf(b, j))}</span>`;
  }

  private renderRow(k: number) {
    const m = this.model;
    if (!m || k >= this.rows.length) return nothing;
    const i = this.rows[k];
    const type = ENTRY_TYPES[m.type[i]] ?? 'other';
    const kids = hasKids(m, i);
    const open = kids && this.view.isOpen(i);
    const sel = m.paths[i] === this.selectedPath;
    const change = CHANGES[m.change[i]];
    const ctx = (m.flags[i] & F_CONTEXT) !== 0;
    const deleted = m.type[i] === T_DELETED;
    const isDir = m.type[i] === T_DIR;
    const writtenHere = m.layerOf[i] === m.layer;
    const implicit = (m.flags[i] & F_IMPLICIT) !== 0;
    let mark: unknown = nothing;
    if (!ctx) {
      if (!m.merged) {
        const by = this.range ? 'by these layers' : 'by this layer';
        if (change === 'added') mark = html`<span class="mark A" title=${`added ${by}`}>A</span>`;
        else if (change === 'modified') mark = html`<span class="mark M" title=${`modified ${by}`}>M</span>`;
        else if (change === 'deleted') mark = html`<span class="mark D" title=${this.range ? 'deleted by these layers' : 'deleted by this layer (whiteout)'}>D</span>`;
      } else if (m.layerOf[i] >= 0) {
        // The writing layer's own change: A (added the path) or M (modified it).
        const letter = change === 'added' ? 'A' : change === 'modified' ? 'M' : '';
        const how = letter === 'A' ? 'added' : letter === 'M' ? 'last modified' : 'last written';
        mark = html`<span class=${writtenHere ? 'lnum here' : 'lnum'} title=${`${how} by layer ${m.layerOf[i]}${writtenHere ? ' (this layer)' : ''}`}
          >${letter ? html`<span class=${`chg ${letter}`}>${letter}</span>` : nothing}${m.layerOf[i]}</span
        >`;
      }
    }
    const flat = this.sort === 'largest';
    const cls = `r${sel ? ' sel' : ''}${ctx ? ' context' : ''}${deleted ? ' deleted' : ''}${this.view.mask && this.view.mask[i] & M_MATCH ? ' match' : ''}`;
    return html`<div
      class=${cls}
      id=${`n${i}`}
      role="treeitem"
      aria-level=${m.depth[i]}
      aria-selected=${sel ? 'true' : 'false'}
      aria-expanded=${kids ? (open ? 'true' : 'false') : nothing}
      data-path=${m.paths[i]}
      title=${ctx ? `${m.paths[i]} (unchanged; holds changed paths)` : implicit ? `${m.paths[i]} (implied by the paths below; no entry of its own)` : m.paths[i]}
      @click=${() => {
        this.select(i);
        if (kids && isDir) this.toggle(i);
      }}
      @dblclick=${() => (!isDir ? this.select(i, true) : undefined)}
    >
      <span class="name" ${setStyle({ '--depth': flat ? '0' : String(m.depth[i] - 1) })}>
        <span
          class=${`twisty${kids ? (open ? ' open' : '') : ' leaf'}`}
          @click=${(e: Event) => {
            e.stopPropagation();
            this.toggle(i);
          }}
          >${icons.chevron}</span
        >
        <span class=${`ticon${isDir ? ' dir' : ''}`}>${typeIcon(type)}</span>
        <span class="label">${flat ? m.paths[i] : m.names[i]}</span>
        ${m.links[i] ? html`<span class="target">${m.type[i] === T_HARDLINK ? '⇒' : '→'} ${m.links[i]}</span>` : nothing}
      </span>
      <span class="lay">${mark}</span>
      <span class="num">${deleted ? this.deletedSize(m.paths[i]) : ctx || isDir ? (kids ? html`<span class="tot" title="total of the files below">${formatBytes(m.agg[i])}</span>` : '') : formatBytes(m.type[i] === T_HARDLINK ? contentSize(m, i) : m.size[i])}</span>
      <span class="num agg">${kids ? formatBytes(m.agg[i]) : ''}</span>
      <span class="mode">${deleted ? 'deleted' : ctx || implicit ? '' : formatMode(type, m.mode[i])}</span>
      <span class="owner">${deleted || ctx || implicit ? '' : `${m.uid[i]}:${m.gid[i]}`}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-file-tree': FileTree;
  }
}
