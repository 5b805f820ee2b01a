// A small "copy to clipboard" button with feedback. Falls back to a hidden
// textarea + execCommand where the async clipboard is unavailable (file://).
import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { icons } from './icons';

export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  ta.style.top = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

@customElement('ls-copy')
export class CopyButton extends LitElement {
  static styles = css`
    :host {
      display: inline-flex;
      vertical-align: middle;
    }
    button {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      width: 22px;
      height: 22px;
      padding: 0;
      border: 1px solid transparent;
      border-radius: 5px;
      background: none;
      color: var(--ls-muted);
      cursor: pointer;
    }
    button:hover {
      background: var(--ls-hover);
      border-color: var(--ls-border);
      color: var(--ls-fg);
    }
    button.done {
      color: var(--ls-add);
    }
    .icon {
      width: 14px;
      height: 14px;
    }
  `;

  @property() text = '';
  @property() label = 'Copy';
  @state() private done = false;

  render() {
    return html`<button
      class=${this.done ? 'done' : ''}
      title=${this.done ? 'Copied' : this.label}
      aria-label=${this.label}
      @click=${async (e: Event) => {
        e.stopPropagation();
        this.done = await copyText(this.text);
        setTimeout(() => (this.done = false), 1200);
      }}
    >
      ${this.done ? icons.check : icons.copy}
    </button>`;
  }
}
