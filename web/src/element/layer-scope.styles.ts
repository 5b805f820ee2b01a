// Styles of the embeddable <layer-scope>: its box (a query container, so the
// views inside adapt to the element's width, not the window's), the fetching /
// opening progress card and the error card.
import { css } from 'lit';
import { tokens, hostText } from '../styles/tokens';
import { base } from '../styles/base';
import { progress } from '../styles/controls';

export const layerScopeStyles = [
  tokens,
  hostText,
  base,
  progress,
  css`
  :host {
    display: flex;
    flex-direction: column;
    /* embedded in a page: a sensible box unless the page sizes it */
    height: 640px;
    min-height: 0;
    container-type: inline-size;
    container-name: ls;
    position: relative;
  }
  .frame {
    flex: 1 1 auto;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .empty {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 32px 16px;
    color: var(--ls-muted);
  }
  .status {
    flex: 1;
    display: flex;
    align-items: flex-start;
    justify-content: center;
    padding: 48px 16px;
  }
  .status .card {
    width: min(620px, 100%);
    padding: 20px 22px;
  }
  .status .card > h2 {
    margin: 0 0 4px;
    padding: 0;
    font-size: 17px;
    font-weight: var(--ls-weight-title);
    letter-spacing: normal;
    text-transform: none;
    color: var(--ls-fg);
    overflow-wrap: anywhere;
  }
  .numbers {
    font-size: var(--ls-text);
  }
  .phase {
    margin-top: 12px;
    min-width: 0;
  }
  .phase[data-complete='true'] {
    opacity: 0.7;
  }
  .phase-name {
    font-weight: 600;
    margin-bottom: 4px;
  }
  .phase-detail {
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .row-buttons {
    display: flex;
    gap: var(--ls-space-4);
    margin-top: 16px;
  }
  .error-card {
    border-color: var(--ls-err-border);
    background: var(--ls-err-bg);
  }
  .message {
    overflow-wrap: anywhere;
    max-height: 40vh;
    overflow: auto;
    white-space: pre-wrap;
  }
  .where {
    font-family: var(--ls-mono);
    font-size: var(--ls-text-s);
    color: var(--ls-muted);
    overflow-wrap: anywhere;
  }
  @container ls (max-width: 820px) {
    /* Half a laptop screen: the element scrolls as a whole, views stack. */
    .frame {
      overflow-y: auto;
    }
  }
  `,
];
