// Styles of <ls-config-view>: readable config, tables, raw JSON side by side when wide.
import { css } from 'lit';
import { base } from '../styles/base';

export const configViewStyles = [
  base,
  css`
  :host {
    display: block;
    padding: 14px 16px 28px;
    max-width: 1100px;
    container-type: inline-size;
    container-name: config;
  }
  .raw {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0 16px;
  }
  @container config (min-width: 900px) {
    /* Side by side: long lines (digests) wrap instead of hiding off to the right. */
    .raw {
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
    }
    .raw pre {
      white-space: pre-wrap;
      word-break: break-all;
    }
  }
  .raw > div {
    min-width: 0;
  }
  .raw h3 .sub {
    text-transform: none;
    letter-spacing: normal;
    font-weight: normal;
    color: var(--ls-faint);
    font-family: var(--ls-mono);
    font-size: var(--ls-text-sm);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
  h3 {
    margin: 22px 0 8px;
    font-size: var(--ls-text-s);
    font-weight: var(--ls-weight-title);
    letter-spacing: var(--ls-caps-spacing);
    text-transform: uppercase;
    color: var(--ls-muted);
    display: flex;
    align-items: center;
    gap: var(--ls-space-3);
  }
  h3:first-child {
    margin-top: 4px;
  }
  dl.kv {
    grid-template-columns: minmax(110px, max-content) 1fr;
  }
  dl.kv dd.mono {
    font-size: var(--ls-text-m);
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: var(--ls-text-m);
    table-layout: fixed;
  }
  td {
    border-top: 1px solid var(--ls-border);
    padding: 5px 8px;
    vertical-align: top;
    overflow-wrap: anywhere;
  }
  td:first-child {
    width: 34%;
    font-family: var(--ls-mono);
    color: var(--ls-muted);
  }
  td:last-child {
    font-family: var(--ls-mono);
  }
  .box {
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius);
    background: var(--ls-panel);
    overflow: hidden;
  }
  .box table tr:first-child td {
    border-top: none;
  }
  pre {
    margin: 0;
    padding: 12px 14px;
    background: var(--ls-code-bg);
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius);
    font-family: var(--ls-mono);
    font-size: var(--ls-text-s);
    line-height: 1.5;
    overflow: auto;
    max-height: 70vh;
    white-space: pre;
    tab-size: 2;
  }
  .none {
    color: var(--ls-faint);
  }
  .note {
    font-size: var(--ls-text-m);
    color: var(--ls-muted);
  }
  `,
];
