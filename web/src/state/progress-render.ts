// Progress re-renders, throttled: each render of the page is a layout and a
// paint on the main thread, and while a worker reports progress (every 60 ms
// per request) the workers want both cores. Opening the 0.4 GB bench sets here,
// the layers were indexed 60-80 ms sooner (of ~1 s) with no progress render at all.

/** Progress re-renders the page at most this often. */
export const PROGRESS_RENDER_MS = 200;

/**
 * `changed` for new progress only: called at once when its last call is at
 * least `ms` old, else once that much time has gone by (the page then shows the
 * progress of then). Anything else that changes should call `changed` itself,
 * at once.
 */
export function progressRender(changed: () => void, ms = PROGRESS_RENDER_MS, now: () => number = () => performance.now()): () => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    last = now();
    changed();
  };
  return () => {
    if (timer !== null) return;
    const wait = last + ms - now();
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  };
}
