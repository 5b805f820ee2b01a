// A fixed-row-height virtual list: only the rows in view (plus a margin) are
// in the DOM, so 200,000+ rows scroll like 50. Rows are positioned with a
// transform set through CSSOM (CSP-safe; no style attributes).
// It renders into its own light DOM (no shadow root), so the rows are styled
// by the component that uses the list.
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { setStyle } from './set-style';
import { afterNextFrame } from './next-frame';

const OVERSCAN = 12;

@customElement('ls-virtual-list')
export class VirtualList extends LitElement {

  @property({ type: Number }) count = 0;
  @property({ type: Number }) rowHeight = 24;
  /** Renders row i (the list wraps it in a fixed-height box). */
  @property({ attribute: false }) renderRow: (i: number) => TemplateResult | typeof nothing = () => nothing;
  /** Changes whenever the rows' content changes without `count` changing. */
  @property({ attribute: false }) version: unknown = 0;
  /** CSS width of the widest row, for horizontal scrolling of long lines ("" = fit). */
  @property() contentWidth = '';

  @state() private first = 0;
  @state() private last = 0;
  @query('.vl-spacer') private spacer!: HTMLElement;
  private resizeObs?: ResizeObserver;
  /** The viewport's height as the ResizeObserver last saw it (0 before): reading
   *  clientHeight while rendering forces a synchronous layout, which made up
   *  ~80 ms of the task that shows an archive's summary. */
  private viewHeight = 0;
  /** scrollTop as the last scroll event (or resize) saw it, for the same reason. */
  private scrollPos = 0;
  /** Rows drawn beyond each edge of the viewport: none in the list's first draw
   *  (the rows in view only: the file tree's comes in the first render of an
   *  archive, where drawing ~55 rows took 21-58 ms with a core kept busy by
   *  another process), then OVERSCAN from the frame after. */
  private overscan = 0;

  protected createRenderRoot() {
    return this;
  }

  protected firstUpdated(): void {
    afterNextFrame(() => {
      this.overscan = OVERSCAN;
      this.setRange();
    });
  }

  connectedCallback(): void {
    super.connectedCallback();
    const st = this.style;
    st.display = 'block';
    st.position = 'relative';
    st.overflow = 'auto';
    st.contain = 'strict';
    st.overscrollBehavior = 'contain';
    this.addEventListener('scroll', this.onScroll, { passive: true });
    this.resizeObs = new ResizeObserver(() => this.onScroll());
    this.resizeObs.observe(this);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('scroll', this.onScroll);
    this.resizeObs?.disconnect();
  }

  /** Scrolls so row i is visible ("nearest"), or at the top ("start"), or centred. */
  scrollToIndex(i: number, block: 'nearest' | 'start' | 'center' = 'nearest'): void {
    const top = i * this.rowHeight;
    const h = this.clientHeight;
    if (block === 'start') this.scrollTop = top;
    else if (block === 'center') this.scrollTop = Math.max(0, top - h / 2 + this.rowHeight / 2);
    else if (top < this.scrollTop) this.scrollTop = top;
    else if (top + this.rowHeight > this.scrollTop + h) this.scrollTop = top + this.rowHeight - h;
    this.onScroll();
  }

  /** Rows that fit in the viewport (for PageUp/PageDown). */
  get pageRows(): number {
    return Math.max(1, Math.floor(this.clientHeight / this.rowHeight) - 1);
  }

  /** On scroll and resize (layout is clean then): reads the viewport once. */
  private onScroll = (): void => {
    this.scrollPos = this.scrollTop;
    this.viewHeight = this.clientHeight;
    this.setRange();
  };

  /** The rows in view (plus the margins) from the viewport last read. */
  private setRange(): void {
    const rh = this.rowHeight;
    const first = Math.max(0, Math.floor(this.scrollPos / rh) - this.overscan);
    const last = Math.min(this.count, Math.ceil((this.scrollPos + (this.viewHeight || 800)) / rh) + this.overscan);
    if (first !== this.first || last !== this.last) {
      this.first = first;
      this.last = last;
    }
  }

  protected willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('count') || changed.has('rowHeight')) {
      const rh = this.rowHeight;
      const first = Math.min(this.first, Math.max(0, this.count - 1));
      this.first = Math.max(0, first);
      this.last = Math.min(this.count, Math.max(this.last, this.first + Math.ceil((this.viewHeight || 800) / rh) + 2 * this.overscan));
    }
  }

  protected updated(changed: PropertyValues<this>): void {
    // A new count (a shrink may clamp scrollTop: its scroll event reads it again).
    if (changed.has('count')) this.setRange();
  }

  render() {
    const rh = this.rowHeight;
    const idx: number[] = [];
    for (let i = this.first; i < Math.min(this.last, this.count); i++) idx.push(i);
    return html`<div class="vl-spacer" ${setStyle({ position: 'relative', 'min-width': '100%', height: `${this.count * rh}px`, width: this.contentWidth })}>
      <div class="vl-rows" ${setStyle({ position: 'absolute', top: '0', left: '0', 'min-width': '100%', transform: `translateY(${this.first * rh}px)` })}>
        ${repeat(
          idx,
          (i) => i,
          (i) => html`<div class="vl-row" ${setStyle({ height: `${rh}px`, overflow: 'hidden' })}>${this.renderRow(i)}</div>`,
        )}
      </div>
    </div>`;
  }

  get scrollSpacer(): HTMLElement {
    return this.spacer;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-virtual-list': VirtualList;
  }
}
