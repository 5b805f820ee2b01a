// The Compare tab (issue 9, page part): what changed between two layers of the
// image (`layerscope diff --from F --to T`): added, modified and deleted paths
// with what changed (content, mode, owner, type, link) and their sizes; a
// modified file opens its content diff (unified text, or the first differing
// offset of a binary). Equal-sized files are hashed by the core, so a big
// comparison shows progress and can be stopped. Archive text stays text.
import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ContentDiff, DiffRow, ImageDoc, TreeDiff } from '../engine';
import type { ArchiveSession, Job } from '../state/session';
import { errorLine } from '../state/errors';
import { formatBytes, formatCount, plural } from '../state/format';
import { jobProgress } from './job-progress';
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
  /** how a text content diff is drawn */
  @state() private layout: 'unified' | 'side' = 'unified';

  protected willUpdate(): void {
    const s = this.session;
    const r = s?.compareRequest;
    if (!s || !r) return;
    s.compareRequest = null;
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

  private job<T>(path = '', content = false): Job<T> | null {
    const [from, to] = this.pair;
    return this.session?.diffJob(this.imageIndex, from, to, path, content) as Job<T> | null;
  }

  private start(path = '', content = false): void {
    const [from, to] = this.pair;
    this.session?.compare(this.imageIndex, from, to, path, content);
  }

  render() {
    const img = this.image;
    if (!img || !this.session) return nothing;
    const [from, to] = this.pair;
    const tree = this.job<TreeDiff>();
    return html`<div class="pick job-row">
        <label>From <select id="compare-from" .value=${String(from)} @change=${(e: Event) => this.pick('from', e)}>
          <option value="-1" ?selected=${from === -1}>nothing (empty filesystem)</option>
          ${img.layers.map((l) => html`<option value=${l.index} ?selected=${l.index === from}>layer ${l.index}</option>`)}
        </select></label>
        <label>to <select id="compare-to" .value=${String(to)} @change=${(e: Event) => this.pick('to', e)}>
          ${img.layers.map((l) => html`<option value=${l.index} ?selected=${l.index === to}>layer ${l.index}</option>`)}
        </select></label>
        <button class="btn" id="compare" ?disabled=${!!tree?.loading} @click=${() => this.start()}>Compare</button>
        <span class="muted">the merged filesystems after each layer</span>
      </div>
      ${tree ? this.renderJob(tree, (d) => this.renderTree(d)) : nothing}`;
  }

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
    const sm = d.summary;
    return html`<div class="summary" id="compare-summary">
        <span class="A">+${formatCount(sm.added)} added</span> <span class="M">~${formatCount(sm.modified)} modified</span>
        <span class="D">−${formatCount(sm.deleted)} deleted</span>
        <span class="muted">· ${formatBytes(sm.added_bytes)} added, ${formatBytes(sm.deleted_bytes)} deleted</span>
      </div>
      ${d.changes.length
        ? html`<input id="compare-filter" type="search" placeholder="Filter paths…" aria-label="Filter changed paths" .value=${this.filter}
              @input=${(e: Event) => (this.filter = (e.target as HTMLInputElement).value)} />
            <table id="compare-rows">
              <thead><tr><th></th><th>Path</th><th>What</th><th class="num">Before</th><th class="num">After</th></tr></thead>
              <tbody>${rows.slice(0, COMPARE_ROWS).map((r) => this.renderRow(r))}</tbody>
            </table>
            ${rows.length > COMPARE_ROWS ? html`<p class="muted">${plural(rows.length - COMPARE_ROWS, 'more path')} — narrow them with the filter.</p>` : nothing}`
        : html`<p class="muted" id="compare-same">The two filesystems are the same.</p>`}`;
  }

  private renderRow(r: DiffRow) {
    const change = String(r.change);
    const file = String(r.type) === 'file' && change === 'modified';
    const opened = this.open === r.path;
    return html`<tr data-path=${r.path} data-change=${change} class=${opened ? 'sel' : ''}>
        <td><span class=${`mark ${MARK[change] ?? ''}`}>${MARK[change] ?? '?'}</span></td>
        <td class="path mono">
          ${file
            ? html`<button class="link mono" @click=${() => this.toggle(r.path)} aria-expanded=${opened ? 'true' : 'false'}>/${r.path}</button>`
            : html`/${r.path}`}
          <button class="link small" title="Show in the file tree" @click=${() => this.goto(r)}>↗</button>
        </td>
        <td>${(r.what as string[]).join(', ') || String(r.type)}</td>
        <td class="num">${r.size_before === null ? '' : formatBytes(r.size_before)}</td>
        <td class="num">${r.size_after === null ? '' : formatBytes(r.size_after)}</td>
      </tr>
      ${opened ? html`<tr class="content"><td colspan="5">${this.renderContent(r.path)}</td></tr>` : nothing}`;
  }

  private toggle(path: string): void {
    this.open = this.open === path ? '' : path;
    if (this.open) this.start(path, true);
  }

  private goto(r: DiffRow): void {
    const [from, to] = this.pair;
    const deleted = String(r.change) === 'deleted';
    const d: GotoDetail = { path: r.path, layer: deleted ? Math.max(from, 0) : to, view: 'merged' };
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

declare global {
  interface HTMLElementTagNameMap {
    'ls-compare-view': CompareView;
  }
}
