import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HASH_WORKER_NAME } from '../../../wasm/protocol';

// The workers the engine starts: recorded, never run (node has no Worker).
const started = vi.hoisted(() => [] as { name: string | undefined }[]);
vi.mock('#spawn-worker', () => ({
  SINGLE_FILE: false,
  spawnWorker: (name?: string) => {
    const w = { name, postMessage() {}, terminate() {}, addEventListener() {}, removeEventListener() {} };
    started.push(w);
    return w;
  },
}));

describe('the spare core worker kept after an index', () => {
  beforeEach(() => {
    vi.resetModules();
    started.length = 0;
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('starts one once the page is idle, not before, and not a second while one waits', async () => {
    const { keepSpareWorker } = await import('./index');
    keepSpareWorker();
    expect(started).toHaveLength(0); // the page is busy until the idle callback
    vi.advanceTimersByTime(100);
    expect(started).toHaveLength(1);
    expect(started[0].name).toBeUndefined(); // a core worker: not a hasher, not one warming up
    keepSpareWorker();
    keepSpareWorker();
    vi.advanceTimersByTime(1000);
    expect(started).toHaveLength(1);
  });

  it('gives the spare to the next request for a core worker, then starts workers anew', async () => {
    const { keepSpareWorker, spawn } = await import('./index');
    keepSpareWorker();
    vi.advanceTimersByTime(100);
    const spare = started[0];
    expect(spawn()).toBe(spare);
    expect(started).toHaveLength(1); // taken, none started for it
    const next = spawn();
    expect(next).not.toBe(spare);
    expect(started).toHaveLength(2);
    // a hashing worker (named) is never the spare, nor takes it
    keepSpareWorker();
    vi.advanceTimersByTime(100);
    const hasher = spawn(HASH_WORKER_NAME) as unknown as { name: string };
    expect(hasher).not.toBe(started[2]);
    expect(hasher.name).toBe(HASH_WORKER_NAME);
    expect(spawn()).toBe(started[2]);
  });

  it('waits for requestIdleCallback where there is one, with a 1 s deadline', async () => {
    const calls: { timeout: number | undefined }[] = [];
    let run: (() => void) | null = null;
    vi.stubGlobal('requestIdleCallback', (cb: () => void, o?: { timeout: number }) => {
      calls.push({ timeout: o?.timeout });
      run = cb;
      return 1;
    });
    const { keepSpareWorker } = await import('./index');
    keepSpareWorker();
    vi.advanceTimersByTime(5000);
    expect(started).toHaveLength(0);
    expect(calls).toEqual([{ timeout: 1000 }]);
    run!();
    expect(started).toHaveLength(1);
  });
});
