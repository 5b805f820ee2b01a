// One open archive: a sidebar (archive, image, layers: archive-sidebar.ts) and
// the main views (files, history, config). Every value from the archive is rendered through
// Lit text bindings: names and labels are text, never markup.
import { CSSResult, LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { ArchiveSession, CompareRequest } from '../state/session';
import type { FindingDoc, ImageDoc } from '../engine';
import { imageTitle, layerOptionLabel } from '../state/labels';
import { stripTarget } from '../state/keys';
import { TABS, type Tab, type TreeView } from '../state/hash';
import { archivePanel, imagePanel, layerList } from './archive-sidebar';
import { archiveViewStyles } from './archive-view.styles';
import './file-tree';
import './file-viewer';
import './history-view';
import './config-view';
import './view-warnings';
import './space-view';
import './findings-view';
import './compare-view';
import './export-dialog';
import type { ExportDialog } from './export-dialog';
import type { ExportWhat } from '../state/exports';
import type { GotoDetail } from './space-view';
import { uniqueWarnings, verifiedWarnings } from '../state/view-warnings';
import type { FileTree } from './file-tree';
import { T_DIR, hasKids, type TreeModel } from '../state/tree';
import { afterNextFrame } from './next-frame';

const TAB_NAMES: Record<Tab, string> = { files: 'Files', history: 'History', config: 'Config', compare: 'Compare', space: 'Space', findings: 'Findings' };
/** archive-view.styles.ts stacks the sidebar, the tree and the viewer at this width and below */
const STACKED_WIDTH = 820;
/** The steps of the first render after the summary (ArchiveView.stage). */
const STAGE_PANELS = 0;
const STAGE_LAYERS = 1;
const STAGE_TAB = 2;
const STAGE_VIEWER = 3;
const STAGE_ALL = 4;

/**
 * Builds the style sheets of the archive's views ahead, while the page waits
 * for a file (layer-scope-app.ts): Lit builds an element's sheets when its
 * first instance connects, which is otherwise in the first render of an
 * archive (2-10 ms; the element's own sheets were 10 ms of the file input's
 * change event in a CPU profile).
 */
export function warmViewStyles(): void {
  for (const tag of ['layer-scope', 'ls-archive-view', 'ls-file-tree', 'ls-file-viewer', 'ls-virtual-list', 'ls-view-warnings', 'ls-copy', 'ls-export-dialog', 'ls-history-view', 'ls-config-view', 'ls-space-view', 'ls-findings-view', 'ls-compare-view']) {
    const view = customElements.get(tag) as typeof LitElement | undefined;
    for (const sheet of view?.elementStyles ?? []) if (sheet instanceof CSSResult) void sheet.styleSheet;
  }
}

@customElement('ls-archive-view')
export class ArchiveView extends LitElement {
  static styles = archiveViewStyles;

  @property({ attribute: false }) session!: ArchiveSession;
  @property({ attribute: false }) version = 0;

  private set(patch: Partial<Pick<ArchiveSession, 'layer' | 'view' | 'path' | 'tab' | 'mode' | 'rangeFrom'>>): void {
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
    // The Space figures of a hosted archive need every layer of the image read.
    const s = this.session;
    // (not again after a failure or a Stop: the banner's "Index now" does that)
    if (s?.tab === 'space' && s.summary && !s.imageRead(s.image) && !s.indexError && !s.readImageError(s.image)) s.readImage(s.image);
    const files = this.renderRoot.querySelector('.files') as HTMLElement | null;
    if (files && ArchiveView.treeWidth && !files.style.getPropertyValue('--tree-cols')) files.style.setProperty('--tree-cols', `${ArchiveView.treeWidth}px`);
    // (the index's workers wait for this: ArchiveSession.drawn; from here on
    // the steps are small: the viewer with nothing chosen, the export dialog)
    if (this.stage >= STAGE_VIEWER && s?.summary) s.drawn();
    if (this.stage < STAGE_ALL && s?.summary && !this.stagePending) {
      this.stagePending = true;
      afterNextFrame(() => {
        this.stagePending = false;
        this.stage++;
      });
    }
  }

  /** Moves the keyboard focus to a pane: the layer list (its selected card), the file tree, the viewer. */
  focusPane(pane: 'layers' | 'tree' | 'viewer'): void {
    const root = this.renderRoot;
    if (pane === 'layers') this.withStage(STAGE_LAYERS, () => root.querySelector<HTMLElement>('#layers .layer[aria-pressed="true"]')?.focus());
    else if (pane === 'tree') this.withStage(STAGE_TAB, () => (root.querySelector('ls-file-tree') as FileTree | null)?.focusTree());
    else this.withStage(STAGE_VIEWER, () => root.querySelector('ls-file-viewer')?.focusContent());
  }

  /** Runs `then` once the first render's steps have drawn `stage`: at once, or
   *  after drawing up to it now (asked for during the steps, e.g. focusMain on
   *  layerscope-ready, or Export…). */
  private withStage(stage: number, then: () => void): void {
    if (this.stage >= stage) return then();
    this.stage = stage;
    void this.updateComplete.then(then);
  }

  /**
   * On a phone (the views stacked, the viewer below the tree) picking a file
   * scrolls the viewer into sight; a directory only opens in the tree.
   */
  private showViewerWhenStacked(model: TreeModel | null, path: string): void {
    const i = model?.byPath.get(path);
    if (!model || i === undefined || hasKids(model, i) || model.type[i] === T_DIR || this.clientWidth > STACKED_WIDTH) return;
    this.updateComplete.then(() => this.renderRoot.querySelector('ls-file-viewer')?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
  }

  /** Opens the export dialog on the current image, preset from the selection (a file, a directory, a layer). */
  openExport(what?: ExportWhat): void {
    const s = this.session;
    const model = s.tree()?.model ?? null;
    const i = model && s.path ? model.byPath.get(s.path) : undefined;
    const isDir = !!model && i !== undefined && (model.type[i] === T_DIR || hasKids(model, i));
    const layer = s.view === 'layer' || what === 'file' ? s.layer : -1;
    this.withStage(STAGE_ALL, () => this.renderRoot.querySelector<ExportDialog>('ls-export-dialog')?.show({ what, path: i === undefined ? '' : s.path, isDir, layer }));
  }

  selectLayer(i: number, opts: { tab?: Tab; view?: TreeView } = {}): void {
    this.set({ layer: i, ...(opts.tab ? { tab: opts.tab } : {}), ...(opts.view ? { view: opts.view } : {}) });
  }

  /** ←/→/Home/End along the view tabs: show the next and focus it. */
  private onViewKey(e: KeyboardEvent, t: Tab): void {
    const to = stripTarget(e.key, TABS.indexOf(t), TABS.length);
    if (to < 0) return;
    e.preventDefault();
    this.set({ tab: TABS[to] });
    this.renderRoot.querySelector<HTMLElement>(`#tab-${TABS[to]}`)?.focus();
  }

  /**
   * The first render after the summary comes in steps, one a frame (issue 13:
   * no main-thread task over 50 ms). In one step it took 90-140 ms on a loaded
   * 2-core machine, mostly Lit creating the DOM of elements drawn for the
   * first time. STAGE_PANELS: the archive and image panels and the tabs;
   * STAGE_LAYERS: the layer list; STAGE_TAB: the tab's view (the file tree);
   * STAGE_VIEWER: the file viewer; STAGE_ALL: the export dialog.
   */
  @state() private stage = STAGE_PANELS;
  private stagePending = false;

  render() {
    const s = this.session;
    const doc = s.summary;
    if (!doc) return nothing;
    const img = s.currentImage;
    return html`<aside>
        ${archivePanel(s)} ${imagePanel(s)} ${img && this.stage >= STAGE_LAYERS ? layerList(s, img, (i) => this.selectLayer(i, { tab: 'files' }), () => this.focusPane('tree')) : nothing}
      </aside>
      <section class="main">
        <nav class="views" role="tablist" aria-label="Views">
          ${TABS.map(
            (t) =>
              html`<button
                role="tab"
                id=${`tab-${t}`}
                aria-selected=${s.tab === t ? 'true' : 'false'}
                tabindex=${s.tab === t ? '0' : '-1'}
                @click=${() => this.set({ tab: t })}
                @keydown=${(e: KeyboardEvent) => this.onViewKey(e, t)}
              >
                ${TAB_NAMES[t]}
              </button>`,
          )}
          ${img ? html`<span class="image-label">${imageTitle(img)}</span>` : nothing}
          <button class="btn small export-open" id="export-open" @click=${() => this.openExport()} title="Save, squash or strip this image, or write its files as a tar">
            Export…
          </button>
        </nav>
        ${s.reopen
          ? html`<div class="reopen" role="status">
              Indexing ${s.name} again after a cancel… ${s.reopen.total ? `${Math.floor((100 * s.reopen.done) / s.reopen.total)}%` : ''}
            </div>`
          : nothing}
        ${s.indexing
          ? html`<div class="reopen indexing" id="indexing" role="status">
              <span
                class="pct"
                role="progressbar"
                aria-label="Indexing the layers"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=${indexPct(s.indexing)}
                >${s.indexingPart
                  ? `Reading ${s.indexingPart.layer === 0 ? 'layer 0' : `layers 0–${s.indexingPart.layer < 0 ? (s.summary?.images[s.indexingPart.image]?.layers.length ?? 1) - 1 : s.indexingPart.layer}`} of image ${s.indexingPart.image} for this view`
                  : 'Indexing the layers’ files in the background'} · ${indexPct(s.indexing)}%</span
              >${s.indexing.detail ? html` · <span class="mono">${s.indexing.detail}</span>` : nothing}
              — ${s.indexingPart ? 'the other layers are read when a view needs them.' : 'the summary is complete; file views wait for this.'}
              <button class="btn small" id="indexing-stop" @click=${() => s.stopIndexing()} title="Stop indexing: a file view will index again when opened">Stop</button>
            </div>`
          : s.indexError && !s.indexed && !s.reopen
            ? html`<div class="reopen indexing" id="indexing" role="status" data-code=${s.indexError.code}>
                ${s.indexError.code === 'cancelled'
                  ? 'Indexing stopped: the summary stays; the layers’ files are shown once they are indexed.'
                  : html`Indexing the layers failed: <span class="mono">${s.indexError.message}</span>`}
                <button class="btn small" id="index-now" @click=${() => s.indexNow()} title="Index every layer now">Index now</button>
              </div>`
            : nothing}
        ${img ? (this.stage >= STAGE_TAB ? this.renderTab(img) : nothing) : html`<div class="empty">This archive holds no image.</div>`}
      </section>
      ${this.stage >= STAGE_ALL
        ? html`<ls-export-dialog .session=${s} .version=${this.version} @ls-export=${(e: Event) => e.stopPropagation()}></ls-export-dialog>`
        : nothing}`;
  }

  private renderTab(img: ImageDoc) {
    const s = this.session;
    if (s.tab === 'history')
      return html`<div class="scroll" @ls-open-findings=${this.openFindings}>
        ${this.renderImageWarnings(img, 'this history')}
        <ls-history-view
          .image=${img}
          .selected=${s.layer}
          .findings=${s.findingsBeside(s.image)}
          @ls-select-layer=${(e: CustomEvent<number>) => this.selectLayer(e.detail, { tab: 'files', view: 'layer' })}
        ></ls-history-view>
      </div>`;
    if (s.tab === 'config')
      return html`<div class="scroll">
        ${this.renderImageWarnings(img, 'this image')}
        ${this.renderConfigSecrets(s.findingsBeside(s.image))}
        <ls-config-view
          .image=${img}
          .archiveName=${s.name}
          .session=${s}
          .version=${this.version}
          @ls-select-layer=${(e: CustomEvent<number>) => this.selectLayer(e.detail, { tab: 'files', view: 'layer' })}
        ></ls-config-view>
      </div>`;
    if (s.tab === 'compare')
      return html`<div class="scroll" @ls-goto=${this.gotoFromTab}>
        ${this.renderImageWarnings(img, 'this image')}
        <ls-compare-view .session=${s} .image=${img} .imageIndex=${s.image} .version=${this.version}></ls-compare-view>
      </div>`;
    if (s.tab === 'space') {
      const failed = s.readImageError(s.image);
      return html`<div class="scroll" @ls-goto=${this.gotoFromTab}>
        ${this.renderImageWarnings(img, 'these figures')}
        ${s.imageRead(s.image)
          ? html`<ls-space-view .image=${img}></ls-space-view>`
          : failed
            ? html`<p class="muted" id="space-error" data-code=${failed.code}>
                The space figures need every layer of this image; reading them failed:
                <span class="mono">${failed.message}</span>
                <button class="btn small" id="space-retry" @click=${() => s.retryReadImage(s.image)}>Try again</button>
              </p>`
            : html`<p class="muted" id="space-reading">The space figures need every layer of this image: reading them (the banner above shows how far).</p>`}
      </div>`;
    }
    if (s.tab === 'findings')
      return html`<div class="scroll" @ls-goto=${this.gotoFromTab}>
        ${this.renderImageWarnings(img, 'these findings')}
        <ls-findings-view .session=${s} .image=${img} .imageIndex=${s.image} .version=${this.version}></ls-findings-view>
      </div>`;
    return this.renderFiles(img);
  }

  /** A file's "diff with layer N": the Compare tab, those two layers, that file's content diff open. */
  private compareFromFile = (e: CustomEvent<CompareRequest>): void => {
    this.session.compareRequest = e.detail;
    this.set({ tab: 'compare' });
  };

  /** A path of the Space or Findings tab: shown in the file tree at its layer. */
  private gotoFromTab = (e: CustomEvent<GotoDetail>): void => {
    if (e.detail.image !== undefined) this.session.selectImage(e.detail.image);
    this.set({ tab: 'files', path: e.detail.path, layer: e.detail.layer, view: e.detail.view });
    this.updateComplete.then(() => (this.renderRoot.querySelector('ls-file-tree') as FileTree | null)?.revealSelected(e.detail.path));
  };

  /** Secret rules that matched the config's Env or Labels (values masked), above the config. */
  private renderConfigSecrets(findings: FindingDoc[]) {
    const mine = findings.filter((f) => f.place.startsWith('config.'));
    if (mine.length === 0) return nothing;
    return html`<div class="config-secrets warn-box" id="config-secrets" role="note">
      <strong>${mine.length === 1 ? 'A possible secret' : `${mine.length} possible secrets`} in this config</strong>
      <ul>
        ${mine.map((f) => html`<li data-rule=${f.rule}><span class="mono">${f.place}</span> — ${f.detail}</li>`)}
      </ul>
      <button class="link" @click=${this.openFindings}>Findings →</button>
    </div>`;
  }

  private openFindings = (): void => {
    this.set({ tab: 'findings' });
  };

  /** The warnings about the whole image, at the top of its history and config (issue 11). */
  private renderImageWarnings(img: ImageDoc, what: string) {
    const s = this.session;
    const w = s.warningsOf(s.image);
    const all = uniqueWarnings([...(w.value ?? []), ...verifiedWarnings(s.summary?.warnings ?? [], img.layers)]);
    return html`<ls-view-warnings id="image-warnings" .warnings=${all} what=${what}></ls-view-warnings>
      ${w.error ? html`<div class="err" id="image-warnings-error">The image’s warnings could not be read: ${w.error.message}</div>` : nothing}`;
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
          <button
            id="view-range"
            aria-pressed=${s.view === 'range' ? 'true' : 'false'}
            @click=${() => this.set({ view: 'range', rangeFrom: Math.min(s.rangeFrom, s.layer) })}
            title="What several layers changed together: the filesystem before the first against the one after the last"
          >
            Changes in layers…
          </button>
        </div>
        ${s.view === 'range'
          ? html`<label class="layer-pick"
              >From
              <select id="range-from" .value=${live(String(Math.min(s.rangeFrom, s.layer)))} @change=${(e: Event) => this.set({ rangeFrom: Number((e.target as HTMLSelectElement).value) })}>
                ${img.layers
                  .filter((l) => l.index <= s.layer)
                  .map((l) => html`<option value=${l.index} ?selected=${l.index === Math.min(s.rangeFrom, s.layer)}>${layerOptionLabel(img, l)}</option>`)}
              </select></label
            >`
          : nothing}
        <label class="layer-pick"
          >${s.view === 'range' ? 'to' : 'Layer'}
          <select id="layer-select" .value=${live(String(s.layer))} @change=${(e: Event) => this.selectLayer(Number((e.target as HTMLSelectElement).value))}>
            ${img.layers.map(
              (l) => html`<option value=${l.index} ?selected=${l.index === s.layer}>${layerOptionLabel(img, l)}</option>`,
            )}
          </select></label
        >
      </div>
      <div class="files" @ls-compare=${this.compareFromFile} @ls-export=${(e: CustomEvent<ExportWhat>) => this.openExport(e.detail)} @ls-focus-pane=${(e: CustomEvent<'layers' | 'tree' | 'viewer'>) => this.focusPane(e.detail)}>
        <ls-file-tree
          .firstRenderApart=${this.stage < STAGE_ALL}
          .load=${load}
          .warnings=${load ? uniqueWarnings([...load.warnings, ...verifiedWarnings(s.summary?.warnings ?? [], img.layers.slice(0, s.layer + 1))]) : []}
          .below=${s.treeBelow()?.model ?? null}
          .version=${this.version}
          .selectedPath=${s.path}
          .layerCount=${img.layers.length}
          .range=${s.view === 'range'}
          @ls-select-path=${(e: CustomEvent<string>) => {
            this.set({ path: e.detail });
            this.showViewerWhenStacked(model, e.detail);
          }}
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
        ${this.stage >= STAGE_VIEWER ? this.renderViewer(model, node) : nothing}
      </div>`;
  }

  private renderViewer(model: TreeModel | null, node: number) {
    const s = this.session;
    return html`<ls-file-viewer
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
            (this.renderRoot.querySelector('ls-file-tree') as FileTree | null)?.revealSelected(e.detail.path);
          }}
    ></ls-file-viewer>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-archive-view': ArchiveView;
  }
}

/** The background indexing's percent: of the layers' bytes in its "index"
 *  phase (its first, "scan", walks the members again: counted as 0, so the
 *  figure never goes back). */
function indexPct(p: { phase: string; done: number; total: number }): number {
  return p.phase === 'index' && p.total > 0 ? Math.min(100, Math.floor((100 * p.done) / p.total)) : 0;
}
