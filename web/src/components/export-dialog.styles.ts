// Styles of <ls-export-dialog>: a modal form, then the progress and the outcome.
import { css } from 'lit';
import { tokens, hostText } from '../styles/tokens';
import { base } from '../styles/base';
import { dialogStyles } from '../styles/dialog';
import { jobRowStyles } from './job-progress';

export const exportDialogStyles = [
  tokens,
  hostText,
  base,
  dialogStyles,
  jobRowStyles,
  css`
    dialog {
      width: min(620px, calc(100vw - 24px));
    }
    h2 {
      margin: 0 0 10px;
    }
    fieldset {
      border: 1px solid var(--ls-border);
      border-radius: var(--ls-radius-s);
      margin: 0 0 10px;
      padding: 8px 10px;
    }
    legend {
      font-size: var(--ls-text-s);
      color: var(--ls-muted);
    }
    label {
      display: inline-flex;
      align-items: center;
      gap: 6px;
      margin: 2px 14px 2px 0;
    }
    .opts {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 6px 10px;
      align-items: center;
    }
    select,
    input[type='text'],
    textarea {
      font: inherit;
      color: var(--ls-fg);
      background: var(--ls-bg);
      border: 1px solid var(--ls-border-strong);
      border-radius: var(--ls-radius-s);
      padding: 3px 6px;
      min-width: 0;
    }
    textarea {
      font-family: var(--ls-mono);
      width: 100%;
      box-sizing: border-box;
    }
    .cli {
      font-size: var(--ls-text-s);
      color: var(--ls-muted);
      display: flex;
      gap: 6px;
      align-items: flex-start;
    }
    .cli code {
      font-family: var(--ls-mono);
      overflow-wrap: anywhere;
      color: var(--ls-fg);
    }
    .actions {
      display: flex;
      gap: 8px;
      justify-content: flex-end;
      flex-wrap: wrap;
      margin-top: 10px;
    }
    .problem {
      color: var(--ls-del);
      font-size: var(--ls-text-s);
    }
    .outcome {
      overflow-wrap: anywhere;
    }
    .close {
      float: right;
    }
    .progress .bar {
      background: var(--ls-border);
      border-radius: 4px;
      overflow: hidden;
    }
  `,
];
