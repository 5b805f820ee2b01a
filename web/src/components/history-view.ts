// The build history as a reconstructed Dockerfile: one instruction per step,
// with its time and the size of the layer it made (linked to that layer);
// steps without a layer are shown as such.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ImageDoc } from '../engine';
import { toInstruction } from '../state/dockerfile';
import { formatBytes, formatTime } from '../state/format';
import { shared } from './styles';
import './copy-button';

@customElement('ls-history-view')
export class HistoryView extends LitElement {
  static styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 14px 16px 24px;
      }
      .top {
        display: flex;
        align-items: center;
        gap: 10px;
        margin-bottom: 10px;
        flex-wrap: wrap;
      }
      .top p {
        margin: 0;
        color: var(--ls-muted);
        font-size: 12.5px;
        flex: 1 1 300px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        border: 1px solid var(--ls-border);
        border-radius: var(--ls-radius);
        background: var(--ls-code-bg);
        overflow: hidden;
      }
      li {
        display: grid;
        grid-template-columns: 34px minmax(0, 1fr) auto;
        gap: 2px 12px;
        padding: 7px 12px;
        border-top: 1px solid var(--ls-border);
      }
      li:first-child {
        border-top: none;
      }
      li.sel {
        background: var(--ls-selected);
      }
      li.empty .code {
        color: var(--ls-muted);
      }
      .n {
        font-family: var(--ls-mono);
        font-size: 11.5px;
        color: var(--ls-faint);
        padding-top: 1px;
      }
      .code {
        font-family: var(--ls-mono);
        font-size: 12.5px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        min-width: 0;
      }
      .kw {
        color: var(--ls-accent);
        font-weight: 700;
      }
      .side {
        text-align: right;
        font-size: 12px;
        white-space: nowrap;
        font-variant-numeric: tabular-nums;
      }
      .side .size {
        font-weight: 600;
      }
      .meta {
        grid-column: 2 / 4;
        font-size: 11.5px;
        color: var(--ls-faint);
        display: flex;
        gap: 12px;
        flex-wrap: wrap;
      }
      .nolayer {
        color: var(--ls-faint);
        font-style: italic;
      }
      .mismatch {
        margin-bottom: 10px;
        padding: 8px 10px;
        border: 1px solid var(--ls-warn-border);
        background: var(--ls-warn-bg);
        border-radius: 6px;
        font-size: 12.5px;
      }
    `,
  ];

  @property({ attribute: false }) image: ImageDoc | null = null;
  @property({ type: Number }) selected = -1;

  private dockerfile(img: ImageDoc): string {
    return img.history
      .map((h) => {
        const ins = toInstruction(h.created_by);
        return ins.keyword ? `${ins.keyword} ${ins.args}` : `# ${ins.args || '(no command recorded)'}`;
      })
      .join('\n');
  }

  render() {
    const img = this.image;
    if (!img) return nothing;
    const withLayer = img.history.filter((h) => !h.empty_layer).length;
    return html`<div class="top">
        <p>
          Reconstructed from the image’s history (${img.history.length} steps, ${withLayer} with a layer). Builders record steps differently, so
          this is close to, not exactly, the original Dockerfile.
        </p>
        <span class="muted">Copy as Dockerfile</span><ls-copy .text=${this.dockerfile(img)} label="Copy as Dockerfile"></ls-copy>
      </div>
      ${withLayer !== img.layers.length
        ? html`<div class="mismatch">The history lists ${withLayer} steps that made a layer, but the image has ${img.layers.length} layers.</div>`
        : nothing}
      <ol id="history">
        ${img.history.map((h, k) => {
          const ins = toInstruction(h.created_by);
          const layer = h.layer !== null && h.layer !== undefined ? img.layers[h.layer] : undefined;
          return html`<li class=${`${h.empty_layer ? 'empty' : ''}${layer && layer.index === this.selected ? ' sel' : ''}`} data-step=${k}>
            <span class="n">${k + 1}</span>
            <span class="code" title=${h.created_by}
              >${ins.keyword ? html`<span class="kw">${ins.keyword}</span> ${ins.args}` : html`<span class="faint"># ${ins.args || '(no command recorded)'}</span>`}</span
            >
            <span class="side">
              ${layer
                ? html`<span class="size">${formatBytes(layer.uncompressed_size ?? layer.size)}</span><br /><button
                      class="link"
                      data-layer=${layer.index}
                      @click=${() => this.dispatchEvent(new CustomEvent('ls-select-layer', { detail: layer.index, bubbles: true, composed: true }))}
                    >
                      layer ${layer.index} →
                    </button>`
                : html`<span class="nolayer">${h.empty_layer ? 'no layer' : 'layer missing'}</span>`}
            </span>
            <span class="meta">
              <span>${formatTime(h.created)}</span>
              ${h.author ? html`<span>by ${h.author}</span>` : nothing}
              ${h.comment ? html`<span>${h.comment}</span>` : nothing}
            </span>
          </li>`;
        })}
      </ol>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-history-view': HistoryView;
  }
}
