// The file tree of one listing: a virtualised, keyboard-driven tree with
// A/M/D marks (merged view: the layer that last wrote each path, and whether
// it added or modified it), own and aggregate sizes, type, mode, owner and link targets;
// sort by name or size; filter by substring, glob or regex.
//
// Keys: ↑/↓ move, →/← expand/collapse (or go to child/parent), Enter opens a
// file (or toggles a directory), Home/End, PageUp/PageDown, `/` filters,
// Esc in the filter clears it.
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { CHANGES, ENTRY_TYPES } from '../engine';
import type { TreeLoad } from '../state/session';
import {
  F_CONTEXT,
  F_IMPLICIT,
  M_ABOVE,
  M_MATCH,
  T_DELETED,
  T_DIR,
  T_HARDLINK,
  compileFilter,
  defaultExpansion,
  filterMask,
  flatten,
  hasKids,
  type FilterKind,
  type SortMode,
  type TreeModel,
} from '../state/tree';
import { formatBytes, formatCount, formatMode } from '../state/format';
import { errorTitle } from '../state/words';
import { shared } from './styles';
import { icons, typeIcon } from './icons';
import { setStyle } from './set-style';
import './virtual-list';
import type { VirtualList } from './virtual-list';

const ROW_H = 26;

@customElement('ls-file-tree')
export class FileTree extends LitElement {
  static styles = [
    shared,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-width: 0;
        container-type: inline-size;
        container-name: tree;
        background: var(--ls-panel);
      }
      .bar {
        display: flex;
        gap: 6px;
        align-items: center;
        padding: 8px 10px;
        border-bottom: 1px solid var(--ls-border);
        flex-wrap: wrap;
      }
      .search {
        flex: 1 1 180px;
        display: flex;
        align-items: center;
        gap: 6px;
        min-width: 150px;
        border: 1px solid var(--ls-border-strong);
        border-radius: 6px;
        background: var(--ls-panel);
        padding: 0 8px;
      }
      .search:focus-within {
        border-color: var(--ls-accent);
        box-shadow: 0 0 0 2px var(--ls-accent-soft);
      }
      .search .icon {
        color: var(--ls-faint);
        flex: none;
      }
      .search input {
        flex: 1;
        min-width: 0;
        border: none;
        background: none;
        outline: none;
        padding: 5px 0;
        font-size: 13px;
      }
      .search kbd {
        font-family: var(--ls-mono);
        font-size: 11px;
        color: var(--ls-faint);
        border: 1px solid var(--ls-border);
        border-radius: 4px;
        padding: 0 5px;
      }
      select {
        border: 1px solid var(--ls-border-strong);
        border-radius: 6px;
        background: var(--ls-panel);
        padding: 4px 6px;
        font-size: 12.5px;
      }
      .info {
        display: flex;
        gap: 10px;
        align-items: center;
        padding: 4px 10px;
        font-size: 12px;
        color: var(--ls-muted);
        border-bottom: 1px solid var(--ls-border);
        min-height: 26px;
        flex-wrap: wrap;
      }
      .info .err {
        color: var(--ls-del);
      }
      .info .right {
        margin-left: auto;
        display: flex;
        gap: 4px;
      }
      .head,
      .r {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 34px 70px 70px 86px 64px;
        align-items: center;
        column-gap: 8px;
        padding: 0 10px 0 0;
      }
      .head {
        font-size: 11.5px;
        font-weight: 600;
        color: var(--ls-muted);
        border-bottom: 1px solid var(--ls-border);
        background: var(--ls-panel-2);
        height: 26px;
        user-select: none;
      }
      .head button {
        border: none;
        background: none;
        padding: 0;
        font: inherit;
        color: inherit;
        text-align: inherit;
      }
      .head button[aria-pressed='true'] {
        color: var(--ls-accent);
      }
      .head .num,
      .r .num {
        text-align: right;
      }
      .head > :first-child {
        padding-left: 32px;
      }
      ls-virtual-list {
        flex: 1 1 auto;
        min-height: 120px;
        outline: none;
      }
      ls-virtual-list:focus-visible .r.sel {
        outline: 2px solid var(--ls-accent);
        outline-offset: -2px;
      }
      .r {
        height: ${ROW_H}px;
        font-size: 13px;
        cursor: default;
        white-space: nowrap;
        user-select: none;
      }
      .r:hover {
        background: var(--ls-hover);
      }
      .r.sel {
        background: var(--ls-selected);
      }
      .r .name {
        display: flex;
        align-items: center;
        gap: 4px;
        min-width: 0;
        padding-left: calc(var(--depth, 0) * 14px + 6px);
      }
      .twisty {
        display: inline-flex;
        width: 16px;
        height: 16px;
        flex: none;
        align-items: center;
        justify-content: center;
        color: var(--ls-faint);
        border-radius: 3px;
      }
      .twisty .icon {
        width: 12px;
        height: 12px;
        transition: transform 0.1s;
      }
      .twisty.open .icon {
        transform: rotate(90deg);
      }
      .twisty.leaf {
        visibility: hidden;
      }
      .ticon {
        display: inline-flex;
        flex: none;
        color: var(--ls-muted);
      }
      .ticon.dir {
        color: var(--ls-accent);
      }
      .label {
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .match {
        font-weight: 650;
      }
      .context .label {
        color: var(--ls-muted);
      }
      .deleted .label {
        text-decoration: line-through;
        color: var(--ls-del);
      }
      .target {
        color: var(--ls-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        font-size: 12px;
        flex: 0 1 auto;
      }
      .num,
      .mode,
      .owner {
        font-family: var(--ls-mono);
        font-size: 11.5px;
        color: var(--ls-muted);
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .agg {
        color: var(--ls-faint);
      }
      .lay {
        font-family: var(--ls-mono);
        font-size: 10.5px;
        color: var(--ls-faint);
        text-align: center;
      }
      .lnum {
        display: inline-block;
        min-width: 18px;
        border-radius: 4px;
        line-height: 16px;
      }
      .lnum.here {
        background: var(--ls-accent-soft);
        color: var(--ls-accent);
        font-weight: 700;
      }
      .lnum .chg {
        font-weight: 700;
        margin-right: 1px;
      }
      .lnum .chg.A {
        color: var(--ls-add);
      }
      .lnum .chg.M {
        color: var(--ls-mod);
      }
      .empty {
        padding: 24px 16px;
        color: var(--ls-muted);
        font-size: 13px;
      }
      @container tree (max-width: 660px) {
        .head,
        .r {
          grid-template-columns: minmax(0, 1fr) 34px 70px 70px 86px;
        }
        .owner,
        .head .owner {
          display: none;
        }
      }
      @container tree (max-width: 540px) {
        .head,
        .r {
          grid-template-columns: minmax(0, 1fr) 34px 70px 70px;
        }
        .mode,
        .head .mode {
          display: none;
        }
      }
      @container tree (max-width: 380px) {
        .head,
        .r {
          grid-template-columns: minmax(0, 1fr) 34px 70px;
        }
        .agg,
        .head .agg {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) load: TreeLoad | null = null;
  @property({ attribute: false }) version: unknown = 0;
  @property({ attribute: false }) selectedPath = '';
  @property({ type: Number }) layerCount = 0;

  @state() private sort: SortMode = 'name';
  @state() private filterKind: FilterKind = 'text';
  @state() private filterText = '';
  @state() private expandTick = 0;

  @query('ls-virtual-list') private list!: VirtualList;
  @query('#filter') private filterInput!: HTMLInputElement;

  private model: TreeModel | null = null;
  private expanded = new Set<number>();
  /** expanded directories by path, kept across listings (layer switches) */
  private expandedPaths = new Set<string>();
  private rows: Int32Array = new Int32Array(0);
  private rowOf = new Map<number, number>();
  private mask: Uint8Array | null = null;
  private matchCount = 0;
  private filterError = '';
  private rowsKey = '';
  private pendingReveal = true;

  connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onGlobalKey);
  }
  disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onGlobalKey);
  }

