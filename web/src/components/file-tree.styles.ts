// Styles of <ls-file-tree>: filter bar, info line, column head, rows with
// their marks; columns drop out as the tree gets narrower (container queries).
import { css } from 'lit';
import { base } from '../styles/base';
import { select } from '../styles/controls';

/** Height of a tree row (px); the virtual list positions rows by it. */
export const TREE_ROW_H = 26;

export const fileTreeStyles = [
  base,
  select,
  css`
  :host {
    display: flex;
    flex-direction: column;
    min-width: 0;
    container-type: inline-size;
    container-name: tree;
    background: var(--ls-panel);
  }
  .bar {
    display: flex;
    gap: var(--ls-space-3);
    align-items: center;
    padding: 8px 10px;
    border-bottom: 1px solid var(--ls-border);
    flex-wrap: wrap;
  }
  .search {
    flex: 1 1 180px;
    display: flex;
    align-items: center;
    gap: var(--ls-space-3);
    min-width: 150px;
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    padding: 0 8px;
  }
  .search:focus-within {
    border-color: var(--ls-accent);
    box-shadow: 0 0 0 2px var(--ls-accent-soft);
  }
  .search .icon {
    color: var(--ls-faint);
    flex: none;
  }
  .search input {
    flex: 1;
    min-width: 0;
    border: none;
    background: none;
    outline: none;
    padding: 5px 0;
    font-size: var(--ls-text);
  }
  .search kbd {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-xs);
    color: var(--ls-faint);
    border: 1px solid var(--ls-border);
    border-radius: var(--ls-radius-xs);
    padding: 0 5px;
  }
  select {
    padding: 4px 6px;
    max-width: none;
  }
  .info {
    display: flex;
    gap: var(--ls-space-5);
    align-items: center;
    padding: 4px 10px;
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
    border-bottom: 1px solid var(--ls-border);
    min-height: 26px;
    flex-wrap: wrap;
  }
  .info .err {
    color: var(--ls-del);
  }
  .info .right {
    margin-left: auto;
    display: flex;
    gap: var(--ls-space-2);
  }
  .head,
  .r {
    display: grid;
    grid-template-columns: minmax(0, 1fr) 30px 64px 64px 80px 58px;
    align-items: center;
    column-gap: 8px;
    padding: 0 10px 0 0;
  }
  .head {
    font-size: var(--ls-text-sm);
    font-weight: 600;
    color: var(--ls-muted);
    border-bottom: 1px solid var(--ls-border);
    background: var(--ls-panel-2);
    height: 26px;
    user-select: none;
  }
  .head button {
    border: none;
    background: none;
    padding: 0;
    font: inherit;
    color: inherit;
    text-align: inherit;
  }
  .head button[aria-pressed='true'] {
    color: var(--ls-accent);
  }
  .head .num,
  .r .num {
    text-align: right;
  }
  .head > :first-child {
    padding-left: 32px;
  }
  ls-virtual-list {
    flex: 1 1 auto;
    min-height: 120px;
    outline: none;
  }
  ls-virtual-list:focus-visible .r.sel {
    outline: 2px solid var(--ls-accent);
    outline-offset: -2px;
  }
  .r {
    height: ${TREE_ROW_H}px;
    font-size: var(--ls-text);
    cursor: default;
    white-space: nowrap;
    user-select: none;
  }
  .r:hover {
    background: var(--ls-hover);
  }
  .r.sel {
    background: var(--ls-selected);
  }
  .r .name {
    display: flex;
    align-items: center;
    gap: var(--ls-space-2);
    min-width: 0;
    padding-left: calc(var(--depth, 0) * 14px + 6px);
  }
  .twisty {
    display: inline-flex;
    width: 16px;
    height: 16px;
    flex: none;
    align-items: center;
    justify-content: center;
    color: var(--ls-faint);
    border-radius: 3px;
  }
  .twisty .icon {
    width: 12px;
    height: 12px;
    transition: transform 0.1s;
  }
  .twisty.open .icon {
    transform: rotate(90deg);
  }
  .twisty.leaf {
    visibility: hidden;
  }
  .ticon {
    display: inline-flex;
    flex: none;
    color: var(--ls-muted);
  }
  .ticon.dir {
    color: var(--ls-accent);
  }
  .label {
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .match {
    font-weight: var(--ls-weight-title);
  }
  .context .label {
    color: var(--ls-muted);
  }
  .deleted .label {
    text-decoration: line-through;
    color: var(--ls-del);
  }
  .target {
    color: var(--ls-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    font-size: var(--ls-text-s);
    flex: 0 1 auto;
  }
  .num,
  .mode,
  .owner {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-sm);
    color: var(--ls-muted);
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .agg {
    color: var(--ls-faint);
  }
  .lay {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-2xs);
    color: var(--ls-faint);
    text-align: center;
  }
  .lnum {
    display: inline-block;
    min-width: 18px;
    border-radius: var(--ls-radius-xs);
    line-height: 16px;
  }
  .lnum.here {
    background: var(--ls-accent-soft);
    color: var(--ls-accent);
    font-weight: 700;
  }
  .lnum .chg {
    font-weight: 700;
    margin-right: 1px;
  }
  .lnum .chg.A {
    color: var(--ls-add);
  }
  .lnum .chg.M {
    color: var(--ls-mod);
  }
  .empty {
    padding: 24px 16px;
    color: var(--ls-muted);
    font-size: var(--ls-text);
  }
  .num .was {
    color: var(--ls-del);
    text-decoration: line-through;
  }
  /* a directory's total shows in the Size column once the Total column is gone */
  .num .tot {
    display: none;
    color: var(--ls-muted);
  }
  @container tree (max-width: 560px) {
    .head,
    .r {
      grid-template-columns: minmax(0, 1fr) 30px 64px 80px 58px;
    }
    .agg,
    .head .agg {
      display: none;
    }
    .num .tot {
      display: inline;
    }
  }
  @container tree (max-width: 440px) {
    .head,
    .r {
      grid-template-columns: minmax(0, 1fr) 30px 64px 80px;
    }
    .owner,
    .head .owner {
      display: none;
    }
  }
  @container tree (max-width: 360px) {
    .head,
    .r {
      grid-template-columns: minmax(0, 1fr) 30px 64px;
    }
    .mode,
    .head .mode {
      display: none;
    }
  }
  `,
];
