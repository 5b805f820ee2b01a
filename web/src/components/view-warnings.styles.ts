// Styles of <ls-view-warnings> (view-warnings.ts): one boxed line, a list when open.
import { css } from 'lit';
import { base } from '../styles/base';

export const viewWarningsStyles = [
  base,
  css`
    :host {
      display: block;
    }
    details {
      margin: 6px 8px;
      padding: 5px 9px;
      font-size: var(--ls-text-m);
      max-height: 40vh;
      overflow: auto;
    }
    summary {
      cursor: pointer;
      display: flex;
      align-items: center;
      gap: 6px;
      flex-wrap: wrap;
    }
    summary svg {
      flex: none;
    }
    .count {
      font-weight: 600;
    }
    .codes {
      color: var(--ls-muted);
      overflow-wrap: anywhere;
    }
    ul {
      list-style: none;
      margin: 6px 0 2px;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    strong {
      display: block;
      font-weight: 600;
    }
    .detail {
      color: var(--ls-muted);
      overflow-wrap: anywhere;
    }
  `,
];
