// The verify table: every blob the archive claims (layers, configs, manifests)
// with its digest, member, size and state, mismatches as expected vs actual and
// the core's problems in plain words, under a one-line verdict. A template
// function rendered in the archive card (styles: verify-table.styles.ts).
// A plain table: an archive has at most a few hundred blobs, the table scrolls
// in a box of its own (so the card stays short), and it is rendered once per
// verification (guard), not on every change of the page.
import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { VerifyDocument, VerifyRow } from '../engine';
import { formatBytes, formatCount, shortDigest } from '../state/format';
import { blobVerdict, rowView, type Mismatch } from '../state/verify-table';
import './copy-button';

const exactBytes = (n: number | null) => (n === null ? '' : `${formatCount(n)} bytes`);
const showValue = (m: Mismatch, v: string) => (m.what === 'size' ? exactBytes(Number(v)) : v);

function mismatchList(ms: Mismatch[]) {
  if (!ms.length) return nothing;
  return html`<dl class="mismatch">
    ${ms.map(
      (m) => html`<div data-what=${m.what}>
        <dt>${m.what} expected</dt>
        <dd class="mono expected">${showValue(m, m.expected)}</dd>
        <dt>${m.what} actual</dt>
        <dd class="mono actual">${showValue(m, m.actual)}</dd>
      </div>`,
    )}
  </dl>`;
}

function blobRow(r: VerifyRow) {
  const v = rowView(r);
  return html`<tbody
    class="blob"
    data-kind=${r.kind}
    data-state=${r.state}
    data-member=${r.member ?? ''}
    data-expected=${r.expected ?? ''}
    data-actual=${r.actual ?? ''}
    data-size=${r.size ?? ''}
    data-actual-size=${r.actual_size ?? ''}
  >
    <tr>
      <td class="state ${r.state}" title=${r.state}><span aria-hidden="true">${v.stateIcon}</span><span class="sr-only">${r.state}</span></td>
      <td class="digest mono" title=${v.digest ?? 'no digest claimed or computed'}>
        ${shortDigest(v.digest)}${v.digest ? html`<ls-copy .text=${v.digest} label="Copy the full digest"></ls-copy>` : nothing}
      </td>
      <td class="size" title=${exactBytes(v.size)}>${v.size === null ? '–' : formatBytes(v.size)}</td>
    </tr>
    <tr class="detail">
      <td></td>
      <td colspan="2">
        <div class="what"><span class="kind">${r.kind}</span> · <span class="member mono" title=${r.where}>${r.member ?? '(not stored)'}</span></div>
        ${mismatchList(v.mismatches)}
        ${r.problems.length ? html`<ul class="problems">${r.problems.map((p) => html`<li>${p}</li>`)}</ul>` : nothing}
      </td>
    </tr>
  </tbody>`;
}

export function verifyTable(doc: VerifyDocument) {
  return guard([doc], () => tableOf(doc));
}

function tableOf(doc: VerifyDocument) {
  return html`<div class="verify-table" id="verify-table" data-ok=${doc.ok ? 'true' : 'false'} data-checked=${doc.checked} data-failed=${doc.failed}>
    <div class=${doc.ok ? 'result ok' : 'result bad'} id="verify-blobs-verdict">${blobVerdict(doc)}</div>
    <div class="table-box" tabindex="0" role="region" aria-label="Blobs checked">
      <table>
        <thead>
          <tr><th scope="col"><span class="sr-only">State</span></th><th scope="col">Digest · kind · member</th><th scope="col">Size</th></tr>
        </thead>
        ${doc.rows.map(blobRow)}
      </table>
    </div>
  </div>`;
}
