import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HashSync } from './routing';

/** location and history as a page has them, recording each history call. */
function fakePage(hash = '') {
  const calls: [string, string][] = [];
  const loc = { hash, pathname: '/', search: '' };
  const set = (kind: string) => (_s: unknown, _t: string, url: string) => {
    calls.push([kind, url]);
    loc.hash = url.startsWith('#') ? url : '';
  };
  vi.stubGlobal('location', loc);
  vi.stubGlobal('history', { pushState: set('push'), replaceState: set('replace') });
  return { calls, loc };
}

describe('HashSync', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('writes the hash in a task of its own, not inside the render that asked', () => {
    const { calls } = fakePage();
    const h = new HashSync();
    h.write({ archive: 'a.tar', image: 0, layer: 4, view: 'layer' });
    expect(calls).toEqual([]);
    vi.runAllTimers();
    expect(calls).toEqual([['replace', '#archive=a.tar&image=0&layer=4&view=layer']]);
  });

  it('writes a link asked for again while it waits once', () => {
    const { calls } = fakePage();
    const h = new HashSync();
    for (let i = 0; i < 3; i++) h.write({ archive: 'a.tar', layer: 1 });
    vi.runAllTimers();
    expect(calls).toEqual([['replace', '#archive=a.tar&layer=1']]);
  });

  it('keeps a history entry for each move made within one task', () => {
    const { calls } = fakePage();
    const h = new HashSync();
    h.write({ archive: 'a.tar', layer: 1 });
    vi.runAllTimers();
    h.write({ archive: 'a.tar', layer: 2 });
    h.write({ archive: 'a.tar', layer: 3 }); // another layer before the first move's write ran
    expect(calls.map((c) => c[1])).toEqual(['#archive=a.tar&layer=1', '#archive=a.tar&layer=2']);
    vi.runAllTimers();
    expect(calls).toEqual([
      ['replace', '#archive=a.tar&layer=1'],
      ['push', '#archive=a.tar&layer=2'],
      ['push', '#archive=a.tar&layer=3'],
    ]);
  });

  it("drops a waiting write when the user moves (Back, a typed link), and replaces for the answer", () => {
    const { calls, loc } = fakePage('#archive=a.tar&layer=1');
    const h = new HashSync();
    h.write({ archive: 'a.tar', layer: 1 });
    vi.runAllTimers();
    h.write({ archive: 'a.tar', layer: 2 });
    loc.hash = '#archive=a.tar&layer=5'; // the user's hashchange before the write ran
    h.followed();
    vi.runAllTimers();
    expect(calls).toEqual([]);
    expect(loc.hash).toBe('#archive=a.tar&layer=5');
    h.write({ archive: 'a.tar', layer: 5, view: 'merged' });
    vi.runAllTimers();
    expect(calls).toEqual([['replace', '#archive=a.tar&layer=5&view=merged']]);
  });

  it('writes nothing after cancel (the element left the page), and at once on flush', () => {
    const { calls } = fakePage();
    const h = new HashSync();
    h.write({ archive: 'a.tar', layer: 1 });
    h.cancel();
    vi.runAllTimers();
    expect(calls).toEqual([]);
    h.write({ archive: 'a.tar', layer: 2 });
    h.flush();
    expect(calls).toEqual([['replace', '#archive=a.tar&layer=2']]);
    vi.runAllTimers();
    expect(calls.length).toBe(1);
  });
});
