// The sidebar of an archive: the archive card (layout, producer, size, how much
// was read, digest verification, warnings), the image card (picker, summary,
// attestations) and the layer list. Template functions rendered inside
// <ls-archive-view> (its shadow root holds archive-sidebar.styles.ts).
import { html, nothing } from 'lit';
import type { ImageDoc, LayerDoc } from '../engine';
import type { ArchiveSession } from '../state/session';
import { formatAgo, formatBytes, formatCount, formatDuration, formatRate, formatTime, platformString, plural, shortDigest } from '../state/format';
import { layerChecks, verifyTally, verifyVerdict, VERIFY_WARNINGS, type Check } from '../state/verify';
import { toInstruction } from '../state/dockerfile';
import { warningTitle } from '../state/words';
import { imageTitle } from '../state/labels';
import { barFill } from '../styles/controls';
import { setStyle } from './set-style';
import { verifyTable } from './verify-table';
import { icons } from './icons';
import './copy-button';

/** The archive card: what the archive is and how it was read, verification, warnings. */
export function archivePanel(s: ArchiveSession) {
  const d = s.summary!;
  const pct = d.archive.size ? (100 * s.bytesRead) / d.archive.size : 0;
  const summaryPct = d.archive.size ? (100 * s.summaryBytes) / d.archive.size : 0;
  const layers = s.layersReadCount();
  return html`<section
    class="card"
    id="archive-panel"
    aria-label="Archive"
    data-open-ms=${Math.round(s.openMs)}
    data-load-ms=${Math.round(s.loadMs)}
    data-bytes-read=${s.bytesRead}
    data-indexed=${s.indexed ? 'true' : 'false'}
    data-layers-read=${`${layers.read}/${layers.total}`}
    data-summary-ms=${Math.round(s.summaryMs)}
    data-summary-bytes=${s.summaryBytes}
    data-fetched-bytes=${s.io?.fetchedBytes ?? 0}
    data-fetches=${s.io?.fetches ?? 0}
    data-read-calls=${s.io?.calls ?? 0}
    data-fetch-ms=${Math.round(s.io?.ms ?? 0)}
    data-streamed-bytes=${s.io?.streamedBytes ?? 0}
    data-wasm-bytes=${s.io?.wasmBytes ?? 0}
    data-size=${d.archive.size}
  >
    <h2>Archive</h2>
    <div class="body">
      <div class="archive-name">${d.archive.name}</div>
      <dl class="kv">
        <dt>Layout</dt>
        <dd id="layout">${d.layout_description || d.layout}</dd>
        <dt>Producer</dt>
        <dd id="producer">${d.producer || 'unknown'}</dd>
        <dt>Size</dt>
        <dd>${formatBytes(d.archive.size)}${d.archive.outer_compression !== 'none' ? html` · ${d.archive.outer_compression}-compressed` : nothing}</dd>
        <dt>Members</dt>
        <dd>${formatCount(d.archive.members)}</dd>
        ${s.summaryBytes !== s.bytesRead
          ? html`<dt>Summary</dt>
              <dd id="summary-cost" title="The documents and headers read before anything was shown">
                in ${formatDuration(s.summaryMs)} · read ${formatBytes(s.summaryBytes)} (${summaryPct.toFixed(summaryPct < 10 ? 1 : 0)}%)
              </dd>`
          : nothing}
        <dt>${s.indexed ? 'Indexed' : s.summaryBytes !== s.bytesRead ? 'Read so far' : 'Summary'}</dt>
        <dd id="index-cost" title="Bytes of the archive the inspector had to read; file payloads of uncompressed layers are skipped">
          in ${formatDuration(s.openMs)} · read ${formatBytes(s.bytesRead)} (${pct.toFixed(pct < 10 ? 1 : 0)}%)${s.indexed ? nothing : ` · ${layers.read} of ${layers.total} layers read`}
        </dd>
      </dl>
      ${verifyBlock(s)}
      ${d.warnings.length
        ? html`<ul class="warnings" id="warnings">
            ${d.warnings.map(
              (w) => html`<li class=${VERIFY_WARNINGS.has(w.code) ? 'verify-warning err-box' : 'warn-box'} data-code=${w.code}>
                <strong>${icons.warn} ${warningTitle(w.code)}</strong>
                <span class="detail">${w.message}${w.where ? html` — <span class="mono">${w.where}</span>` : nothing}</span>
              </li>`,
            )}
          </ul>`
        : html`<div class="ok-line">No problems found in the archive’s structure.</div>`}
    </div>
  </section>`;
}

