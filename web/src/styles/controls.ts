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

/** <div class="bar [indeterminate]"><div ${setStyle(barFill(frac))}></div></div> and <div class="numbers">. */
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
    transform: translateX(-100%);
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

/**
 * The inline style of a progress bar's fill at `frac` (0..1) done: the fill is
 * the bar's width, slid left out of sight by what is left to do. A transform,
 * not a width, and no transition: a width's transition laid out, hit tested
 * (for the mouse, after each layout) and painted the page on the main thread at
 * every frame of it. Verifying the 0.4 GB bench set (progress rendered every
 * 200 ms), that was 91 frames and 0.8 s of the main thread's CPU, and 0.4 s of
 * the compositor's and the GPU process's, taken from the two cores the hashing
 * workers use; a transform's transition still asked 80 frames. Without one:
 * ~10 frames, and verify 1.63-1.76 s -> 1.46-1.55 s (4 alternated pairs; issue 13).
 */
export function barFill(frac: number): { transform: string } {
  const f = Number.isFinite(frac) ? Math.min(1, Math.max(0, frac)) : 0;
  return { transform: `translateX(${(f * 100 - 100).toFixed(1)}%)` };
}
