// Work split across frames: each step in a main-thread task of its own, after
// the frame before it is drawn (issue 13: no main-thread task over 50 ms).

/** Runs `fn` in a task after the next frame is drawn. */
export function afterNextFrame(fn: () => void): void {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
