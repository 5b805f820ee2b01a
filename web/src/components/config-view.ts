// The image config, readable (entrypoint, command, env, ports, volumes,
// labels, healthcheck, …), the manifest facts, then the raw config JSON next
// to the raw manifest JSON (highlighted, foldable trees whose layer digests link to
// the layers, components/json-tree.ts; copy gives the document as stored).
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ContainerConfig, ImageDoc } from '../engine';
import type { ArchiveSession, Loadable } from '../state/session';
import { platformString, shortDigest } from '../state/format';
import { errorLine } from '../state/errors';
import { configViewStyles } from './config-view.styles';
import { jsonTree, jsonTreeStyles, type LinkFor } from './json-tree';
import './copy-button';

@customElement('ls-config-view')
export class ConfigView extends LitElement {
  static styles = [configViewStyles, jsonTreeStyles];

  @property({ attribute: false }) image: ImageDoc | null = null;
  @property() archiveName = '';
  /** Where the raw manifest comes from (fetched from the worker once). */
  @property({ attribute: false }) session: ArchiveSession | null = null;
  /** Changes when the session's state changed (a fetch finished). */
  @property({ attribute: false }) version: unknown = 0;

  render() {
    const img = this.image;
    if (!img) return nothing;
    const cfg = img.config;
    const c: ContainerConfig = (cfg?.config ?? {}) as ContainerConfig;
    const env = (c.Env ?? []).map((e) => {
      const k = e.indexOf('=');
      return k < 0 ? [e, ''] : [e.slice(0, k), e.slice(k + 1)];
    });
    const labels = Object.entries(c.Labels ?? {});
    const ports = Object.keys(c.ExposedPorts ?? {});
    const vols = Object.keys(c.Volumes ?? {});
    const hc = c.Healthcheck;
    const raw = cfg ? JSON.stringify(cfg, null, 2) : '';
    return html`
      <h3>Runs</h3>
      <dl class="kv" id="config-runs">
        <dt>Entrypoint</dt>
        <dd class="mono">${execForm(c.Entrypoint)}</dd>
        <dt>Command</dt>
        <dd class="mono">${execForm(c.Cmd)}</dd>
        <dt>User</dt>
        <dd class="mono">${c.User || html`<span class="none">root (default)</span>`}</dd>
        <dt>Working dir</dt>
        <dd class="mono">${c.WorkingDir || html`<span class="none">/ (default)</span>`}</dd>
        <dt>Ports</dt>
        <dd class="chips">${ports.length ? ports.map((p) => html`<span class="chip mono">${p}</span>`) : html`<span class="none">none</span>`}</dd>
        <dt>Volumes</dt>
        <dd class="chips">${vols.length ? vols.map((v) => html`<span class="chip mono">${v}</span>`) : html`<span class="none">none</span>`}</dd>
        ${c.StopSignal ? html`<dt>Stop signal</dt><dd class="mono">${c.StopSignal}</dd>` : nothing}
        ${c.Shell?.length ? html`<dt>Shell</dt><dd class="mono">${JSON.stringify(c.Shell)}</dd>` : nothing}
        ${c.OnBuild?.length ? html`<dt>On build</dt><dd class="mono">${c.OnBuild.join('\n')}</dd>` : nothing}
        <dt>Healthcheck</dt>
        <dd class="mono">
          ${hc && hc.Test?.length
            ? html`${healthTest(hc.Test)}
                <span class="note"
                  >${[
                    hc.Interval ? `every ${nsToS(hc.Interval)}` : '',
                    hc.Timeout ? `timeout ${nsToS(hc.Timeout)}` : '',
                    hc.StartPeriod ? `start period ${nsToS(hc.StartPeriod)}` : '',
                    hc.Retries ? `${hc.Retries} retries` : '',
                  ]
                    .filter(Boolean)
                    .join(' · ')}</span
                >`
            : html`<span class="none">none</span>`}
        </dd>
      </dl>

      <h3>Environment (${env.length})</h3>
      ${env.length
        ? html`<div class="box"><table id="env">
            ${env.map(([k, v]) => html`<tr><td>${k}</td><td>${v}</td></tr>`)}
          </table></div>`
        : html`<p class="none">No environment variables.</p>`}

      <h3>Labels (${labels.length})</h3>
      ${labels.length
        ? html`<div class="box"><table id="labels">
            ${labels.map(([k, v]) => html`<tr><td>${k}</td><td>${String(v)}</td></tr>`)}
          </table></div>`
        : html`<p class="none">No labels.</p>`}

      <h3>Image</h3>
      <dl class="kv">
        <dt>Config digest</dt>
        <dd class="mono">${img.config_digest ?? '–'} ${img.config_digest ? html`<ls-copy .text=${img.config_digest}></ls-copy>` : nothing}</dd>
        <dt>Manifest</dt>
        <dd class="mono">
          ${img.manifest_digest ? html`${img.manifest_digest} <ls-copy .text=${img.manifest_digest}></ls-copy>` : html`<span class="none">no manifest digest (legacy docker save)</span>`}
        </dd>
        ${img.manifest_media_type ? html`<dt>Manifest type</dt><dd class="mono">${img.manifest_media_type}</dd>` : nothing}
        ${img.source ? html`<dt>Found in</dt><dd class="mono">${img.source}</dd>` : nothing}
        <dt>Platform</dt>
        <dd>${platformString(img.platform)}</dd>
        <dt>Layers</dt>
        <dd>
          ${img.layers.map(
            (l) => html`<div class="mono" title=${l.digest ?? ''}>
              #${l.index} ${l.media_type ?? ''}
              <button class="link mono layer-link" data-layer=${l.index} title=${`Show layer ${l.index}`} @click=${() => this.showLayer(l.index)}>${shortDigest(l.digest)}</button>
              ${l.diff_id && l.diff_id !== l.digest ? html`<span class="faint">(diff_id ${shortDigest(l.diff_id)})</span>` : nothing}
              <span class="faint layer-member" data-layer=${l.index} title="Where the blob is stored in the archive">${l.present && l.member ? `in ${l.member}` : 'not stored in the archive'}</span>
            </div>`,
          )}
        </dd>
      </dl>

      <div class="raw">
        <div>
          <h3>Raw config JSON <ls-copy .text=${raw} label="Copy the config JSON"></ls-copy></h3>
          ${cfg ? html`<div id="raw-config" class="json">${jsonTree(cfg, this.layerOf(img), this.showLayer)}</div>` : html`<p class="none">The config could not be read.</p>`}
        </div>
        <div>${this.renderManifest(img)}</div>
      </div>
      ${this.session?.summary?.archive.members_of_note.includes('index.json') ? this.renderIndex(img) : nothing}
    `;
  }

