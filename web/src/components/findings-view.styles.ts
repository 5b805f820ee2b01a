// Styles of <ls-findings-view> (findings-view.ts).
import { css } from 'lit';
import { base } from '../styles/base';
import { spaceViewStyles } from './space-view.styles';
import { jobRowStyles } from './job-progress';

export const findingsViewStyles = [
  base,
  ...spaceViewStyles.slice(1),
  jobRowStyles,
  css`
    .counts {
      display: flex;
      gap: var(--ls-space-3);
      margin-bottom: 10px;
    }
    .sev {
      display: inline-block;
      padding: 1px 7px;
      border-radius: 9px;
      font-size: var(--ls-text-sm);
      font-weight: 600;
      border: 1px solid var(--ls-border);
    }
    .sev.critical,
    .sev.high {
      color: var(--ls-del);
      background: var(--ls-del-bg);
    }
    .sev.medium {
      background: var(--ls-warn-bg);
      border-color: var(--ls-warn-border);
    }
    .ok {
      color: var(--ls-add);
    }
    .detail {
      overflow-wrap: anywhere;
    }
    .err {
      color: var(--ls-del);
    }
    .rules {
      margin-top: 14px;
      font-size: var(--ls-text-m);
    }
    .rules dd {
      margin: 0 0 6px 12px;
      color: var(--ls-muted);
    }
  `,
];
