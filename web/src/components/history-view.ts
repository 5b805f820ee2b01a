// The build history as a reconstructed Dockerfile: one instruction per step,
// with its time and the size of the layer it made (linked to that layer);
// steps without a layer are shown as such. A step whose command or comment
// a secret rule matched (the image's findings, place "history[N]") says so
// under it, the value masked as the findings have it, with a way to the
// Findings tab.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FindingDoc, ImageDoc } from '../engine';
import { toInstruction } from '../state/dockerfile';
import { formatBytes, formatTime, plural } from '../state/format';
import { historyViewStyles } from './history-view.styles';
import './copy-button';

@customElement('ls-history-view')
export class HistoryView extends LitElement {
  static styles = historyViewStyles;

  @property({ attribute: false }) image: ImageDoc | null = null;
  @property({ type: Number }) selected = -1;
  /** The image's findings (names, history, config: no content needed). */
  @property({ attribute: false }) findings: FindingDoc[] = [];

  /** Findings about step k, by place: "history[k]" or "history[k].comment". */
  private stepFindings(): Map<number, FindingDoc[]> {
    const by = new Map<number, FindingDoc[]>();
    for (const f of this.findings) {
      const m = /^history\[(\d+)\](\.comment)?$/.exec(f.place);
      if (!m) continue;
      const k = Number(m[1]);
      by.set(k, [...(by.get(k) ?? []), f]);
    }
    return by;
  }

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
    const secrets = this.stepFindings();
    return html`<div class="top">
        <p>
          Reconstructed from the image’s history (${plural(img.history.length, 'step')}, ${withLayer} with a layer). Builders record steps differently, so
          this is close to, not exactly, the original Dockerfile.
        </p>
        <span class="muted">Copy as Dockerfile</span><ls-copy .text=${this.dockerfile(img)} label="Copy as Dockerfile"></ls-copy>
      </div>
      ${withLayer !== img.layers.length
        ? html`<div class="mismatch warn-box">The history lists ${plural(withLayer, 'step')} that made a layer, but the image has ${plural(img.layers.length, 'layer')}.</div>`
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
            ${(secrets.get(k) ?? []).map(
              (f) => html`<div class="secret warn-box" role="note" data-rule=${f.rule}>
                <span class="sev ${f.severity}">${f.severity}</span>
                <span class="what">${f.place.endsWith('.comment') ? 'In its comment: ' : ''}${f.detail}</span>
                <button
                  class="link"
                  @click=${() => this.dispatchEvent(new CustomEvent('ls-open-findings', { bubbles: true, composed: true }))}
                >
                  Findings →
                </button>
              </div>`,
            )}
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
