// A modal <dialog> as the page draws it (the key sheet, the export dialog):
// panel colours, border, shadow, a dimmed backdrop, its title. Values from tokens.ts.
import { css } from 'lit';

export const dialogStyles = css`
  dialog {
    max-height: calc(100vh - 48px);
    padding: 18px 20px;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius);
    background: var(--ls-panel);
    color: var(--ls-fg);
    box-shadow: var(--ls-shadow);
  }
  dialog::backdrop {
    background: color-mix(in srgb, var(--ls-bg) 60%, transparent);
  }
  dialog h2 {
    font-size: 16px;
  }
`;
