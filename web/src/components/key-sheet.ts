// <ls-key-sheet>: the list of keys (state/keys.ts KEY_SHEET) in a modal
// <dialog>; `?` opens it (the page's shell listens), Esc or Close shuts it and
// the browser returns the focus to where it was.
import { LitElement, html } from 'lit';
import { customElement, query } from 'lit/decorators.js';
import { KEY_SHEET } from '../state/keys';
import { keySheetStyles } from './key-sheet.styles';

@customElement('ls-key-sheet')
export class KeySheet extends LitElement {
  static styles = keySheetStyles;

  @query('dialog') private dialog!: HTMLDialogElement;

  show(): void {
    if (!this.dialog.open) this.dialog.showModal();
  }

  get open(): boolean {
    return this.dialog?.open ?? false;
  }

  render() {
    return html`<dialog id="keys" aria-labelledby="keys-title">
      <button class="btn small close" @click=${() => this.dialog.close()}>Close</button>
      <h2 id="keys-title">Keyboard</h2>
      ${KEY_SHEET.map(
        (g) => html`<h3>${g.group}</h3>
          <table>
            <tbody>
              ${g.keys.map(([k, what]) => html`<tr><td>${k.split(' ').map((one) => html`<kbd>${one}</kbd> `)}</td><td>${what}</td></tr>`)}
            </tbody>
          </table>`,
      )}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'ls-key-sheet': KeySheet;
  }
}
