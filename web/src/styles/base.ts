// Rules every component shares (adopted stylesheets: no inline <style>, so the
// Content-Security-Policy needs no 'unsafe-inline'): box sizing, form controls'
// font, buttons and links, text utilities, cards and their titles, change marks,
// chips, key/value lists, warning and error boxes, focus ring.
// Imports nothing local; the values come from tokens.ts.
import { css } from 'lit';

export const base = css`
  :host {
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  select,
  input {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    gap: var(--ls-space-3);
    padding: 5px 11px;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    color: var(--ls-fg);
    font-size: var(--ls-text);
    line-height: 18px;
    white-space: nowrap;
  }
  .btn:hover {
    background: var(--ls-hover);
  }
  .btn.primary {
    background: var(--ls-accent);
    border-color: var(--ls-accent);
    color: var(--ls-accent-fg);
  }
  .btn.primary:hover {
    filter: brightness(1.08);
  }
  .btn.small {
    padding: 2px 8px;
    font-size: var(--ls-text-s);
  }
  .btn[disabled] {
    opacity: 0.5;
    cursor: default;
  }
  .link {
    background: none;
    border: none;
    padding: 0;
    color: var(--ls-accent);
    cursor: pointer;
    text-decoration: none;
    font: inherit;
  }
  .link:hover {
    text-decoration: underline;
  }
  .mono {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-m);
  }
  .muted {
    color: var(--ls-muted);
  }
  .faint {
    color: var(--ls-faint);
  }
  .card {
    background: var(--ls-panel);
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius);
    box-shadow: var(--ls-shadow);
  }
  .card > h2,
  .section-title {
    margin: 0;
    padding: 10px 14px 6px;
    font-size: var(--ls-text-sm);
    font-weight: var(--ls-weight-title);
    letter-spacing: var(--ls-caps-spacing);
    text-transform: uppercase;
    color: var(--ls-muted);
  }
  .mark {
    display: inline-block;
    min-width: 18px;
    padding: 0 4px;
    border-radius: var(--ls-radius-xs);
    font-family: var(--ls-mono);
    font-size: var(--ls-text-xs);
    font-weight: 700;
    line-height: 16px;
    text-align: center;
  }
  .mark.A {
    color: var(--ls-add);
    background: var(--ls-add-bg);
  }
  .mark.M {
    color: var(--ls-mod);
    background: var(--ls-mod-bg);
  }
  .mark.D {
    color: var(--ls-del);
    background: var(--ls-del-bg);
  }
  .chip {
    display: inline-block;
    padding: 1px 8px;
    border-radius: var(--ls-radius-pill);
    background: var(--ls-accent-soft);
    color: var(--ls-fg);
    font-size: var(--ls-text-s);
    line-height: 18px;
    max-width: 100%;
    overflow-wrap: anywhere;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--ls-space-2);
  }
  dl.kv {
    display: grid;
    grid-template-columns: minmax(90px, max-content) 1fr;
    gap: 4px 14px;
    margin: 0;
    font-size: var(--ls-text);
  }
  dl.kv dt {
    color: var(--ls-muted);
  }
  dl.kv dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  /* A warning or an error, boxed (padding and size are the user's). */
  .warn-box {
    border: 1px solid var(--ls-warn-border);
    background: var(--ls-warn-bg);
    border-radius: var(--ls-radius-s);
  }
  .err-box {
    border: 1px solid var(--ls-err-border);
    background: var(--ls-err-bg);
    border-radius: var(--ls-radius-s);
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  :focus-visible {
    outline: 2px solid var(--ls-accent);
    outline-offset: 1px;
  }
`;
