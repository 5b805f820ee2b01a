// <ls-view-warnings>: the warnings that concern one view (a listing, a file,
// the history, the config), at the view's top (issue 11). Each names its code,
// says it in plain words, and gives the core's message and place as text. A
// warning that a layer is missing is open from the start: what the view shows
// is incomplete; the others fold into one line a click (or Enter) opens.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Warning } from '../engine';
import { warningTitle } from '../state/words';
import { INCOMPLETE } from '../state/view-warnings';
import { plural } from '../state/format';
import { icons } from './icons';
import { viewWarningsStyles } from './view-warnings.styles';

@customElement('ls-view-warnings')
export class ViewWarnings extends LitElement {
  static styles = viewWarningsStyles;

  @property({ attribute: false }) warnings: readonly Warning[] = [];
  /** What the view is, for the summary line ("this listing", "this file"). */
  @property() what = 'this view';

  render() {
    const ws = this.warnings;
    if (!ws.length) return nothing;
    const incomplete = ws.some((w) => INCOMPLETE.has(w.code));
    const codes = [...new Set(ws.map((w) => w.code))];
    return html`<details class=${incomplete ? 'err-box' : 'warn-box'} ?open=${incomplete} data-codes=${codes.join(' ')}>
      <summary>
        ${icons.warn}
        <span class="count">${plural(ws.length, 'warning')} ${ws.length === 1 ? 'concerns' : 'concern'} ${this.what}</span>
        ${incomplete ? html`<span class="incomplete">— it is incomplete</span>` : nothing}
        <span class="codes mono">${codes.join(', ')}</span>
      </summary>
      <ul>
        ${ws.map(
          (w) => html`<li data-code=${w.code}>
            <strong>${warningTitle(w.code)}</strong>
            <span class="detail">${w.message}${w.where ? html` — <span class="mono">${w.where}</span>` : nothing}</span>
          </li>`,
        )}
      </ul>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-view-warnings': ViewWarnings;
  }
}
