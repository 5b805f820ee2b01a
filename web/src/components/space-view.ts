// The Space tab (issue 9, page part): where the image's bytes go — its
// efficiency and wasted bytes as dive reports them (stored copies the final
// filesystem does not show), each layer's share, the biggest dead copies (who
// stored them, who killed them, how), and the biggest files and directories of
// the final filesystem. The figures are the core's (inspect's images[].space,
// computed once per layer stack); each path and layer links to the file tree.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ImageDoc } from '../engine';
import { formatBytes, formatCount, plural } from '../state/format';
import { setStyle } from './set-style';
import { spaceViewStyles } from './space-view.styles';

/** A place in the file tree a row links to (archive-view handles it). */
export interface GotoDetail {
  path: string;
  /** another image of the archive (the Compare tab's images) */
  image?: number;
  layer: number;
  view: 'layer' | 'merged';
}

const HOW: Record<string, string> = {
  overwritten: 'overwritten',
  whiteout: 'deleted (whiteout)',
  opaque: 'hidden (opaque directory)',
  'parent-replaced': 'parent replaced',
};

const pct = (x: number) => `${(100 * x).toFixed(x > 0 && x < 0.001 ? 3 : 1)}%`;

@customElement('ls-space-view')
export class SpaceView extends LitElement {
  static styles = spaceViewStyles;

  @property({ attribute: false }) image: ImageDoc | null = null;

  private goto(d: GotoDetail): void {
    this.dispatchEvent(new CustomEvent<GotoDetail>('ls-goto', { detail: d, bubbles: true, composed: true }));
  }

  private layerLink(layer: number, view: 'layer' | 'merged' = 'layer', path = '') {
    return html`<button class="link mono" data-layer=${layer} @click=${() => this.goto({ path, layer, view })}>${layer}</button>`;
  }

  private pathLink(path: string, layer: number, view: 'layer' | 'merged') {
    return html`<button class="link path mono" title=${`/${path}`} @click=${() => this.goto({ path, layer, view })}>/${path}</button>`;
  }

  render() {
    const img = this.image;
    const sp = img?.space;
    if (!img || !sp) return html`<p class="muted">No space figures for this image.</p>`;
    const maxAdded = Math.max(1, ...sp.layers.map((l) => l.bytes_added));
    return html`<section id="space-summary" class="cards">
        <div class="card"><div class="big" id="efficiency">${pct(sp.efficiency)}</div><div class="muted">efficiency (the share of stored bytes the final filesystem shows)</div></div>
        <div class="card"><div class="big" id="wasted">${formatBytes(sp.wasted_bytes)}</div><div class="muted">wasted of ${formatBytes(sp.stored_bytes)} stored in files</div></div>
        <div class="card"><div class="big" id="user-wasted">${pct(sp.user_wasted_percent)}</div><div class="muted">wasted above the base layer (${formatBytes(sp.user_wasted_bytes)} of ${formatBytes(sp.user_stored_bytes)}; dive’s “user wasted”)</div></div>
        <div class="card"><div class="big" id="deleted-shipped">${formatBytes(sp.deleted_shipped_bytes)}</div><div class="muted">deleted by a later layer but still shipped</div></div>
      </section>

      <h3>Layers</h3>
      <table id="space-layers">
        <thead><tr><th>Layer</th><th class="num">Stores</th><th></th><th class="num">Of which dead</th><th class="num">Kills below</th></tr></thead>
        <tbody>
          ${sp.layers.map(
            (l) => html`<tr data-layer=${l.layer}>
              <td>${this.layerLink(l.layer)}</td>
              <td class="num">${formatBytes(l.bytes_added)}</td>
              <td class="barcell"><div class="bar"><div class="live" ${setStyle({ width: `${((100 * (l.bytes_added - l.bytes_made_dead)) / maxAdded).toFixed(2)}%` })}></div><div class="dead" ${setStyle({ width: `${((100 * l.bytes_made_dead) / maxAdded).toFixed(2)}%` })}></div></div></td>
              <td class="num">${l.bytes_made_dead ? formatBytes(l.bytes_made_dead) : '—'}</td>
              <td class="num">${l.bytes_killed ? formatBytes(l.bytes_killed) : '—'}</td>
            </tr>`,
          )}
        </tbody>
      </table>

      <h3>Biggest wasted copies</h3>
      ${sp.top_wasted.length
        ? html`<table id="space-wasted">
            <thead><tr><th>Path</th><th class="num">Size</th><th>Stored in</th><th>Made dead by</th><th>How</th></tr></thead>
            <tbody>
              ${sp.top_wasted.map(
                (d) => html`<tr>
                  <td>${this.pathLink(d.path, d.layer, 'layer')}</td>
                  <td class="num">${formatBytes(d.bytes)}</td>
                  <td>layer ${this.layerLink(d.layer, 'layer', d.path)}</td>
                  <td>layer ${this.layerLink(d.killed_by, 'layer', d.path)}</td>
                  <td>${HOW[d.how] ?? d.how}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : html`<p class="muted" id="space-no-waste">No layer stores a copy the final filesystem does not show.</p>`}

      <h3>Biggest files</h3>
      ${this.sizedTable('space-files', sp.biggest_files)}
      <h3>Biggest directories</h3>
      ${this.sizedTable('space-dirs', sp.biggest_dirs.map((d) => ({ ...d, layer: -1 })))}
      <p class="muted foot">${plural(sp.layers.length, 'layer')}; sizes are regular-file bytes (hard links count once; ${formatCount(sp.stored_bytes)} bytes stored).</p>`;
  }

  private sizedTable(id: string, rows: { path: string; bytes: number; layer: number }[]) {
    const top = this.image!.layers.length - 1;
    if (!rows.length) return html`<p class="muted">None.</p>`;
    return html`<table id=${id}>
      <thead><tr><th>Path</th><th class="num">Size</th>${rows[0].layer >= 0 ? html`<th>Written by</th>` : nothing}</tr></thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr>
            <td>${this.pathLink(r.path, top, 'merged')}</td>
            <td class="num">${formatBytes(r.bytes)}</td>
            ${r.layer >= 0 ? html`<td>layer ${this.layerLink(r.layer, 'layer', r.path)}</td>` : nothing}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-space-view': SpaceView;
  }
}
