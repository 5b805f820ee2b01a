// One line of progress for work the user started (a content scan, a diff):
// what it is doing, a bar that agrees with the percentage, and Cancel.
import { css, html } from 'lit';
import type { ProgressEvent } from '../engine';
import { phaseText } from '../state/labels';
import { barFill } from '../styles/controls';
import { setStyle } from './set-style';

/** Styles of the progress line, and of a view's own row of controls (class job-row) laid out alike. */
export const jobRowStyles = css`
    .job-row,
    .progress {
      display: flex;
      align-items: center;
      gap: var(--ls-space-3);
      flex-wrap: wrap;
      margin-bottom: 10px;
      font-size: var(--ls-text-m);
    }
    .progress .bar {
      flex: 1 1 160px;
      height: 8px;
      overflow: hidden;
    }
    .progress .bar > div {
      flex: none;
      width: 100%;
      height: 100%;
      background: var(--ls-accent);
    }
  `;

export function jobProgress(id: string, doing: string, p: ProgressEvent | null, cancel: () => void) {
  const frac = p && p.total ? Math.min(1, p.done / p.total) : 0;
  return html`<div class="progress" id=${id} role="status" aria-live="polite">
    <span>${doing}… ${p ? `${phaseText(p.phase, '')} ${Math.floor(frac * 100)}%` : ''}</span>
    <div class="bar" role="progressbar" aria-label=${doing} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(frac * 100)}>
      <div ${setStyle(barFill(frac))}></div>
    </div>
    <button class="btn small" id=${`cancel-${id}`} @click=${cancel}>Cancel</button>
  </div>`;
}
