// Styles of <ls-space-view> (space-view.ts): four figures, then tables.
import { css } from 'lit';
import { base } from '../styles/base';

export const spaceViewStyles = [
  base,
  css`
    :host {
      display: block;
      padding: 14px 16px 24px;
    }
    .cards {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(190px, 1fr));
      gap: var(--ls-space-3);
    }
    .card {
      border: 1px solid var(--ls-border);
      border-radius: var(--ls-radius);
      background: var(--ls-panel);
      padding: 10px 12px;
      font-size: var(--ls-text-m);
    }
    .big {
      font-size: 1.5em;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    h3 {
      margin: 18px 0 6px;
      font-size: var(--ls-text);
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: var(--ls-text-m);
    }
    th,
    td {
      text-align: left;
      padding: 4px 8px;
      border-bottom: 1px solid var(--ls-border);
      vertical-align: top;
    }
    th {
      color: var(--ls-muted);
      font-weight: 500;
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
      white-space: nowrap;
    }
    .path {
      text-align: left;
      overflow-wrap: anywhere;
    }
    .barcell {
      width: 30%;
      min-width: 80px;
    }
    .bar {
      display: flex;
      height: 10px;
      margin-top: 4px;
      border-radius: 3px;
      overflow: hidden;
      background: var(--ls-code-bg);
    }
    .live {
      background: var(--ls-accent);
    }
    .dead {
      background: var(--ls-del);
    }
    .muted {
      color: var(--ls-muted);
    }
    .foot {
      margin-top: 12px;
      font-size: var(--ls-text-sm);
    }
  `,
];
