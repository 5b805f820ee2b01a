// Styles of <ls-history-view>: the reconstructed Dockerfile, one step per row.
import { css } from 'lit';
import { base } from '../styles/base';

export const historyViewStyles = [
  base,
  css`
  :host {
    display: block;
    padding: 14px 16px 24px;
  }
  .top {
    display: flex;
    align-items: center;
    gap: var(--ls-space-5);
    margin-bottom: 10px;
    flex-wrap: wrap;
  }
  .top p {
    margin: 0;
    color: var(--ls-muted);
    font-size: var(--ls-text-m);
    flex: 1 1 300px;
  }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius);
    background: var(--ls-code-bg);
    overflow: hidden;
  }
  li {
    display: grid;
    grid-template-columns: 34px minmax(0, 1fr) auto;
    gap: 2px 12px;
    padding: 7px 12px;
    border-top: 1px solid var(--ls-border);
  }
  li:first-child {
    border-top: none;
  }
  li.sel {
    background: var(--ls-selected);
  }
  li.empty .code {
    color: var(--ls-muted);
  }
  .n {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-sm);
    color: var(--ls-faint);
    padding-top: 1px;
  }
  .code {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-m);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    min-width: 0;
  }
  .kw {
    color: var(--ls-accent);
    font-weight: 700;
  }
  .side {
    text-align: right;
    font-size: var(--ls-text-s);
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  .side .size {
    font-weight: 600;
  }
  .meta {
    grid-column: 2 / 4;
    font-size: var(--ls-text-sm);
    color: var(--ls-faint);
    display: flex;
    gap: var(--ls-space-6);
    flex-wrap: wrap;
  }
  .secret {
    grid-column: 2 / 4;
    display: flex;
    gap: var(--ls-space-5);
    align-items: baseline;
    flex-wrap: wrap;
    padding: 4px 8px;
    font-size: var(--ls-text-sm);
  }
  .secret .what {
    flex: 1 1 200px;
    overflow-wrap: anywhere;
  }
  .secret .sev {
    font-weight: 600;
    text-transform: uppercase;
    font-size: var(--ls-text-xs, 11px);
  }
  .nolayer {
    color: var(--ls-faint);
    font-style: italic;
  }
  .mismatch {
    margin-bottom: 10px;
    padding: 8px 10px;
    font-size: var(--ls-text-m);
  }
  `,
];
