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
    .points {
      margin: 6px 0;
    }
    /* an image comparison: the file changes, with config, history and layers beside them */
    .images-diff {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(260px, 38%);
      gap: var(--ls-space-3);
      align-items: start;
    }
    @media (max-width: 900px) {
      .images-diff {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    .beside section {
      margin-bottom: var(--ls-space-3);
    }
    .beside h3 {
      margin: 4px 0 6px;
      font-size: var(--ls-text-m);
    }
    .rows-as {
      display: inline-flex;
      margin-left: 8px;
    }
    .rows-as .btn[aria-pressed='true'] {
      background: var(--ls-accent-soft);
    }
    .tree .indent {
      display: inline-block;
      width: calc(var(--depth, 0) * 1.2em);
    }
    .tree .twist {
      display: inline-block;
      width: 1.2em;
      text-align: center;
      text-decoration: none;
    }
    .tree .below {
      margin-left: 6px;
      font-size: var(--ls-text-s, 12px);
    }
    .cfg li {
      padding: 3px 0;
      border-bottom: 1px solid var(--ls-border);
    }
    .cfg .key {
      color: var(--ls-muted);
    }
    .cfg .val {
      margin: 2px 0 0 1.6em;
      overflow-wrap: anywhere;
      white-space: pre-wrap;
    }
    .cfg .val.add {
      color: var(--ls-add);
    }
    .cfg .val.del {
      color: var(--ls-del);
    }
    .cfg,
    .steps,
    .shared {
      margin: 0;
      padding-left: 0;
      list-style: none;
    }
    .steps li,
    .shared li {
      padding: 2px 0;
      overflow-wrap: anywhere;
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
    .layout {
      display: flex;
      gap: 6px;
      align-items: center;
      margin: 6px 0;
    }
    .layout .btn[aria-pressed='true'] {
      background: var(--ls-accent-soft);
    }
    /* a long diff in a virtual list: one fixed-height line per row, no wrapping */
    ls-virtual-list.big {
      height: 60vh;
      white-space: pre;
    }
    ls-virtual-list.unified.big {
      padding: 0;
    }
    .side {
      font-weight: 400;
      font-family: var(--ls-mono);
      font-size: var(--ls-text-m);
      border: 1px solid var(--ls-border);
      border-radius: var(--ls-radius-s);
      max-height: 60vh;
      overflow: auto;
    }
    .side .srow {
      display: grid;
      grid-template-columns: var(--no-w, 5ch) minmax(0, 1fr) var(--no-w, 5ch) minmax(0, 1fr);
      min-height: 20px;
      line-height: 20px;
    }
    .side .srow.hunk {
      display: block;
      color: var(--ls-muted);
      background: var(--ls-bg-soft, transparent);
      padding: 0 6px;
    }
    .side .no {
      color: var(--ls-muted);
      text-align: right;
      padding-right: 6px;
      user-select: none;
    }
    .side .code {
      white-space: pre;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .side.big .code {
      white-space: pre;
    }
    .side .code.del {
      color: var(--ls-del);
      background: var(--ls-del-bg);
    }
    .side .code.add {
      color: var(--ls-add);
      background: var(--ls-add-bg);
    }
    .side .code.none {
      background: repeating-linear-gradient(135deg, transparent 0 4px, var(--ls-border) 4px 5px);
      opacity: 0.4;
    }
    .err {
      color: var(--ls-del);
    }
  `,
];
