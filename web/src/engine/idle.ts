// Work for when the page is idle: requestIdleCallback with a deadline, or a
// short timer where there is none (Safari has none by default; node).

/** Runs `fn` once the page is idle, at the latest `timeoutMs` later; where
 *  there is no requestIdleCallback, after `fallbackMs`. */
export function whenIdle(fn: () => void, timeoutMs = 1000, fallbackMs = 100): void {
  const idle = (globalThis as { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
  if (idle) idle(fn, { timeout: timeoutMs });
  else setTimeout(fn, fallbackMs);
}