/** "Verify digests": hash every blob and layer, with progress and cancel; then the tally. */
function verifyBlock(s: ArchiveSession) {
  const v = s.verification;
  if (v?.status === 'running') {
    const p = v.progress;
    const frac = p && p.total ? Math.min(1, p.done / p.total) : 0;
    return html`<div class="verify" id="verify-progress" role="status" aria-live="polite">
      <div class="row"><strong>Verifying digests…</strong><span class="hint">browsing goes on meanwhile (it runs in a worker of its own)</span></div>
      <div class="bar" role="progressbar" aria-label="Verification" aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(frac * 100)}>
        <div ${setStyle(barFill(frac))}></div>
      </div>
      <div class="numbers">
        ${p
          ? html`<span id="verify-bytes">${formatBytes(p.done)} of ${formatBytes(p.total)} (${Math.floor(frac * 100)}%)</span>
              <span id="verify-rate">${formatRate(p.rate)}</span>`
          : html`<span>starting…</span>`}
      </div>
      <button class="btn small" id="verify-cancel" @click=${() => s.cancelVerify()} title="Stop verifying">Cancel</button>
    </div>`;
  }
  const button = (label: string) =>
    html`<button class="btn small" id="verify" @click=${() => void s.verify()} title="Hash every layer and compare with its digest and diff_id (reads the whole archive)">
      ${icons.check} ${label}
    </button>`;
  if (!v) {
    return html`<div class="verify"><div class="row">${button('Verify digests')}<span class="hint">reads the whole archive</span></div></div>`;
  }
  if (v.status === 'cancelled' || v.status === 'error') {
    return html`<div class="verify" id="verify-result">
      <div class="row">
        <span class=${v.status === 'error' ? 'result bad' : 'result'}
          >${v.status === 'cancelled' ? 'Verification stopped; nothing was concluded.' : `Verification failed: ${v.error?.message ?? ''}`}</span
        >
        ${button('Verify again')}
      </div>
    </div>`;
  }
  const t = verifyTally(s.summary!);
  const checked = t.ok + t.bad;
  return html`<div class="verify" id="verify-result" data-ok=${t.ok} data-bad=${t.bad} data-unchecked=${t.unchecked}>
    <div class=${t.bad ? 'result bad' : checked ? 'result ok' : 'result'}>${verifyVerdict(t)}</div>
    <div class="hint">
      ${t.unchecked ? `${t.unchecked} not checked (not stored or unreadable) · ` : ''}verified in ${formatDuration(v.elapsedMs)}${v.reopened
        ? ' (the archive is compressed as a whole, so it was read again from its start)'
        : ''}
    </div>
    ${v.rows ? verifyTable(v.rows) : nothing}
  </div>`;
}

