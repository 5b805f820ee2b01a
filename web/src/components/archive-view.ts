// One open archive: a sidebar (archive, image, layers: archive-sidebar.ts) and
// the main views (files, history, config). Every value from the archive is rendered through
// Lit text bindings: names and labels are text, never markup.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ArchiveSession } from '../state/session';
import type { ImageDoc } from '../engine';
import { imageTitle, layerOptionLabel } from '../state/labels';
import type { Tab, TreeView } from '../state/hash';
import { archivePanel, imagePanel, layerList } from './archive-sidebar';
import { archiveViewStyles } from './archive-view.styles';
import './file-tree';
import './file-viewer';
import './history-view';
import './config-view';
import type { FileTree } from './file-tree';

@customElement('ls-archive-view')
export class ArchiveView extends LitElement {
  static styles = archiveViewStyles;

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
        ${archivePanel(s)} ${imagePanel(s)} ${img ? layerList(s, img, (i) => this.selectLayer(i, { tab: 'files' })) : nothing}
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
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-archive-view': ArchiveView;
  }
}