  private renderManifest(img: ImageDoc) {
    const sub = img.manifest_digest ? nothing : html`<span class="sub" title="a legacy docker save has no manifest blob">manifest.json entry</span>`;
    return this.renderRaw(img, 'raw-manifest', 'Raw manifest JSON', 'the manifest', sub, this.session?.manifest(img.index) ?? null);
  }

  /** The archive's index.json (the list of images and platforms of an OCI layout), as stored. */
  private renderIndex(img: ImageDoc) {
    return html`<div class="raw-index">${this.renderRaw(img, 'raw-index', 'Raw index.json', 'index.json', nothing, this.session?.rawIndex() ?? null)}</div>`;
  }

  /** A JSON document as stored: a foldable tree whose digests link to layers (as text when not JSON). */
  private renderRaw(img: ImageDoc, id: string, title: string, what: string, sub: unknown, m: Loadable<string> | null) {
    const text = m?.value ?? null;
    const parsed = text === null ? { value: null } : parseJson(text);
    return html`<h3>
        ${title} ${text !== null ? html`<ls-copy .text=${text} label=${`Copy ${what} as stored`}></ls-copy>` : nothing} ${sub}
      </h3>
      ${!m || m.loading
        ? html`<p class="none">Reading ${what}…</p>`
        : m.error
          ? html`<p class="none" id=${`${id}-error`}>${errorLine(m.error)}</p>`
          : parsed === null
            ? html`<p class="note">Not valid JSON; shown as stored.</p>
                <pre id=${id}>${text}</pre>`
            : html`<div id=${id} class="json">${jsonTree(parsed.value, this.layerOf(img), this.showLayer)}</div>`}`;
  }

  /** Which layer a digest names (its stored digest or its diff_id), for links out of the JSON. */
  private layerOf(img: ImageDoc): LinkFor {
    const by = new Map<string, number>();
    for (const l of img.layers) {
      if (l.digest) by.set(l.digest, l.index);
      if (l.diff_id) by.set(l.diff_id, l.index);
    }
    return (s) => by.get(s) ?? null;
  }

  /** A layer's digest was clicked: show what that layer changed (the archive view listens). */
  private showLayer = (layer: number): void => {
    this.dispatchEvent(new CustomEvent('ls-select-layer', { detail: layer, bubbles: true, composed: true }));
  };
}

/** The parsed document; null when the text is not JSON. */
function parseJson(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

function execForm(v: string[] | null | undefined) {
  if (!v || v.length === 0) return html`<span class="none">none</span>`;
  return JSON.stringify(v);
}

function healthTest(t: string[]): string {
  if (t[0] === 'CMD-SHELL') return `CMD-SHELL ${t.slice(1).join(' ')}`;
  if (t[0] === 'CMD') return `CMD ${JSON.stringify(t.slice(1))}`;
  if (t[0] === 'NONE') return 'NONE (disabled)';
  return JSON.stringify(t);
}

function nsToS(ns: number): string {
  const s = ns / 1e9;
  return s >= 1 ? `${s}s` : `${ns / 1e6}ms`;
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-config-view': ConfigView;
  }
}
