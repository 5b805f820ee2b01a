// Styles of the verify table (components/verify-table.ts), in the archive card.
import { css } from 'lit';

export const verifyTableStyles = css`
  .verify-table {
    margin-top: var(--ls-space-4);
  }
  .verify-table .table-box {
    max-height: 50vh;
    overflow: auto;
    margin-top: var(--ls-space-3);
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius-s);
  }
  .verify-table .table-box:focus-visible {
    outline: 2px solid var(--ls-accent);
    outline-offset: 1px;
  }
  .verify-table table {
    width: 100%;
    border-collapse: collapse;
    font-size: var(--ls-text-sm);
  }
  .verify-table th {
    position: sticky;
    top: 0;
    background: var(--ls-panel-2);
    color: var(--ls-muted);
    text-align: left;
    font-weight: 600;
    padding: var(--ls-space-2) var(--ls-space-3);
    border-bottom: 1px solid var(--ls-border);
  }
  .verify-table td {
    padding: var(--ls-space-2) var(--ls-space-3);
    vertical-align: top;
  }
  .verify-table tbody.blob + tbody.blob tr:first-child td {
    border-top: 1px solid var(--ls-border);
  }
  .verify-table tr.detail td {
    padding-top: 0;
    color: var(--ls-faint);
  }
  .verify-table .mono {
    font-family: var(--ls-mono);
    font-size: inherit;
  }
  .verify-table .what,
  .verify-table .mismatch dd,
  .verify-table .problems li {
    overflow-wrap: anywhere;
  }
  .verify-table .digest {
    white-space: nowrap;
  }
  .verify-table .size {
    white-space: nowrap;
    text-align: right;
  }
  .verify-table .state {
    width: 1em;
    white-space: nowrap;
  }
  .verify-table .kind {
    color: var(--ls-muted);
  }
  .verify-table .state.ok {
    color: var(--ls-add);
  }
  .verify-table .state.mismatch,
  .verify-table .state.missing {
    color: var(--ls-del);
    font-weight: 600;
  }
  .verify-table .mismatch {
    margin: var(--ls-space-2) 0 0;
    font-size: var(--ls-text-xs);
    color: var(--ls-fg);
  }
  .verify-table .mismatch dt {
    color: var(--ls-muted);
  }
  .verify-table .mismatch dd {
    margin: 0 0 var(--ls-space-2) var(--ls-space-4);
  }
  .verify-table .mismatch dd.actual {
    color: var(--ls-del);
  }
  .verify-table .problems {
    margin: var(--ls-space-2) 0 0;
    font-size: var(--ls-text-xs);
    padding-left: var(--ls-space-7);
    color: var(--ls-fg);
  }
`;
