// The Compare tab (issue 9, page part): what changed between two layers of the
// image (`layerscope diff --from F --to T`): added, modified and deleted paths
// with what changed (content, mode, owner, type, link) and their sizes; a
// modified file opens its content diff (unified text, or the first differing
// offset of a binary). Equal-sized files are hashed by the core, so a big
// comparison shows progress and can be stopped. Archive text stays text.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ContentDiff, DiffPoint, DiffRow, ImageDoc, TreeDiff } from '../engine';
import type { ArchiveSession, CompareSource, CompareWith, Job } from '../state/session';
import { imageTitle } from '../state/labels';
import { errorLine } from '../state/errors';
import { formatBytes, formatCount, plural } from '../state/format';
import { jobProgress } from './job-progress';
import { buildDiffTree, initialExpansion, visibleRows, type DiffNode } from '../state/diff-tree';
import { sideRows, unifiedRows, type SideCell, type SideRow, type UnifiedRow } from '../state/diff-rows';
import './virtual-list';
import type { GotoDetail } from './space-view';
import { compareViewStyles } from './compare-view.styles';
import { setStyle } from './set-style';

/** Rows shown at once; the filter narrows the rest. */
export const COMPARE_ROWS = 2000;
/** A content diff longer than this many lines is drawn by a virtual list (only
 *  the lines in view are in the page): the core allows a million. */
export const DIFF_LINES_INLINE = 2000;
const DIFF_ROW_H = 20;

/** A content diff's rows in both layouts, made once per diff. */
const diffRows = new WeakMap<ContentDiff, { unified: UnifiedRow[]; side: SideRow[] }>();
function rowsOf(c: ContentDiff): { unified: UnifiedRow[]; side: SideRow[] } {
  let r = diffRows.get(c);
  if (!r) {
    const unified = unifiedRows(c.unified ?? '');
    r = { unified, side: sideRows(unified) };
    diffRows.set(c, r);
  }
  return r;
}

/** A diff's tree and which of its directories are open, made once per diff. */
const diffTrees = new WeakMap<TreeDiff, { root: DiffNode; expanded: Set<string> }>();

const MARK: Record<string, string> = { added: 'A', modified: 'M', deleted: 'D' };

@customElement('ls-compare-view')
export class CompareView extends LitElement {
  static styles = compareViewStyles;

  @property({ attribute: false }) session: ArchiveSession | null = null;
  @property({ attribute: false }) image: ImageDoc | null = null;
  @property({ type: Number }) imageIndex = 0;
  @property({ type: Number }) version = 0;

  @state() private from: number | null = null;
  @state() private to: number | null = null;
  @state() private filter = '';
  @state() private open = '';
  /** the changed paths under their directories, or one flat list */
  @state() private rowsAs: 'tree' | 'list' = 'tree';
  /** how a text content diff is drawn */
  @state() private layout: 'unified' | 'side' = 'unified';

  protected willUpdate(): void {
    const s = this.session;
    const r = s?.compareRequest;
    if (!s || !r) return;
    s.compareRequest = null;
    s.compareWith = { kind: 'layers' };
    this.from = r.from;
    this.to = r.to;
    this.filter = r.path;
    this.open = r.path;
    s.compare(this.imageIndex, r.from, r.to);
    s.compare(this.imageIndex, r.from, r.to, r.path, true);
  }

  private get pair(): [number, number] {
    const n = this.image?.layers.length ?? 0;
    return [this.from ?? (n > 1 ? 0 : -1), this.to ?? n - 1];
  }

  private get with(): CompareWith {
    return this.session?.compareWith ?? { kind: 'layers' };
  }

  private job<T>(path = '', content = false): Job<T> | null {
    const s = this.session;
    if (!s) return null;
    const w = this.with;
    if (w.kind === 'image') return s.imageDiffJob(this.imageIndex, w.source, w.image, path, content) as Job<T> | null;
    const [from, to] = this.pair;
    return s.diffJob(this.imageIndex, from, to, path, content) as Job<T> | null;
  }

  private start(path = '', content = false): void {
    const s = this.session;
    if (!s) return;
    const w = this.with;
    if (w.kind === 'image') return s.compareImage(this.imageIndex, w.source, w.image, path, content);
    const [from, to] = this.pair;
    s.compare(this.imageIndex, from, to, path, content);
  }

