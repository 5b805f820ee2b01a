import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { progressRender } from './progress-render';

describe('progress re-renders, throttled', () => {
  // (the fake timers' clock: Date.now() moves with them)
  const now = () => Date.now();
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => vi.advanceTimersByTime(ms);

  it('renders the first progress at once, then at most once per interval, and the last progress once its time comes', () => {
    const changed = vi.fn();
    const progressed = progressRender(changed, 200, now);
    progressed();
    expect(changed).toHaveBeenCalledTimes(1);
    // 60 ms apart (a worker's progress rate): held until 200 ms after the first render
    for (let k = 0; k < 3; k++) {
      advance(60);
      progressed();
    }
    expect(changed).toHaveBeenCalledTimes(1);
    advance(19);
    expect(changed).toHaveBeenCalledTimes(1);
    advance(1);
    expect(changed).toHaveBeenCalledTimes(2);
    // nothing more asked: nothing more rendered
    advance(1000);
    expect(changed).toHaveBeenCalledTimes(2);
    // after a pause, at once again
    progressed();
    expect(changed).toHaveBeenCalledTimes(3);
  });

  it('renders 10 s of progress every 60 ms about 50 times, not 167', () => {
    const changed = vi.fn();
    const progressed = progressRender(changed, 200, now);
    for (let k = 0; k < 167; k++) {
      progressed();
      advance(60);
    }
    advance(200);
    expect(changed.mock.calls.length).toBeGreaterThanOrEqual(49);
    expect(changed.mock.calls.length).toBeLessThanOrEqual(52);
  });
});