  /** Expands the ancestors of the selected path and scrolls it into view. */
  revealSelected(): void {
    this.pendingReveal = true;
    this.requestUpdate();
  }

  focusTree(): void {
    this.list?.focus();
  }

  private onGlobalKey = (e: KeyboardEvent): void => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.composedPath()[0] as HTMLElement | undefined;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    if (!this.isConnected || !this.model) return;
    e.preventDefault();
    this.filterInput?.focus();
    this.filterInput?.select();
  };

  protected willUpdate(changed: PropertyValues<this>): void {
    const model = this.load?.model ?? null;
    if (model !== this.model) {
      this.model = model;
      this.expanded = new Set();
      if (model) {
        if (this.expandedPaths.size === 0) {
          for (const i of defaultExpansion(model)) this.expanded.add(i);
        } else {
          for (const p of this.expandedPaths) {
            const i = model.byPath.get(p);
            if (i !== undefined) this.expanded.add(i);
          }
          if (!model.merged) for (const i of defaultExpansion(model)) this.expanded.add(i);
        }
      }
      this.pendingReveal = true;
    }
    if (changed.has('selectedPath')) this.pendingReveal = true;
    if (model && this.pendingReveal && this.selectedPath) {
      const i = model.byPath.get(this.selectedPath);
      if (i !== undefined) for (let a = model.parent[i]; a > 0; a = model.parent[a]) this.expanded.add(a);
    }
    this.computeRows();
  }

  protected updated(): void {
    if (this.pendingReveal && this.model) {
      this.pendingReveal = false;
      const i = this.model.byPath.get(this.selectedPath);
      const r = i === undefined ? undefined : this.rowOf.get(i);
      if (r !== undefined) requestAnimationFrame(() => this.list?.scrollToIndex(r, 'center'));
    }
  }

  private computeRows(): void {
    const m = this.model;
    const key = `${this.load?.key}|${m ? m.n : -1}|${this.sort}|${this.filterKind}|${this.filterText}|${this.expandTick}`;
    if (key === this.rowsKey) return;
    this.rowsKey = key;
    if (!m) {
      this.rows = new Int32Array(0);
      this.rowOf = new Map();
      return;
    }
    const f = compileFilter(this.filterKind, this.filterText);
    this.filterError = '';
    this.mask = null;
    this.matchCount = 0;
    if (f && 'error' in f) this.filterError = f.error;
    else if (f) {
      const r = filterMask(m, f.test);
      this.mask = r.mask;
      this.matchCount = r.matches;
    }
    this.rows = flatten(m, this.expanded, this.sort, this.mask);
    this.rowOf = new Map();
    for (let k = 0; k < this.rows.length; k++) this.rowOf.set(this.rows[k], k);
  }

  private select(i: number, open = false): void {
    if (!this.model) return;
    const path = this.model.paths[i];
    this.dispatchEvent(new CustomEvent(open ? 'ls-open-path' : 'ls-select-path', { detail: path, bubbles: true, composed: true }));
  }

  private toggle(i: number, force?: boolean): void {
    const m = this.model;
    if (!m || !hasKids(m, i)) return;
    const open = force ?? !this.isOpen(i);
    if (open) {
      this.expanded.add(i);
      this.expandedPaths.add(m.paths[i]);
    } else {
      this.expanded.delete(i);
      this.expandedPaths.delete(m.paths[i]);
    }
    this.expandTick++;
  }

  private isOpen(i: number): boolean {
    // While filtering, directories that hold matches are always open.
    if (this.mask) return (this.mask[i] & M_ABOVE) !== 0 || this.expanded.has(i);
    return this.expanded.has(i);
  }

  private expandAll(open: boolean): void {
    const m = this.model;
    if (!m) return;
    this.expanded = new Set();
    if (open) {
      for (let i = 1; i < m.n; i++)
        if (hasKids(m, i)) {
          this.expanded.add(i);
          this.expandedPaths.add(m.paths[i]);
        }
    } else this.expandedPaths.clear();
    this.expandTick++;
  }

  private onKey(e: KeyboardEvent): void {
    const m = this.model;
    if (!m || this.rows.length === 0) return;
    const cur = m.byPath.get(this.selectedPath);
    const r = cur === undefined ? -1 : this.rowOf.get(cur) ?? -1;
    const go = (row: number) => {
      row = Math.max(0, Math.min(this.rows.length - 1, row));
      this.select(this.rows[row]);
      this.list.scrollToIndex(row);
      e.preventDefault();
    };
    switch (e.key) {
      case 'ArrowDown':
        return go(r + 1);
      case 'ArrowUp':
        return go(r < 0 ? 0 : r - 1);
      case 'PageDown':
        return go(r + this.list.pageRows);
      case 'PageUp':
        return go(r - this.list.pageRows);
      case 'Home':
        return go(0);
      case 'End':
        return go(this.rows.length - 1);
      case 'ArrowRight': {
        if (r < 0) return go(0);
        const i = this.rows[r];
        if (hasKids(m, i)) {
          if (!this.isOpen(i)) this.toggle(i, true);
          else go(r + 1);
        }
        e.preventDefault();
        return;
      }
      case 'ArrowLeft': {
        if (r < 0) return go(0);
        const i = this.rows[r];
        if (hasKids(m, i) && this.isOpen(i)) {
          this.toggle(i, false);
          e.preventDefault();
          return;
        }
        const p = m.parent[i];
        const pr = p > 0 ? this.rowOf.get(p) : undefined;
        if (pr !== undefined) go(pr);
        e.preventDefault();
        return;
      }
      case 'Enter': {
        if (r < 0) return;
        const i = this.rows[r];
        if (hasKids(m, i) && m.type[i] === T_DIR) this.toggle(i);
        else this.select(i, true);
        e.preventDefault();
        return;
      }
      case '*': {
        this.expandAll(true);
        e.preventDefault();
        return;
      }
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
            @input=${(e: Event) => (this.filterText = (e.target as HTMLInputElement).value)}
            @keydown=${(e: KeyboardEvent) => {
              if (e.key === 'Escape') {
                this.filterText = '';
                this.focusTree();
              } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                this.focusTree();
                const cur = this.selectedPath ? this.model?.byPath.get(this.selectedPath) : undefined;
                if (this.rows.length && (cur === undefined || !this.rowOf.has(cur))) this.select(this.rows[0]);
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
        </select>
      </div>
      <div class="info">
        ${load && !m && !load.error
          ? html`<span>Listing… ${load.total ? `${formatCount(load.done)} of ${formatCount(load.total)} entries` : ''}</span>`
          : nothing}
        ${load?.error ? html`<span class="err">${errorTitle(load.error.code)}: ${load.error.message}</span>` : nothing}
        ${m ? this.renderInfo(m) : nothing}
        ${m
          ? html`<span class="right">
              <button class="btn small" id="expand-all" @click=${() => this.expandAll(true)} title="Expand all (*)">Expand all</button>
              <button class="btn small" id="collapse-all" @click=${() => this.expandAll(false)}>Collapse all</button>
            </span>`
          : nothing}
      </div>
      <div class="head" role="presentation">
        <button aria-pressed=${this.sort === 'name' ? 'true' : 'false'} @click=${() => (this.sort = 'name')}>Name</button>
        <span class="lay" title=${m?.merged ? 'Layer that last wrote the path: A added it, M modified it' : 'Change in this layer'}>${m?.merged ? 'Lyr' : ''}</span>
        <button class="num" aria-pressed=${this.sort === 'size' ? 'true' : 'false'} @click=${() => (this.sort = 'size')}>Size</button>
        <span class="num agg" title="Directories: total size of the files below">Total</span>
        <span class="mode">Mode</span>
        <span class="owner">Owner</span>
      </div>
      ${m && this.rows.length === 0
        ? html`<div class="empty">${this.mask || this.filterError ? 'No path matches the filter.' : m.merged ? 'The filesystem is empty at this layer.' : 'This layer changes no files.'}</div>`
        : nothing}
      <ls-virtual-list
        id="tree"
        role="tree"
        aria-label="Files"
        tabindex="0"
        .count=${this.rows.length}
        .rowHeight=${ROW_H}
        .version=${this.rowsKey + this.selectedPath}
        .renderRow=${(k: number) => this.renderRow(k)}
        aria-activedescendant=${m && m.byPath.has(this.selectedPath) ? `n${m.byPath.get(this.selectedPath)}` : nothing}
        @keydown=${(e: KeyboardEvent) => this.onKey(e)}
      ></ls-virtual-list>
    `;
  }

  private renderInfo(m: TreeModel) {
    const total = formatBytes(m.agg[0]);
    return html`<span id="tree-info"
      >${formatCount(m.entryCount)} ${m.merged ? 'paths' : 'changes'} · ${total}${this.mask
        ? html` · <strong>${formatCount(this.matchCount)}</strong> ${this.matchCount === 1 ? 'match' : 'matches'}`
        : nothing}${this.filterError ? html` · <span class="err">${this.filterError}</span>` : nothing}</span
    >`;
  }

  private renderRow(k: number) {
    const m = this.model;
    if (!m || k >= this.rows.length) return nothing;
    const i = this.rows[k];
    const type = ENTRY_TYPES[m.type[i]] ?? 'other';
    const kids = hasKids(m, i);
    const open = kids && this.isOpen(i);
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
        if (change === 'added') mark = html`<span class="mark A" title="added by this layer">A</span>`;
        else if (change === 'modified') mark = html`<span class="mark M" title="modified by this layer">M</span>`;
        else if (change === 'deleted') mark = html`<span class="mark D" title="deleted by this layer (whiteout)">D</span>`;
      } else if (m.layerOf[i] >= 0) {
        // The writing layer's own change: A (added the path) or M (modified it).
        const letter = change === 'added' ? 'A' : change === 'modified' ? 'M' : '';
        const how = letter === 'A' ? 'added' : letter === 'M' ? 'last modified' : 'last written';
        mark = html`<span class=${writtenHere ? 'lnum here' : 'lnum'} title=${`${how} by layer ${m.layerOf[i]}${writtenHere ? ' (this layer)' : ''}`}
          >${letter ? html`<span class=${`chg ${letter}`}>${letter}</span>` : nothing}${m.layerOf[i]}</span
        >`;
      }
    }
    const cls = `r${sel ? ' sel' : ''}${ctx ? ' context' : ''}${deleted ? ' deleted' : ''}${this.mask && this.mask[i] & M_MATCH ? ' match' : ''}`;
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
      <span class="name" ${setStyle({ '--depth': String(m.depth[i] - 1) })}>
        <span
          class=${`twisty${kids ? (open ? ' open' : '') : ' leaf'}`}
          @click=${(e: Event) => {
            e.stopPropagation();
            this.toggle(i);
          }}
          >${icons.chevron}</span
        >
        <span class=${`ticon${isDir ? ' dir' : ''}`}>${typeIcon(type)}</span>
        <span class="label">${m.names[i]}</span>
        ${m.links[i] ? html`<span class="target">${m.type[i] === T_HARDLINK ? '⇒' : '→'} ${m.links[i]}</span>` : nothing}
      </span>
      <span class="lay">${mark}</span>
      <span class="num">${deleted || ctx || isDir ? '' : formatBytes(m.size[i])}</span>
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
