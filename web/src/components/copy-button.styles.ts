// Styles of <ls-copy>: a small icon button.
import { css } from 'lit';

export const copyButtonStyles = css`
  :host {
    display: inline-flex;
    vertical-align: middle;
  }
  button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 22px;
    height: 22px;
    padding: 0;
    border: 1px solid transparent;
    border-radius: 5px;
    background: none;
    color: var(--ls-muted);
    cursor: pointer;
  }
  button:hover {
    background: var(--ls-hover);
    border-color: var(--ls-border);
    color: var(--ls-fg);
  }
  button.done {
    color: var(--ls-add);
  }
  .icon {
    width: 14px;
    height: 14px;
  }
`;
