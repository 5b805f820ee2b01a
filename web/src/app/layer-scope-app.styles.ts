// Styles of the application shell <layer-scope-app>: header (brand, archive
// tabs, actions), notices, the landing drop zone, the drag overlay.
import { css } from 'lit';
import { tokens, hostText } from '../styles/tokens';
import { base } from '../styles/base';

export const layerScopeAppStyles = [
  tokens,
  hostText,
  base,
  css`
  /* styles/font-warm.ts: drawn (laid out), but out of sight and taking no room */
  #font-warm {
    position: fixed;
    left: -10000px;
    top: 0;
    width: 1px;
    height: 1px;
    overflow: hidden;
    contain: strict;
    visibility: hidden;
    pointer-events: none;
  }
  :host {
    display: flex;
    flex-direction: column;
    min-height: 100%;
    height: 100%;
    container-type: inline-size;
    container-name: ls;
    position: relative;
  }
  .skip {
    position: absolute;
    left: 8px;
    top: -48px;
    z-index: 60;
    padding: 6px 12px;
    border: 1px solid var(--ls-accent);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    color: var(--ls-fg);
  }
  .skip:focus {
    top: 8px;
  }
  #keys-button {
    font-weight: 700;
  }
  header {
    display: flex;
    align-items: center;
    gap: var(--ls-space-5);
    padding: 8px 14px;
    background: var(--ls-panel);
    border-bottom: 1px solid var(--ls-border);
    min-height: 50px;
    /* one row at every width: the tabs scroll, the actions never move under the content */
    flex-wrap: nowrap;
  }
  .brand {
    display: flex;
    align-items: center;
    gap: var(--ls-space-4);
    font-weight: 700;
    font-size: 16px;
    letter-spacing: -0.01em;
    margin-right: 6px;
    color: var(--ls-fg);
    user-select: none;
    flex: none;
  }
  .tabs {
    display: flex;
    gap: var(--ls-space-2);
    flex: 1 1 0;
    min-width: 0;
    overflow-x: auto;
    scrollbar-width: thin;
  }
  .tab {
    display: inline-flex;
    align-items: center;
    gap: var(--ls-space-3);
    max-width: 260px;
    padding: 4px 6px 4px 10px;
    border: 1px solid var(--ls-border);
    border-radius: 7px;
    background: var(--ls-panel-2);
    color: var(--ls-muted);
    font-size: var(--ls-text);
    cursor: pointer;
    white-space: nowrap;
    flex: 0 1 auto;
    min-width: 88px;
  }
  .tab[aria-selected='true'] {
    background: var(--ls-accent-soft);
    border-color: var(--ls-accent);
    color: var(--ls-fg);
  }
  .tab .name {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .tab .x {
    display: inline-flex;
    border: none;
    background: none;
    padding: 2px;
    border-radius: var(--ls-radius-xs);
    color: var(--ls-faint);
  }
  .tab .x:hover {
    background: var(--ls-hover);
    color: var(--ls-fg);
  }
  .tab .x .icon {
    width: 12px;
    height: 12px;
  }
  .tab .pct {
    font-variant-numeric: tabular-nums;
    font-size: var(--ls-text-xs);
    color: var(--ls-accent);
  }
  .tab .bad {
    color: var(--ls-del);
    font-size: var(--ls-text-xs);
  }
  .actions {
    display: flex;
    gap: var(--ls-space-4);
    align-items: center;
    margin-left: auto;
    flex: none;
  }
  .icon-btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 32px;
    height: 30px;
    padding: 0;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    color: var(--ls-muted);
  }
  .icon-btn:hover {
    background: var(--ls-hover);
    color: var(--ls-fg);
  }
  main {
    flex: 1 1 auto;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  /* the current archive: fills what the header leaves */
  main > layer-scope {
    flex: 1 1 auto;
    min-height: 0;
    height: auto;
  }
  .landing {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 32px 16px;
  }
  .drop {
    width: min(640px, 100%);
    padding: 40px 32px 32px;
    text-align: center;
    border: 2px dashed var(--ls-border-strong);
    border-radius: var(--ls-radius-l);
    background: var(--ls-panel);
  }
  .drop h1 {
    margin: 10px 0 6px;
    font-size: 22px;
    letter-spacing: -0.01em;
  }
  .drop p {
    margin: 6px 0;
    color: var(--ls-muted);
  }
  .drop .buttons {
    display: flex;
    gap: var(--ls-space-5);
    justify-content: center;
    margin: 22px 0 18px;
    flex-wrap: wrap;
  }
  .drop .hint {
    font-size: var(--ls-text-m);
    color: var(--ls-faint);
  }
  .drop code {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-s);
    background: var(--ls-code-bg);
    padding: 1px 5px;
    border-radius: var(--ls-radius-xs);
    color: var(--ls-muted);
  }
  .big-logo svg {
    width: 46px;
    height: 46px;
  }
  .overlay {
    position: fixed;
    inset: 0;
    z-index: 50;
    display: flex;
    align-items: center;
    justify-content: center;
    background: color-mix(in srgb, var(--ls-bg) 75%, transparent);
    backdrop-filter: blur(2px);
    pointer-events: none;
  }
  .overlay div {
    padding: 36px 48px;
    border: 2px dashed var(--ls-accent);
    border-radius: 16px;
    background: var(--ls-panel);
    font-size: 18px;
    font-weight: 600;
    color: var(--ls-accent);
  }
  .notice {
    display: flex;
    gap: var(--ls-space-5);
    align-items: center;
    padding: 8px 14px;
    background: var(--ls-warn-bg);
    border-bottom: 1px solid var(--ls-warn-border);
    font-size: var(--ls-text);
  }
  .notice .link {
    margin-left: auto;
  }
  input[type='file'] {
    display: none;
  }
  @container ls (max-width: 820px) {
    /* Half a laptop screen: the page scrolls as a whole, views stack. */
    main {
      overflow-y: auto;
    }
  }
  @container ls (max-width: 640px) {
    header {
      gap: var(--ls-space-3);
      padding: 6px 8px;
    }
    .brand {
      margin-right: 0;
    }
    .brand span {
      display: none;
    }
    /* the Open button keeps its icon; Example has none, so it keeps its word */
    #open .label {
      display: none;
    }
  }
  `,
];