/** The image (or the picker of several), its summary, and the attestations beside it. */
export function imagePanel(s: ArchiveSession) {
  const d = s.summary!;
  const img = s.currentImage;
  return html`<section class="card" id="image-panel" aria-label="Image">
    <h2>${d.images.length > 1 ? `Images (${d.images.length})` : 'Image'}</h2>
    <div class="body">
      ${d.images.length > 1
        ? html`<ul class="images" id="image-picker">
            ${d.images.map(
              (im) => html`<li>
                <button aria-pressed=${im.index === s.image ? 'true' : 'false'} data-index=${im.index} @click=${() => s.selectImage(im.index)}>
                  <span class="tagline"
                    >${imageTitle(im)}${d.images.some((o) => o !== im && imageTitle(o) === imageTitle(im))
                      ? html` · <strong>${platformString(im.platform)}</strong>`
                      : nothing}</span
                  >
                  <span class="sub">${im.id ?? 'no id'} · ${platformString(im.platform)} · ${plural(im.layers.length, 'layer')} · ${formatBytes(im.size)}</span>
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      ${img ? imageSummary(img) : html`<p class="muted">No image found in this archive.</p>`}
      ${d.attestations.length
        ? html`<h3 class="section-title" id="attestations">Attestations (not images)</h3>
            <ul class="attestations" id="attestation-list">
              ${d.attestations.map((a) => {
                const target = d.images.find((im) => im.manifest_digest && im.manifest_digest === a.reference_digest);
                return html`<li class="attestation" title=${a.manifest_digest}>
                  <span>${a.reference_type === 'attestation-manifest' ? 'Build attestation' : a.reference_type || 'Attestation'}</span>
                  ${target
                    ? html`for <button class="link" @click=${() => s.selectImage(target.index)}>${imageTitle(target)} (${platformString(target.platform)})</button>`
                    : a.reference_digest
                      ? html`for <span class="mono">${shortDigest(a.reference_digest)}</span>`
                      : nothing}
                  <span class="sub mono">${shortDigest(a.manifest_digest)}${a.predicate_types.length ? ` · ${a.predicate_types.join(', ')}` : ''}</span>
                </li>`;
              })}
            </ul>`
        : nothing}
    </div>
  </section>`;
}

function imageSummary(img: ImageDoc) {
  const empties = img.history.filter((h) => h.empty_layer).length;
  return html`<dl class="kv" id="image-summary">
    <dt>Tags</dt>
    <dd class="chips" id="tags">${img.tags.length ? img.tags.map((t) => html`<span class="chip">${t}</span>`) : html`<span class="muted">untagged</span>`}</dd>
    <dt>ID</dt>
    <dd><span class="mono" title=${img.config_digest ?? ''}>${img.id ?? '–'}</span>${img.config_digest ? html` <ls-copy .text=${img.config_digest} label="Copy the image ID (config digest)"></ls-copy>` : nothing}</dd>
    ${img.manifest_digest
      ? html`<dt>Manifest</dt>
          <dd><span class="mono" title=${img.manifest_digest}>${shortDigest(img.manifest_digest)}</span> <ls-copy .text=${img.manifest_digest} label="Copy the manifest digest"></ls-copy></dd>`
      : nothing}
    <dt>Platform</dt>
    <dd>${platformString(img.platform)}</dd>
    <dt>Created</dt>
    <dd title=${img.created ?? ''}>${formatTime(img.created)}${img.created ? html` <span class="faint">(${formatAgo(img.created)})</span>` : nothing}</dd>
    ${img.author ? html`<dt>Author</dt><dd>${img.author}</dd>` : nothing}
    <dt>Size</dt>
    <dd>${formatBytes(img.size)} stored${img.uncompressed_size && img.uncompressed_size !== img.size ? html` · ${formatBytes(img.uncompressed_size)} uncompressed` : nothing}</dd>
    <dt>Layers</dt>
    <dd id="layer-count">${plural(img.layers.length, 'layer')} · ${plural(img.history.length, 'history step')}${empties ? ` (${empties} without a layer)` : ''}</dd>
  </dl>`;
}

/**
 * The layers of an image: instruction, size, change counts, digest, checks; a
 * click selects one. One Tab stop (the selected card; roving tabindex): ↑/↓,
 * Home/End move the selection, → goes on to the file tree.
 */
export function layerList(s: ArchiveSession, img: ImageDoc, select: (layer: number) => void, toTree: () => void) {
  const last = img.layers.length - 1;
  const onKey = (e: KeyboardEvent, at: number) => {
    if (e.target !== e.currentTarget) return;
    const to = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? last : -2;
    if (e.key === 'Enter' || e.key === ' ') select(at);
    else if (e.key === 'ArrowRight') toTree();
    else if (to >= 0 && to <= last) {
      const card = (e.currentTarget as HTMLElement).closest('ul')?.querySelector<HTMLElement>(`.layer[data-layer="${to}"]`);
      card?.focus();
      card?.scrollIntoView({ block: 'nearest' });
      select(to);
    } else if (to === -2) return;
    e.preventDefault();
  };
  const verified = s.verification?.status === 'done' || img.layers.some((l) => l.computed_digest || l.computed_diff_id);
  return html`<section class="card layers-card" aria-label="Layers">
    <h2>Layers</h2>
    <ul class="layers" id="layers">
      ${img.layers.map((l) => {
        const h = img.history.find((x) => x.layer === l.index);
        const ins = h ? toInstruction(h.created_by) : null;
        const c = l.changes;
        return html`<li>
          <div
            class="layer"
            role="button"
            tabindex=${l.index === s.layer ? '0' : '-1'}
            data-layer=${l.index}
            aria-pressed=${l.index === s.layer ? 'true' : 'false'}
            aria-keyshortcuts="ArrowUp ArrowDown ArrowRight"
            @click=${() => select(l.index)}
            @keydown=${(e: KeyboardEvent) => onKey(e, l.index)}
          >
            <span class="idx">#${l.index}</span>
            <span class="cmd" title=${h?.created_by ?? ''}>${ins ? html`<span class="kw">${ins.keyword}</span> ${ins.args}` : html`<span class="faint">no history entry</span>`}</span>
            <span class="size">${formatBytes(l.uncompressed_size ?? l.size)}</span>
            <span class="meta">
              ${c
                ? html`<span class="counts" title="paths added / modified / deleted"
                    ><span class="mark A">+${formatCount(c.added)}</span><span class="mark M">~${formatCount(c.modified)}</span><span class="mark D">−${formatCount(c.deleted)}</span></span
                  >`
                : nothing}
              ${l.compression !== 'none' ? html`<span>${l.compression} ${formatBytes(l.size)}</span>` : nothing}
              ${l.present ? nothing : html`<span class="absent">not stored in this archive</span>`}
              ${l.error ? html`<span class="absent" title=${l.error}>unreadable</span>` : nothing}
              ${l.digest
                ? html`<span class="digest" title=${l.digest}>${shortDigest(l.digest)}</span><ls-copy .text=${l.digest} label="Copy the layer digest"></ls-copy>`
                : nothing}
              ${verified ? checks(l) : nothing}
            </span>
          </div>
        </li>`;
      })}
    </ul>
  </section>`;
}

/** ✓/✗ for the layer's digest and diff_id (after verification). */
function checks(l: LayerDoc) {
  const c = layerChecks(l);
  const one = (kind: 'digest' | 'diff_id', check: Check, expected: string | null, computed: string | undefined) => {
    const what = kind === 'digest' ? 'the stored blob' : 'the uncompressed layer';
    const title =
      check === 'ok'
        ? `${kind} verified: ${what} hashes to ${computed}`
        : check === 'bad'
          ? `${kind} MISMATCH: ${what} hashes to ${computed}, expected ${expected}`
          : `${kind} not checked${computed ? ` (computed ${computed}; nothing to compare with)` : ''}`;
    return html`<span class=${`check ${check}`} data-kind=${kind} data-check=${check} data-computed=${computed ?? ''} title=${title}
      >${check === 'ok' ? '✓' : check === 'bad' ? '✗' : '–'} ${kind}</span
    >`;
  };
  return html`${one('digest', c.digest, l.digest, l.computed_digest)}${one('diff_id', c.diffId, l.diff_id, l.computed_diff_id)}`;
}
