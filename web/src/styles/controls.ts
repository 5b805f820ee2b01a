// Controls several components draw the same way: a segmented button group,
// a select, a progress bar with its numbers. Components size them with a
// modifier class (.seg.small) or a rule of their own; the look is defined once.
// Imports nothing local.
import { css } from 'lit';

/** <div class="seg"><button aria-pressed=…>…</button>…</div>; .seg.small in toolbars of a pane. */
export const segmented = css`
  .seg {
    display: inline-flex;
    border: 1px solid var(--ls-border-strong);
    border-radius: 7px;
    overflow: hidden;
  }
  .seg button {
    border: none;
    background: var(--ls-panel);
    padding: 4px 11px;
    font-size: var(--ls-text-m);
    color: var(--ls-muted);
  }
  .seg.small {
    border-radius: var(--ls-radius-s);
  }
  .seg.small button {
    padding: 2px 10px;
    font-size: var(--ls-text-s);
  }
  .seg button + button {
    border-left: 1px solid var(--ls-border-strong);
  }
  .seg button[aria-pressed='true'] {
    background: var(--ls-accent);
    color: var(--ls-accent-fg);
  }
  .seg button[disabled] {
    opacity: 0.45;
    cursor: default;
  }
`;

export const select = css`
  select {
    border: 1px solid var(--ls-border-strong);
    border-radius: var(--ls-radius-s);
    background: var(--ls-panel);
    padding: 3px 6px;
    font-size: var(--ls-text-m);
    max-width: 100%;
  }
`;

/** <div class="bar [indeterminate]"><div ${setStyle({width})}></div></div> and <div class="numbers">. */
export const progress = css`
  .bar {
    height: 8px;
    border-radius: 99px;
    background: var(--ls-hover);
    overflow: hidden;
    margin: 14px 0 10px;
  }
  .bar > div {
    height: 100%;
    background: var(--ls-accent);
    border-radius: 99px;
    transition: width 0.12s linear;
  }
  .bar.indeterminate > div {
    width: 30%;
    animation: slide 1.1s ease-in-out infinite;
  }
  @keyframes slide {
    from {
      transform: translateX(-100%);
    }
    to {
      transform: translateX(340%);
    }
  }
  .numbers {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 18px;
    color: var(--ls-muted);
    font-variant-numeric: tabular-nums;
  }
`;
