// A small "copy to clipboard" button with feedback. Falls back to a hidden
// textarea + execCommand where the async clipboard is unavailable (file://).
import { LitElement, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { icons } from './icons';
import { copyButtonStyles } from './copy-button.styles';

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
  static styles = copyButtonStyles;

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
