import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UpdateApart } from './update-apart';

describe('UpdateApart', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('lets an update run at once unless armed', () => {
    expect(new UpdateApart().gate()).toBeUndefined();
  });

  it('holds the armed update until the next task, once', async () => {
    const apart = new UpdateApart();
    apart.arm();
    let ran = false;
    const wait = apart.gate();
    expect(wait).toBeInstanceOf(Promise);
    void wait!.then(() => (ran = true));
    await Promise.resolve(); // microtasks alone do not release it
    await Promise.resolve();
    expect(ran).toBe(false);
    await vi.runAllTimersAsync();
    expect(ran).toBe(true);
    expect(apart.gate()).toBeUndefined(); // the update after it runs at once
  });

  it('schedule runs the update at once, or after the next task when armed', async () => {
    const apart = new UpdateApart();
    let runs = 0;
    const update = () => {
      runs++;
    };
    expect(apart.schedule(update)).toBeUndefined();
    expect(runs).toBe(1);
    apart.arm();
    const later = apart.schedule(update);
    expect(later).toBeInstanceOf(Promise);
    await Promise.resolve();
    expect(runs).toBe(1);
    await vi.runAllTimersAsync();
    await later;
    expect(runs).toBe(2);
  });
});
