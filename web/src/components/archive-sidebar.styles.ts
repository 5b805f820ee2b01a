// Styles of the archive sidebar (archive-sidebar.ts): cards, warnings,
// verification, image picker, attestations, layer list with its checks.
import { css } from 'lit';
import { progress } from '../styles/controls';

export const archiveSidebarStyles = [
  progress,
  css`
  .card {
    padding-bottom: 12px;
  }
  .card > .body {
    padding: 0 14px;
  }
  .archive-name {
    font-weight: 600;
    overflow-wrap: anywhere;
    margin-bottom: 6px;
  }
  .warnings {
    list-style: none;
    margin: 10px 0 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: var(--ls-space-3);
  }
  .warnings li {
    padding: 7px 9px;
    font-size: var(--ls-text-m);
  }
  .warnings strong {
    display: block;
    font-weight: 600;
  }
  .warnings .detail {
    color: var(--ls-muted);
    overflow-wrap: anywhere;
  }
  .ok-line {
    margin-top: 8px;
    font-size: var(--ls-text-m);
    color: var(--ls-add);
  }
  .verify {
    margin-top: 10px;
    padding-top: 10px;
    border-top: 1px solid var(--ls-border);
    font-size: var(--ls-text-m);
  }
  .verify .row {
    display: flex;
    align-items: center;
    gap: var(--ls-space-4);
    flex-wrap: wrap;
  }
  .verify .hint {
    color: var(--ls-faint);
    font-size: var(--ls-text-sm);
  }
  .verify .bar {
    height: 6px;
    margin: 8px 0 6px;
  }
  .verify .numbers {
    gap: 2px 12px;
    margin-bottom: 6px;
  }
  .verify .result {
    display: flex;
    align-items: baseline;
    gap: var(--ls-space-3);
    flex-wrap: wrap;
  }
  .verify .result.ok {
    color: var(--ls-add);
  }
  .verify .result.bad {
    color: var(--ls-del);
    font-weight: 600;
  }
  .images {
    display: flex;
    flex-direction: column;
    gap: var(--ls-space-2);
    margin: 0 0 10px;
    padding: 0;
    list-style: none;
  }
  .images button {
    width: 100%;
    text-align: left;
    border: 1px solid var(--ls-border);
    background: var(--ls-panel-2);
    border-radius: var(--ls-radius-s);
    padding: 6px 9px;
    font-size: var(--ls-text);
  }
  .images button[aria-pressed='true'] {
    border-color: var(--ls-accent);
    background: var(--ls-accent-soft);
  }
  .images .sub {
    display: block;
    font-size: var(--ls-text-sm);
    color: var(--ls-muted);
  }
  .images .tagline {
    overflow-wrap: anywhere;
  }
  .attestations {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .attestation {
    font-size: var(--ls-text-m);
    padding: 4px 0;
  }
  h3.section-title {
    padding: 12px 0 4px;
  }
  .attestation .sub {
    display: block;
    color: var(--ls-muted);
    font-size: var(--ls-text-xs);
    overflow-wrap: anywhere;
  }
  .layers {
    list-style: none;
    margin: 0;
    padding: 0 8px;
    display: flex;
    flex-direction: column;
    gap: var(--ls-space-1);
  }
  .layer {
    display: grid;
    grid-template-columns: 26px minmax(0, 1fr) auto;
    gap: 2px 8px;
    align-items: baseline;
    width: 100%;
    padding: 6px 8px;
    border: 1px solid transparent;
    border-radius: var(--ls-radius-s);
    background: none;
    text-align: left;
    font-size: var(--ls-text-m);
    color: var(--ls-fg);
    cursor: pointer;
  }
  .layer:hover {
    background: var(--ls-hover);
  }
  .layer[aria-pressed='true'] {
    background: var(--ls-selected);
    border-color: var(--ls-accent);
  }
  .layer .idx {
    font-family: var(--ls-mono);
    color: var(--ls-muted);
    font-size: var(--ls-text-sm);
  }
  .layer .cmd {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-sm);
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .layer .kw {
    color: var(--ls-accent);
    font-weight: 600;
  }
  .layer .size {
    font-variant-numeric: tabular-nums;
    color: var(--ls-muted);
    white-space: nowrap;
  }
  .layer .meta {
    grid-column: 2 / 4;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 8px;
    align-items: center;
    color: var(--ls-muted);
    font-size: var(--ls-text-sm);
  }
  .layer .digest {
    font-family: var(--ls-mono);
  }
  .layer .absent {
    color: var(--ls-del);
  }
  .check {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-xs);
    white-space: nowrap;
  }
  .check.ok {
    color: var(--ls-add);
  }
  .check.bad {
    color: var(--ls-del);
    font-weight: 700;
  }
  .check.unchecked {
    color: var(--ls-faint);
  }
  .counts {
    display: inline-flex;
    gap: 3px;
  }
  `,
];
