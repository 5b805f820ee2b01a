// Styles of <ls-archive-view>: the sidebar | main grid, the view tabs, the
// files toolbar, the tree | viewer split with its gutter; how it all stacks on
// narrower screens (container queries on the outer host's "ls" container).
import { css } from 'lit';
import { base } from '../styles/base';
import { segmented, select } from '../styles/controls';
import { archiveSidebarStyles } from './archive-sidebar.styles';
import { verifyTableStyles } from './verify-table.styles';

export const archiveViewStyles = [
  base,
  segmented,
  select,
  ...archiveSidebarStyles,
  verifyTableStyles,
  css`
  .config-secrets {
    margin: 12px 16px 0;
    padding: 8px 12px;
    font-size: var(--ls-text-m);
  }
  .config-secrets ul {
    margin: 4px 0;
    padding-left: 18px;
    overflow-wrap: anywhere;
  }
  :host {
    display: grid;
    grid-template-columns: minmax(280px, 340px) minmax(0, 1fr);
    flex: 1 1 auto;
    min-height: 0;
    height: 100%;
  }
  aside {
    display: flex;
    flex-direction: column;
    gap: var(--ls-space-6);
    padding: 12px;
    overflow: auto;
    border-right: 1px solid var(--ls-border);
    min-height: 0;
  }
  section.main {
    display: flex;
    flex-direction: column;
    min-width: 0;
    min-height: 0;
  }
  nav.views {
    display: flex;
    align-items: center;
    gap: var(--ls-space-1);
    padding: 8px 12px 0;
    border-bottom: 1px solid var(--ls-border);
    background: var(--ls-panel);
    flex-wrap: wrap;
  }
  nav.views button {
    border: none;
    background: none;
    padding: 7px 12px 8px;
    font-size: 13.5px;
    color: var(--ls-muted);
    border-bottom: 2px solid transparent;
    margin-bottom: -1px;
  }
  nav.views button[aria-selected='true'] {
    color: var(--ls-fg);
    border-bottom-color: var(--ls-accent);
    font-weight: 600;
  }
  nav.views .image-label {
    margin-left: auto;
    font-size: var(--ls-text-m);
    color: var(--ls-muted);
    padding-bottom: 6px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 50%;
  }
  nav.views button.export-open {
    margin: 0 0 6px 8px;
    padding: 3px 10px;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    color: var(--ls-fg);
    font-size: var(--ls-text-s);
  }
  nav.views button.export-open:hover {
    background: var(--ls-hover);
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: var(--ls-space-4);
    padding: 8px 12px;
    flex-wrap: wrap;
    border-bottom: 1px solid var(--ls-border);
    background: var(--ls-panel-2);
  }
  .layer-pick {
    display: inline-flex;
    align-items: center;
    gap: var(--ls-space-3);
    font-size: var(--ls-text-m);
    color: var(--ls-muted);
    min-width: 0;
  }
  .layer-pick select {
    max-width: 340px;
  }
  .files {
    flex: 1 1 auto;
    min-height: 0;
    display: grid;
    /* 0.9 : 1 leaves the hex view its 16 bytes and ASCII column at 1366 px, and the tree its Owner column */
    grid-template-columns: var(--tree-cols, minmax(0, 0.9fr)) 5px minmax(0, 1fr);
  }
  .files > ls-file-tree {
    min-height: 0;
  }
  .gutter {
    cursor: col-resize;
    background: var(--ls-border);
    border-left: 2px solid var(--ls-panel);
    border-right: 2px solid var(--ls-panel);
    touch-action: none;
  }
  .gutter:hover,
  .gutter.dragging,
  .gutter:focus-visible {
    background: var(--ls-accent);
    outline: none;
  }
  .files > ls-file-viewer {
    min-height: 0;
  }
  .scroll {
    flex: 1 1 auto;
    min-height: 0;
    overflow: auto;
  }
  .reopen {
    padding: 6px 12px;
    font-size: var(--ls-text-m);
    background: var(--ls-accent-soft);
    border-bottom: 1px solid var(--ls-border);
  }
  .empty {
    padding: 24px;
    color: var(--ls-muted);
  }
  @container ls (max-width: 1100px) {
    :host {
      grid-template-columns: minmax(250px, 290px) minmax(0, 1fr);
    }
    .files {
      grid-template-columns: minmax(0, 1fr);
      grid-template-rows: minmax(300px, 1.2fr) minmax(260px, 1fr);
    }
    .gutter {
      display: none;
    }
    .files > ls-file-tree {
      border-bottom: 1px solid var(--ls-border);
    }
  }
  @container ls (max-width: 820px) {
    :host {
      display: flex;
      flex-direction: column;
      height: auto;
      flex: none;
    }
    aside {
      flex: none;
      border-right: none;
      border-bottom: 1px solid var(--ls-border);
      overflow: visible;
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(260px, 1fr));
      align-items: start;
    }
    .layers-card {
      grid-column: 1 / -1;
    }
    .layers-card .layers {
      max-height: 300px;
      overflow: auto;
    }
    .files {
      grid-template-rows: 62vh minmax(360px, 70vh);
    }
    nav.views .image-label {
      display: none;
    }
    nav.views button.export-open {
      margin-left: auto;
    }
  }
  `,
];
