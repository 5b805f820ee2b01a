// Styles shared by every component (adopted stylesheets: no inline <style>,
// so the Content-Security-Policy needs no 'unsafe-inline').
import { css } from 'lit';

const dark = css`
    --ls-bg: #0e1116;
    --ls-panel: #151a21;
    --ls-panel-2: #12161c;
    --ls-fg: #e3e7ed;
    --ls-muted: #9ba5b3;
    --ls-faint: #6e7886;
    --ls-border: #262d37;
    --ls-border-strong: #353e4a;
    --ls-accent: #58a6ff;
    --ls-accent-fg: #0b1220;
    --ls-accent-soft: #15273f;
    --ls-hover: #1b212a;
    --ls-selected: #1c3356;
    --ls-add: #56d364;
    --ls-add-bg: #113a1f;
    --ls-mod: #e3b341;
    --ls-mod-bg: #3b2e0a;
    --ls-del: #f47067;
    --ls-del-bg: #45191a;
    --ls-code-bg: #10141a;
    --ls-warn-bg: #2e2510;
    --ls-warn-border: #7a5d1a;
    --ls-err-bg: #3a1517;
    --ls-err-border: #80302f;
    --ls-shadow: 0 1px 2px rgba(0, 0, 0, 0.4);
    color-scheme: dark;
`;

/** Theme tokens; the host follows the system, or `theme="light|dark"` forces one. */
export const themeTokens = css`
  :host {
    --ls-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif;
    --ls-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace;
    --ls-bg: #f5f6f8;
    --ls-panel: #ffffff;
    --ls-panel-2: #fafbfc;
    --ls-fg: #1a1e24;
    --ls-muted: #5d6673;
    --ls-faint: #8a93a0;
    --ls-border: #dde1e7;
    --ls-border-strong: #c5cbd3;
    --ls-accent: #1f6feb;
    --ls-accent-fg: #ffffff;
    --ls-accent-soft: #e4edfd;
    --ls-hover: #eff2f6;
    --ls-selected: #dbe7fd;
    --ls-selected-fg: inherit;
    --ls-add: #1a7f37;
    --ls-add-bg: #dafbe1;
    --ls-mod: #9a6700;
    --ls-mod-bg: #fff1c2;
    --ls-del: #cf222e;
    --ls-del-bg: #ffe2e0;
    --ls-code-bg: #f4f6f8;
    --ls-warn-bg: #fff8e5;
    --ls-warn-border: #e8c15a;
    --ls-err-bg: #fff0ef;
    --ls-err-border: #f0a8a3;
    --ls-shadow: 0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.08);
    --ls-radius: 8px;
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
  :host([theme='dark']) {
    ${dark}
  }
`;

export const shared = css`
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
    gap: 6px;
    padding: 5px 11px;
    border: 1px solid var(--ls-border-strong);
    border-radius: 6px;
    background: var(--ls-panel);
    color: var(--ls-fg);
    font-size: 13px;
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
    font-size: 12px;
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
    font-size: 12.5px;
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
    font-size: 11.5px;
    font-weight: 650;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--ls-muted);
  }
  .mark {
    display: inline-block;
    min-width: 18px;
    padding: 0 4px;
    border-radius: 4px;
    font-family: var(--ls-mono);
    font-size: 11px;
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
    border-radius: 999px;
    background: var(--ls-accent-soft);
    color: var(--ls-fg);
    font-size: 12px;
    line-height: 18px;
    max-width: 100%;
    overflow-wrap: anywhere;
  }
  dl.kv {
    display: grid;
    grid-template-columns: minmax(90px, max-content) 1fr;
    gap: 4px 14px;
    margin: 0;
    font-size: 13px;
  }
  dl.kv dt {
    color: var(--ls-muted);
  }
  dl.kv dd {
    margin: 0;
    min-width: 0;
    overflow-wrap: anywhere;
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
