// Styles of <ls-key-sheet>: a modal list of the page's keys.
import { css } from 'lit';
import { tokens, hostText } from '../styles/tokens';
import { base } from '../styles/base';
import { dialogStyles } from '../styles/dialog';

export const keySheetStyles = [
  tokens,
  hostText,
  base,
  dialogStyles,
  css`
    dialog {
      width: min(560px, calc(100vw - 24px));
    }
    h2 {
      margin: 0 0 8px;
    }
    h3 {
      margin: 14px 0 4px;
      font-size: var(--ls-text-s);
      text-transform: uppercase;
      letter-spacing: var(--ls-caps-spacing);
      color: var(--ls-muted);
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-size: var(--ls-text);
    }
    td {
      padding: 3px 6px 3px 0;
      vertical-align: top;
    }
    td:first-child {
      width: 40%;
      white-space: nowrap;
    }
    kbd {
      display: inline-block;
      min-width: 20px;
      padding: 0 5px;
      border: 1px solid var(--ls-border-strong);
      border-bottom-width: 2px;
      border-radius: var(--ls-radius-xs);
      background: var(--ls-code-bg);
      font-family: var(--ls-mono);
      font-size: var(--ls-text-s);
      text-align: center;
    }
    .close {
      float: right;
    }
  `,
];
