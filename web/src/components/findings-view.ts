// The Findings tab (issue 9, page part): what the image ships that someone
// should look at — the core's rules (layerscope findings): secrets in the
// config and history, key and credential files, files deleted by a later layer
// but still shipped, setuid/setgid and world-writable files. Values are masked
// by the core (****). A scan of file contents (reads every layer) is started by
// the user, with progress and cancel. Each path links to the layer storing it.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FindingDoc, FindingsDocument, ImageDoc } from '../engine';
import type { ArchiveSession } from '../state/session';
import { errorLine } from '../state/errors';
import { formatBytes, plural } from '../state/format';
import { jobProgress } from './job-progress';
import type { GotoDetail } from './space-view';
import { findingsViewStyles } from './findings-view.styles';

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

@customElement('ls-findings-view')
export class FindingsView extends LitElement {
  static styles = findingsViewStyles;

  @property({ attribute: false }) session: ArchiveSession | null = null;
  @property({ attribute: false }) image: ImageDoc | null = null;
  @property({ type: Number }) imageIndex = 0;
  /** Changes when the session's state changed (an answer or progress arrived). */
  @property({ type: Number }) version = 0;

  private goto(f: FindingDoc): void {
    if (f.path === null || f.layer === null) return;
    const d: GotoDetail = { path: f.path, layer: f.layer, view: 'layer' };
    this.dispatchEvent(new CustomEvent<GotoDetail>('ls-goto', { detail: d, bubbles: true, composed: true }));
  }

  render() {
    const s = this.session;
    if (!s || !this.image) return nothing;
    const scan = s.contentScan(this.imageIndex);
    const names = s.findingsOf(this.imageIndex);
    // The content scan, once done, holds every finding (names included).
    const doc: FindingsDocument | null = scan?.value ?? names.value;
    return html`${this.renderScan()}
      ${names.error && !scan?.value ? html`<p class="err" id="findings-error">${errorLine(names.error)}</p>` : nothing}
      ${!doc ? (names.loading ? html`<p class="muted">Looking…</p>` : nothing) : this.renderDoc(doc)}`;
  }

  private renderScan() {
    const s = this.session!;
    const scan = s.contentScan(this.imageIndex);
    if (scan?.loading) return jobProgress('content-scan', 'Reading file contents', scan.progress, () => s.cancel());
    if (scan?.value) return html`<p class="muted" id="content-scanned">File contents were scanned too.</p>`;
    return html`<div class="scan job-row">
      ${scan?.error ? html`<span class="muted">${scan.error.code === 'cancelled' ? 'The content scan was stopped.' : errorLine(scan.error)}</span>` : nothing}
      <button class="btn small" id="scan-contents" @click=${() => s.startContentScan(this.imageIndex)} title="Reads every layer of the image">
        Scan file contents for secrets
      </button>
      <span class="muted">Without it, only the configuration, history and file names and modes are looked at.</span>
    </div>`;
  }

  private renderDoc(doc: FindingsDocument) {
    const explain = new Map(doc.rules.map((r) => [r.id, r.explanation]));
    const counts = SEVERITIES.filter((k) => doc.counts[k]);
    return html`<div class="counts" id="findings-counts">
        ${counts.length
          ? counts.map((k) => html`<span class=${`sev ${k}`} data-severity=${k}>${doc.counts[k]} ${k}</span>`)
          : html`<span class="ok" id="no-findings">Nothing found by the ${plural(doc.rules.length, 'rule')}.</span>`}
      </div>
      ${doc.findings.length
        ? html`<table id="findings">
            <thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>What</th></tr></thead>
            <tbody>
              ${doc.findings.map(
                (f) => html`<tr data-rule=${f.rule}>
                  <td><span class=${`sev ${f.severity}`}>${f.severity}</span></td>
                  <td class="mono" title=${explain.get(f.rule) ?? ''}>${f.rule}</td>
                  <td>
                    ${f.path !== null && f.layer !== null
                      ? html`<button class="link mono path" @click=${() => this.goto(f)} title=${`/${f.path} in layer ${f.layer}`}>/${f.path}</button>`
                      : nothing}
                    <div class="muted mono">${f.place}${f.killed_by !== null ? ` · deleted by layer ${f.killed_by}` : ''}${f.bytes !== null ? ` · ${formatBytes(f.bytes)}` : ''}</div>
                  </td>
                  <td class="detail">${f.detail}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
      <details class="rules">
        <summary>The ${plural(doc.rules.length, 'rule')}</summary>
        <dl>${doc.rules.map((r) => html`<dt class="mono">${r.id} <span class=${`sev ${r.severity}`}>${r.severity}</span></dt><dd>${r.explanation}</dd>`)}</dl>
      </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-findings-view': FindingsView;
  }
}
