// Styles of <ls-compare-view> (compare-view.ts).
import { css } from 'lit';
import { base } from '../styles/base';
import { select } from '../styles/controls';
import { spaceViewStyles } from './space-view.styles';
import { jobRowStyles } from './job-progress';

export const compareViewStyles = [
  base,
  select,
  ...spaceViewStyles.slice(1),
  jobRowStyles,
  css`
    .summary {
      margin: 6px 0 10px;
      display: flex;
      gap: var(--ls-space-3);
      flex-wrap: wrap;
    }
    .A {
      color: var(--ls-add);
    }
    .M {
      color: var(--ls-warn-border);
    }
    .D {
      color: var(--ls-del);
    }
    .mark {
      font-family: var(--ls-mono);
      font-weight: 700;
    }
    #compare-filter {
      width: min(360px, 100%);
      margin-bottom: 6px;
      padding: 4px 8px;
      font: inherit;
      color: inherit;
      background: var(--ls-panel);
      border: 1px solid var(--ls-border);
      border-radius: var(--ls-radius-s);
    }
    tr.sel {
      background: var(--ls-selected);
    }
    pre {
      margin: 4px 0;
      padding: 8px;
      background: var(--ls-code-bg);
      border-radius: var(--ls-radius-s);
      font-family: var(--ls-mono);
      font-size: var(--ls-text-m);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-height: 60vh;
      overflow: auto;
    }
    .unified .add {
      color: var(--ls-add);
      background: var(--ls-add-bg);
    }
    .unified .del {
      color: var(--ls-del);
      background: var(--ls-del-bg);
    }
    .unified .hunk {
      color: var(--ls-muted);
    }
    .err {
      color: var(--ls-del);
    }
  `,
];
