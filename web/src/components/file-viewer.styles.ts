// Styles of <ls-file-viewer>: head (path, facts), path history, mode bar,
// text rows with line numbers, hex rows, image preview, notes and errors.
import { css } from 'lit';
import { base } from '../styles/base';
import { segmented } from '../styles/controls';

/** Height of a text or hex row (px). */
export const VIEWER_LINE_H = 20;

export const fileViewerStyles = [
  base,
  segmented,
  css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    background: var(--ls-panel);
    container-type: inline-size;
    container-name: viewer;
  }
  @container viewer (max-width: 620px) {
    /* 16 bytes a row and their ASCII still fit beside the tree on a laptop */
    .hex-row {
      font-size: 11px;
      gap: 1ch;
    }
  }
  .head {
    padding: 10px 14px 8px;
    border-bottom: 1px solid var(--ls-border);
  }
  .path {
    display: flex;
    align-items: flex-start;
    gap: var(--ls-space-3);
    font-family: var(--ls-mono);
    font-size: var(--ls-text);
    font-weight: 600;
    overflow-wrap: anywhere;
    word-break: break-all;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 14px;
    margin-top: 6px;
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
  }
  .facts b {
    font-weight: 600;
    color: var(--ls-fg);
  }
  .facts .mono {
    font-size: var(--ls-text-sm);
  }
  .bar {
    display: flex;
    align-items: center;
    gap: var(--ls-space-3);
    padding: 6px 14px;
    border-bottom: 1px solid var(--ls-border);
    background: var(--ls-panel-2);
    flex-wrap: wrap;
    font-size: var(--ls-text-s);
  }
  .bar .spacer {
    flex: 1;
  }
  .bar .status {
    color: var(--ls-muted);
    font-variant-numeric: tabular-nums;
  }
  .body {
    flex: 1 1 auto;
    min-height: 0;
    display: flex;
    flex-direction: column;
    position: relative;
  }
  ls-virtual-list {
    flex: 1 1 auto;
    min-height: 80px;
    font-family: var(--ls-mono);
    font-size: var(--ls-text-m);
    background: var(--ls-code-bg);
    outline: none;
  }
  .ln-row {
    display: flex;
    height: ${VIEWER_LINE_H}px;
    line-height: ${VIEWER_LINE_H}px;
    white-space: pre;
    tab-size: 4;
  }
  .ln {
    position: sticky;
    left: 0;
    flex: none;
    width: 6.5ch;
    padding-right: 1ch;
    text-align: right;
    color: var(--ls-faint);
    background: var(--ls-code-bg);
    border-right: 1px solid var(--ls-border);
    margin-right: 1ch;
    user-select: none;
  }
  .find {
    display: flex;
    gap: var(--ls-space-4);
    align-items: center;
    padding: 4px 14px;
    border-bottom: 1px solid var(--ls-border);
  }
  .find input {
    flex: 0 1 220px;
    min-width: 0;
    padding: 2px 6px;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    font-size: var(--ls-text-s);
  }
  .find-count {
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
  }
  .ln-row mark {
    background: var(--ls-mod-bg);
    color: var(--ls-fg);
    outline: 1px solid var(--ls-mod);
  }
  .ln-row.cur {
    background: var(--ls-selected);
  }
  .elf {
    display: grid;
    grid-template-columns: auto minmax(0, 1fr);
    gap: 2px 10px;
    margin: 0;
    padding: 6px 14px;
    border-bottom: 1px solid var(--ls-border);
    font-size: var(--ls-text-s);
  }
  .elf dt {
    color: var(--ls-muted);
  }
  .elf dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .hex-row {
    display: flex;
    gap: 1.5ch;
    height: ${VIEWER_LINE_H}px;
    line-height: ${VIEWER_LINE_H}px;
    white-space: pre;
    padding-left: 1ch;
  }
  .hex-row .off {
    color: var(--ls-faint);
    user-select: none;
  }
  .hex-row .ascii {
    color: var(--ls-muted);
  }
  .more {
    display: flex;
    gap: var(--ls-space-4);
    align-items: center;
    justify-content: center;
    padding: 8px;
    border-top: 1px solid var(--ls-border);
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
    background: var(--ls-panel-2);
    flex-wrap: wrap;
  }
  .img-wrap {
    flex: 1;
    min-height: 0;
    overflow: auto;
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 16px;
    background-color: var(--ls-code-bg);
    background-image: linear-gradient(45deg, var(--ls-hover) 25%, transparent 25%), linear-gradient(-45deg, var(--ls-hover) 25%, transparent 25%),
      linear-gradient(45deg, transparent 75%, var(--ls-hover) 75%), linear-gradient(-45deg, transparent 75%, var(--ls-hover) 75%);
    background-size: 16px 16px;
    background-position: 0 0, 0 8px, 8px -8px, -8px 0;
  }
  .img-wrap img {
    max-width: 100%;
    max-height: 100%;
    object-fit: contain;
    image-rendering: auto;
    box-shadow: var(--ls-shadow);
  }
  .note {
    padding: 18px 16px;
    color: var(--ls-muted);
    font-size: var(--ls-text);
  }
  .note p {
    margin: 0 0 10px;
  }
  .note .mono {
    color: var(--ls-fg);
    overflow-wrap: anywhere;
  }
  .err {
    margin: 14px;
    padding: 10px 12px;
    font-size: var(--ls-text);
  }
  .goto input {
    width: 11ch;
    border: 1px solid var(--ls-border-strong);
    border-radius: 5px;
    background: var(--ls-panel);
    padding: 1px 5px;
    font-family: var(--ls-mono);
    font-size: var(--ls-text-s);
  }
  details.hist {
    border-bottom: 1px solid var(--ls-border);
    font-size: var(--ls-text-s);
  }
  details.hist > summary {
    display: flex;
    align-items: center;
    gap: var(--ls-space-3);
    padding: 5px 14px;
    cursor: pointer;
    color: var(--ls-muted);
    font-size: var(--ls-text-xs);
    font-weight: var(--ls-weight-title);
    letter-spacing: var(--ls-caps-spacing);
    text-transform: uppercase;
    list-style: none;
    user-select: none;
  }
  details.hist > summary::-webkit-details-marker {
    display: none;
  }
  details.hist > summary .icon {
    width: 12px;
    height: 12px;
    transition: transform 0.1s;
  }
  details.hist[open] > summary .icon {
    transform: rotate(90deg);
  }
  details.hist > summary .count {
    text-transform: none;
    letter-spacing: normal;
    font-weight: normal;
    color: var(--ls-faint);
  }
  .hist-body {
    max-height: 168px;
    overflow: auto;
    padding: 0 14px 8px;
  }
  .hist table {
    border-collapse: collapse;
    width: 100%;
    font-variant-numeric: tabular-nums;
  }
  .hist td {
    padding: 2px 10px 2px 0;
    white-space: nowrap;
    vertical-align: baseline;
  }
  .hist td.grow {
    width: 100%;
    white-space: normal;
    overflow-wrap: anywhere;
    color: var(--ls-muted);
  }
  .hist td.num {
    text-align: right;
  }
  .hist .mono {
    font-size: var(--ls-text-sm);
  }
  .hist tr.shown td:first-child .link {
    font-weight: 700;
  }
  .hist tr.later {
    opacity: 0.6;
  }
  .hist .tag {
    font-size: var(--ls-text-2xs);
    padding: 0 5px;
    border-radius: var(--ls-radius-xs);
    background: var(--ls-accent-soft);
    color: var(--ls-accent);
  }
  .hist .none {
    color: var(--ls-faint);
    padding: 2px 0;
  }
  .placeholder {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    color: var(--ls-faint);
    font-size: var(--ls-text);
    padding: 24px;
    text-align: center;
  }
  `,
];
