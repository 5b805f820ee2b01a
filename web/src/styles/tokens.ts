// Design tokens: every colour (light and dark), font, type size, radius and
// spacing step the page uses, as CSS custom properties on the host of the
// outermost element (<layer-scope>, <layer-scope-app>); the components below
// inherit them through their shadow roots. The host follows the system's
// colour scheme, or `theme="light|dark"` forces one.
//
// Imports nothing local: components/, element/ and app/ build on this.
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

/** Theme-independent tokens: fonts, type scale, radii, spacing. */
const scale = css`
    --ls-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif;
    --ls-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, 'DejaVu Sans Mono', 'Liberation Mono', monospace;
    /* type scale */
    --ls-text-2xs: 10.5px;
    --ls-text-xs: 11px;
    --ls-text-sm: 11.5px;
    --ls-text-s: 12px;
    --ls-text-m: 12.5px;
    --ls-text: 13px;
    --ls-text-l: 14px;
    --ls-weight-title: 650;
    --ls-caps-spacing: 0.06em;
    /* radii */
    --ls-radius-xs: 4px;
    --ls-radius-s: 6px;
    --ls-radius: 8px;
    --ls-radius-l: 14px;
    --ls-radius-pill: 999px;
    /* spacing */
    --ls-space-1: 2px;
    --ls-space-2: 4px;
    --ls-space-3: 6px;
    --ls-space-4: 8px;
    --ls-space-5: 10px;
    --ls-space-6: 12px;
    --ls-space-7: 14px;
    --ls-space-8: 16px;
`;

/** Colours (light by default, dark by system preference or theme="dark") and the scale above. */
export const tokens = css`
  :host {
    ${scale}
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

/** The outermost host's own box and text (the element and the app shell both use it). */
export const hostText = css`
  :host {
    background: var(--ls-bg);
    color: var(--ls-fg);
    font-family: var(--ls-font);
    font-size: var(--ls-text-l);
    line-height: 1.45;
  }
`;