  render() {
    const img = this.image;
    const s = this.session;
    if (!img || !s) return nothing;
    const w = this.with;
    const tree = this.job<TreeDiff>();
    const sources = s.compareSources();
    const own = (s.summary?.images ?? []).filter((im) => im.index !== this.imageIndex);
    const value = w.kind === 'layers' ? 'layers' : `${w.source}#${w.image}`;
    const picked = w.kind === 'image' ? sources.find((x) => x.key === w.source) : undefined;
    return html`<div class="pick job-row">
        <label>Compare with <select id="compare-with" .value=${value} @change=${this.pickWith}>
          <option value="layers" ?selected=${value === 'layers'}>its own layers</option>
          ${own.length
            ? html`<optgroup label="Images of this archive">
                ${own.map((im) => html`<option value=${`self#${im.index}`} ?selected=${value === `self#${im.index}`}>image ${im.index}: ${imageTitle(im)}</option>`)}
              </optgroup>`
            : nothing}
          ${sources.map(
            (src) => html`<optgroup label=${src.name}>
              ${src.summary
                ? src.summary.images.map((im) => {
                    const v = `${src.key}#${im.index}`;
                    return html`<option value=${v} ?selected=${value === v}>${src.name} — image ${im.index}: ${imageTitle(im)}</option>`;
                  })
                : html`<option value=${`${src.key}#0`} ?selected=${value === `${src.key}#0`}>${src.name} (${src.open?.error ? 'failed' : 'opening…'})</option>`}
            </optgroup>`,
          )}
        </select></label>
        <button class="btn" id="compare-open" title="Open another archive to compare this image with (read here, in this archive's worker)" @click=${() => this.fileInput()?.click()}>Open another archive…</button>
        <input type="file" id="compare-file" hidden @change=${this.pickFile} />
        ${picked?.key.startsWith('file:')
          ? html`<button class="btn small" id="compare-drop" title="Close ${picked.name}" @click=${() => s.dropCompareFile(picked.key)}>Close it</button>`
          : nothing}
      </div>
      ${w.kind === 'layers' ? this.renderLayerPick(img, !!tree?.loading) : this.renderImagePick(!!tree?.loading, picked)}
      ${tree ? this.renderJob(tree, (d) => this.renderTree(d)) : nothing}`;
  }

  private renderLayerPick(img: ImageDoc, busy: boolean) {
    const [from, to] = this.pair;
    return html`<div class="pick job-row">
      <label>From <select id="compare-from" .value=${String(from)} @change=${(e: Event) => this.pick('from', e)}>
        <option value="-1" ?selected=${from === -1}>nothing (empty filesystem)</option>
        ${img.layers.map((l) => html`<option value=${l.index} ?selected=${l.index === from}>layer ${l.index}</option>`)}
      </select></label>
      <label>to <select id="compare-to" .value=${String(to)} @change=${(e: Event) => this.pick('to', e)}>
        ${img.layers.map((l) => html`<option value=${l.index} ?selected=${l.index === to}>layer ${l.index}</option>`)}
      </select></label>
      <button class="btn" id="compare" ?disabled=${busy} @click=${() => this.start()}>Compare</button>
      <span class="muted">the merged filesystems after each layer</span>
    </div>`;
  }

  private renderImagePick(busy: boolean, source: CompareSource | undefined) {
    const opening = source?.open;
    if (opening?.loading && !busy)
      return jobProgress('compare-progress', `Opening ${source!.name}`, opening.progress, () => this.session?.cancel());
    if (opening?.error && !busy) return html`<p class="err" id="compare-error">${source!.name}: ${errorLine(opening.error)}</p>`;
    return html`<div class="pick job-row">
      <button class="btn" id="compare" ?disabled=${busy || (!!source && !source.summary && !!source.open)} @click=${() => this.start()}>Compare</button>
      <span class="muted">this image (its merged filesystem, config and history) against the other</span>
    </div>`;
  }

  private fileInput(): HTMLInputElement | null {
    return this.renderRoot.querySelector('#compare-file');
  }

  private pickWith = (e: Event): void => {
    const s = this.session;
    if (!s) return;
    const v = (e.target as HTMLSelectElement).value;
    const at = v.lastIndexOf('#');
    s.compareWith = v === 'layers' || at < 0 ? { kind: 'layers' } : { kind: 'image', source: v.slice(0, at), image: Number(v.slice(at + 1)) };
    this.open = '';
    s.notify();
  };

  private pickFile = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const f = input.files?.[0];
    input.value = '';
    if (!f || !this.session) return;
    this.session.pickCompareFile(f);
    this.open = '';
  };

  private pick(which: 'from' | 'to', e: Event): void {
    const v = Number((e.target as HTMLSelectElement).value);
    if (which === 'from') this.from = v;
    else this.to = v;
    this.open = '';
  }

  private renderJob<T>(job: Job<T>, done: (v: T) => unknown) {
    if (job.loading) return jobProgress('compare-progress', 'Comparing', job.progress, () => this.session?.cancel());
    if (job.error) return html`<p class="err" id="compare-error">${job.error.code === 'cancelled' ? job.error.message : errorLine(job.error)}</p>`;
    return job.value ? done(job.value) : nothing;
  }

  private renderTree(d: TreeDiff) {
    const q = this.filter.toLowerCase();
    const rows = q ? d.changes.filter((r) => r.path.toLowerCase().includes(q)) : d.changes;
    const asTree = this.rowsAs === 'tree' && !q;
    const sm = d.summary;
    const files = html`<div class="summary" id="compare-summary">
        <span class="A">+${formatCount(sm.added)} added</span> <span class="M">~${formatCount(sm.modified)} modified</span>
        <span class="D">−${formatCount(sm.deleted)} deleted</span>
        <span class="muted">· ${formatBytes(sm.added_bytes)} added, ${formatBytes(sm.deleted_bytes)} deleted</span>
      </div>
      ${d.changes.length
        ? html`<input id="compare-filter" type="search" placeholder="Filter paths…" aria-label="Filter changed paths" .value=${this.filter}
              @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
            <span class="layout rows-as" role="group" aria-label="Changed paths as">
              <button class="btn small" id="rows-tree" aria-pressed=${asTree ? 'true' : 'false'} ?disabled=${!!q} title=${q ? 'A filter lists the matching paths' : 'Paths under their directories'} @click=${() => (this.rowsAs = 'tree')}>Tree</button>
              <button class="btn small" id="rows-list" aria-pressed=${asTree ? 'false' : 'true'} @click=${() => (this.rowsAs = 'list')}>List</button>
            </span>
            ${asTree ? this.renderDiffTree(d) : this.renderList(rows)}`
        : html`<p class="muted" id="compare-same">The two filesystems are the same.</p>`}`;
    if (d.kind !== 'images') return files;
    return html`<p class="points" id="compare-points">${pointText(d.before)} <span class="muted">→</span> ${pointText(d.after)}</p>
      <div class="images-diff">
        <div class="files-diff">${files}</div>
        <aside class="beside" aria-label="Config, history and layers compared">${this.renderConfigDiff(d)} ${this.renderHistoryDiff(d)} ${this.renderShared(d)}</aside>
      </div>`;
  }

  private renderConfigDiff(d: TreeDiff) {
    const rows = d.config ?? [];
    return html`<section id="compare-config">
      <h3>Config ${rows.length ? html`<span class="muted">· ${plural(rows.length, 'difference')}</span>` : nothing}</h3>
      ${rows.length
        ? html`<ul class="cfg">
            ${rows.map(
              (r) => html`<li data-field=${r.field} data-change=${r.change}>
                <span class=${`mark ${MARK[r.change] ?? ''}`}>${MARK[r.change] ?? '?'}</span>
                <span class="mono">${r.field}</span>${r.key !== undefined ? html` <span class="key mono">${r.key}</span>` : nothing}
                ${r.before !== undefined && r.before !== null ? html`<div class="val del mono">− ${valueText(r.before)}</div>` : nothing}
                ${r.after !== undefined && r.after !== null ? html`<div class="val add mono">+ ${valueText(r.after)}</div>` : nothing}
              </li>`,
            )}
          </ul>`
        : html`<p class="muted">The same env, command, entrypoint, workdir, user, ports, volumes, labels and platform.</p>`}
    </section>`;
  }

  private renderHistoryDiff(d: TreeDiff) {
    const steps = d.history ?? [];
    return html`<section id="compare-history">
      <h3>History <span class="muted">· ${plural(d.history_common ?? 0, 'step')} in common</span></h3>
      ${steps.length
        ? html`<ol class="steps">
            ${steps.map(
              (h) => html`<li data-change=${h.change}>
                <span class=${`mark ${MARK[h.change] ?? ''}`}>${MARK[h.change] ?? '?'}</span>
                <span class="muted">#${h.index}</span> <span class="mono">${h.created_by || '(no command)'}</span>${h.empty_layer ? html` <span class="muted">(no layer)</span>` : nothing}
              </li>`,
            )}
          </ol>`
        : html`<p class="muted">The same steps.</p>`}
    </section>`;
  }

  private renderShared(d: TreeDiff) {
    const shared = d.shared_layers ?? [];
    const nb = d.before.layers;
    const na = d.after.layers;
    return html`<section id="compare-shared">
      <h3>Layers</h3>
      <p><span id="compare-shared-count">${plural(shared.length, 'layer')}</span> shared (same diff_id) of ${formatCount(nb)} before and ${formatCount(na)} after.</p>
      ${shared.length
        ? html`<ul class="shared">
            ${shared.map((l) => html`<li class="mono" title=${l.diff_id}>${l.diff_id.slice(0, 19)}… <span class="muted">layer ${l.layer_before} → ${l.layer_after}</span></li>`)}
          </ul>`
        : nothing}
    </section>`;
  }

  private renderList(rows: DiffRow[]) {
    return html`<table id="compare-rows">
        <thead><tr><th></th><th>Path</th><th>What</th><th class="num">Before</th><th class="num">After</th></tr></thead>
        <tbody>${rows.slice(0, COMPARE_ROWS).map((r) => this.renderRow(r))}</tbody>
      </table>
      ${rows.length > COMPARE_ROWS ? html`<p class="muted">${plural(rows.length - COMPARE_ROWS, 'more path')} — narrow them with the filter.</p>` : nothing}`;
  }

  /** The changed paths under their directories; a directory that did not change
   *  itself shows how many paths below it were added, modified and deleted. */
  private renderDiffTree(d: TreeDiff) {
    let t = diffTrees.get(d);
    if (!t) {
      const root = buildDiffTree(d.changes);
      t = { root, expanded: initialExpansion(root) };
      diffTrees.set(d, t);
    }
    const { expanded } = t;
    const shown = visibleRows(t.root, expanded);
    const flip = (path: string) => {
      if (expanded.has(path)) expanded.delete(path);
      else expanded.add(path);
      this.requestUpdate();
    };
    return html`<table id="compare-tree" class="tree">
        <thead><tr><th></th><th>Path</th><th>What</th><th class="num">Before</th><th class="num">After</th></tr></thead>
        <tbody>
          ${shown.slice(0, COMPARE_ROWS).map(({ node, depth }) => {
            const dir = node.children.length > 0;
            const open = expanded.has(node.path);
            const name = html`<span class="indent" ${setStyle({ '--depth': String(depth) })}></span>${dir
                ? html`<button class="link twist" aria-expanded=${open ? 'true' : 'false'} aria-label=${`${open ? 'Collapse' : 'Expand'} ${node.name}`} @click=${() => flip(node.path)}>${open ? '▾' : '▸'}</button>`
                : html`<span class="twist"></span>`}`;
            const below = dir
              ? html` <span class="below muted">${node.added ? html`<span class="A">+${formatCount(node.added)}</span> ` : nothing}${node.modified ? html`<span class="M">~${formatCount(node.modified)}</span> ` : nothing}${node.deleted ? html`<span class="D">−${formatCount(node.deleted)}</span>` : nothing}</span>`
              : nothing;
            if (node.row) return this.renderRow(node.row, { name, label: node.name, below });
            return html`<tr data-path=${node.path} data-change="">
              <td></td>
              <td class="path mono">${name}${node.name}/${below}</td>
              <td class="muted">below</td><td></td><td></td>
            </tr>`;
          })}
        </tbody>
      </table>
      ${shown.length > COMPARE_ROWS ? html`<p class="muted">${plural(shown.length - COMPARE_ROWS, 'more row')} — collapse directories or filter.</p>` : nothing}`;
  }

  private renderRow(r: DiffRow, tree?: { name: unknown; label: string; below: unknown }) {
    const change = String(r.change);
    const file = String(r.type) === 'file' && change === 'modified';
    const opened = this.open === r.path;
    const goto = this.gotoOf(r);
    const label = tree ? tree.label : `/${r.path}`;
    return html`<tr data-path=${r.path} data-change=${change} class=${opened ? 'sel' : ''}>
        <td><span class=${`mark ${MARK[change] ?? ''}`}>${MARK[change] ?? '?'}</span></td>
        <td class="path mono">
          ${tree?.name ?? nothing}${file
            ? html`<button class="link mono" @click=${() => this.toggle(r.path)} aria-expanded=${opened ? 'true' : 'false'}>${label}</button>`
            : label}${tree?.below ?? nothing}
          ${goto ? html`<button class="link small" title="Show in the file tree" @click=${() => this.goto(goto)}>↗</button>` : nothing}
        </td>
        <td>${(r.what as string[]).join(', ') || String(r.type)}</td>
        <td class="num">${sizeText(r.size_before, r.type_before ?? String(r.type))}</td>
        <td class="num">${sizeText(r.size_after, String(r.type))}</td>
      </tr>
      ${opened ? html`<tr class="content"><td colspan="5">${this.renderContent(r.path)}</td></tr>` : nothing}`;
  }

  private toggle(path: string): void {
    this.open = this.open === path ? '' : path;
    if (this.open) this.start(path, true);
  }

  /** Where "show in the file tree" goes for a row, or null when the file is in another archive only. */
  private gotoOf(r: DiffRow): GotoDetail | null {
    const w = this.with;
    const deleted = String(r.change) === 'deleted';
    if (w.kind === 'layers') {
      const [from, to] = this.pair;
      return { path: r.path, layer: deleted ? Math.max(from, 0) : to, view: 'merged' };
    }
    const top = (this.image?.layers.length ?? 1) - 1;
    // before = this image: a deleted or modified path is in its merged tree
    if (String(r.change) !== 'added') return { path: r.path, layer: top, view: 'merged' };
    if (w.source !== 'self') return null;
    const other = this.session?.summary?.images[w.image];
    return other ? { path: r.path, image: w.image, layer: other.layers.length - 1, view: 'merged' } : null;
  }

  private goto(d: GotoDetail): void {
    this.dispatchEvent(new CustomEvent<GotoDetail>('ls-goto', { detail: d, bubbles: true, composed: true }));
  }

  private renderContent(path: string) {
    const job = this.job<ContentDiff>(path, true);
    if (!job) return nothing;
    return this.renderJob(job, (c) => {
      if (c.identical) return html`<p class="muted">Same content (${formatBytes(c.size_after)}); what changed is said in the row.</p>`;
      if (c.binary)
        return html`<p id="content-binary">Binary: first difference at byte ${formatCount(c.first_difference ?? 0)}.</p>
          <pre class="hex">${c.window_before ?? ''}\n${c.window_after ?? ''}</pre>`;
      const { unified, side } = rowsOf(c);
      const pick = html`<div class="layout" id="diff-layout" role="group" aria-label="Diff layout">
        <button class="btn small" id="diff-unified" aria-pressed=${this.layout === 'unified' ? 'true' : 'false'} @click=${() => (this.layout = 'unified')}>Unified</button>
        <button class="btn small" id="diff-side" aria-pressed=${this.layout === 'side' ? 'true' : 'false'} @click=${() => (this.layout = 'side')}>Side by side</button>
        <span class="muted">${plural(unified.filter((r) => r.kind === 'del').length, 'line')} removed, ${formatCount(unified.filter((r) => r.kind === 'add').length)} added</span>
      </div>`;
      if (this.layout === 'side') {
        const cell = (x: SideCell | undefined) =>
          x ? html`<span class="no">${x.no}</span><span class=${`code ${x.kind}`}>${x.text}</span>` : html`<span class="no"></span><span class="code none"></span>`;
        const row = (r: SideRow) =>
          r.hunk !== undefined ? html`<div class="srow hunk">${r.hunk}</div>` : html`<div class="srow">${cell(r.left)}${cell(r.right)}</div>`;
        // line numbers as wide as the largest (CSSOM: no style attribute)
        const width = setStyle({ '--no-w': `${String(unified.reduce((m, r) => Math.max(m, r.oldNo, r.newNo), 0)).length + 1}ch` });
        return html`${pick}${side.length <= DIFF_LINES_INLINE
          ? html`<div class="side" id="content-side" ${width}>${side.map(row)}</div>`
          : html`<ls-virtual-list class="side big" id="content-side" ${width} .count=${side.length} .rowHeight=${DIFF_ROW_H} .renderRow=${(i: number) => row(side[i])}></ls-virtual-list>`}`;
      }
      const line = (r: UnifiedRow) => html`<span class=${r.kind === 'ctx' || r.kind === 'head' || r.kind === 'note' ? '' : r.kind}>${r.text}\n</span>`;
      return html`${pick}${unified.length <= DIFF_LINES_INLINE
        ? html`<pre class="unified" id="content-diff">${unified.map(line)}</pre>`
        : html`<ls-virtual-list class="unified big" id="content-diff" .count=${unified.length} .rowHeight=${DIFF_ROW_H} .renderRow=${(i: number) => line(unified[i])}></ls-virtual-list>`}`;
    });
  }
}

/** "image 0 (app:1) of a.tar" for one side of an image comparison. */
function pointText(p: DiffPoint): string {
  return `image ${p.image}${p.tags.length ? ` (${p.tags.join(', ')})` : ''} of ${p.archive}`;
}

/** A side's size: bytes for a file, nothing for a directory, link or device (their 0 says nothing). */
function sizeText(size: number | null, type: string): string {
  return size === null || (type !== 'file' && type !== 'hardlink') ? '' : formatBytes(size);
}

/** A config value as text (a list or map as JSON; absent as a dash). */
function valueText(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (v === '') return '(empty)';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-compare-view': CompareView;
  }
}
