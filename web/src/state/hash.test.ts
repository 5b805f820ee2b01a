import { describe, expect, it } from 'vitest';
import { formatHash, historyMove, linkTargets, parseHash, routeHash, routeStart, type Routable } from './hash';

describe('parseHash', () => {
  it('reads every field of a deep link', () => {
    expect(parseHash('#src=examples/demo.tar&image=0&layer=2&view=layer&path=/etc/app/config.ini&tab=history&mode=hex')).toEqual({
      src: 'examples/demo.tar',
      image: 0,
      layer: 2,
      view: 'layer',
      path: '/etc/app/config.ini',
      tab: 'history',
      mode: 'hex',
    });
  });
  it('roots a relative path and drops values it does not know', () => {
    const st = parseHash('#archive=a.tar&path=etc/passwd&view=sideways&tab=diff&mode=auto&layer=2.5&image=x');
    expect(st.archive).toBe('a.tar');
    expect(st.path).toBe('/etc/passwd');
    expect(st.view).toBeUndefined();
    expect(st.tab).toBeUndefined();
    expect(st.mode).toBeUndefined(); // "auto" is the default, never written
    expect(st.layer).toBeUndefined();
    expect(st.image).toBeUndefined();
  });
  it('keeps a negative integer and decodes escapes', () => {
    const st = parseHash('#layer=-1&path=%2Fa%20b%26c');
    expect(st.layer).toBe(-1);
    expect(st.path).toBe('/a b&c');
  });
  it('reads nothing from an empty hash', () => {
    expect(parseHash('')).toEqual({ image: undefined, layer: undefined });
    expect(parseHash('#')).toEqual({ image: undefined, layer: undefined });
  });
});

describe('formatHash', () => {
  it('writes src rather than archive, leaves defaults out, keeps slashes readable', () => {
    expect(formatHash({ src: 'examples/demo.tar', archive: 'demo.tar', image: 0, layer: 3, view: 'merged', path: '/etc/app/config.ini', tab: 'files', mode: 'auto' })).toBe(
      '#src=examples/demo.tar&image=0&layer=3&view=merged&path=/etc/app/config.ini',
    );
  });
  it('names a local file by archive, escapes what must be escaped', () => {
    expect(formatHash({ archive: 'my image.tar', path: '/a&b', tab: 'config', mode: 'text' })).toBe('#archive=my+image.tar&path=/a%26b&tab=config&mode=text');
  });
  it('is empty for an empty state', () => {
    expect(formatHash({})).toBe('');
  });
  it('round-trips through parseHash', () => {
    const st = { archive: 'x y.tar', image: 1, layer: 0, view: 'layer' as const, path: '/usr/lib/a+b.so', tab: 'history' as const, mode: 'hex' as const };
    expect(parseHash(formatHash(st))).toEqual(st);
  });
});

describe('routing', () => {
  const a: Routable = { id: 1, name: 'a.tar' };
  const demo: Routable = { id: 2, name: 'demo.tar', src: 'examples/demo.tar' };
  it('applies a link into the current archive, by name or by src', () => {
    expect(routeHash({ archive: 'a.tar', layer: 1 }, a, [a, demo])).toEqual({ kind: 'apply', id: 1 });
    expect(routeHash({ src: 'examples/demo.tar' }, demo, [a, demo])).toEqual({ kind: 'apply', id: 2 });
  });
  it('switches to another open archive', () => {
    expect(routeHash({ src: 'examples/demo.tar' }, a, [a, demo])).toEqual({ kind: 'switch', id: 2 });
    expect(routeHash({ archive: 'a.tar' }, demo, [a, demo])).toEqual({ kind: 'switch', id: 1 });
  });
  it('fetches a hosted archive that is not open, waits for a local one', () => {
    expect(routeHash({ src: 'other.tar' }, a, [a, demo])).toEqual({ kind: 'fetch', src: 'other.tar' });
    expect(routeHash({ archive: 'b.tar' }, a, [a, demo])).toEqual({ kind: 'wait' });
    expect(routeHash({ archive: 'b.tar' }, null, [])).toEqual({ kind: 'wait' });
  });
  it('does nothing for a hash that names no archive', () => {
    expect(routeHash({ layer: 2 }, a, [a])).toEqual({ kind: 'none' });
  });
  it('starts from a hash: fetch, wait or nothing', () => {
    expect(routeStart({ src: 's.tar', archive: 'a.tar' })).toEqual({ kind: 'fetch', src: 's.tar' });
    expect(routeStart({ archive: 'a.tar' })).toEqual({ kind: 'wait' });
    expect(routeStart({ path: '/x' })).toEqual({ kind: 'none' });
  });
  it('matches a waiting link to the file the user opens', () => {
    expect(linkTargets({ archive: 'a.tar' }, 'a.tar')).toBe(true);
    expect(linkTargets({ archive: 'a.tar' }, 'b.tar')).toBe(false);
    expect(linkTargets({ src: 'examples/demo.tar' }, 'demo.tar', 'examples/demo.tar')).toBe(true);
    expect(linkTargets({ src: 'examples/demo.tar' }, 'demo.tar')).toBe(false);
  });
});

describe('historyMove', () => {
  const at = (h: string) => parseHash(h);
  it('pushes a new entry for another layer, image, tab or archive', () => {
    expect(historyMove(at('#src=a.tar&layer=1'), at('#src=a.tar&layer=2'))).toBe('push');
    expect(historyMove(at('#src=a.tar&image=0&layer=1'), at('#src=a.tar&image=1&layer=1'))).toBe('push');
    expect(historyMove(at('#src=a.tar&layer=1'), at('#src=a.tar&layer=1&tab=config'))).toBe('push');
    expect(historyMove(at('#archive=a.tar&layer=1'), at('#archive=b.tar&layer=1'))).toBe('push');
  });
  it('tells a move to another path apart, and replaces for view and mode', () => {
    expect(historyMove(at('#src=a.tar&layer=1&path=/etc'), at('#src=a.tar&layer=1&path=/etc/passwd'))).toBe('path');
    expect(historyMove(at('#src=a.tar&layer=1&view=layer'), at('#src=a.tar&layer=1&view=merged'))).toBe('replace');
    expect(historyMove(at('#src=a.tar&layer=1&path=/x'), at('#src=a.tar&layer=1&path=/x&mode=hex'))).toBe('replace');
  });
  it('replaces the entry the first time an archive shows', () => {
    expect(historyMove(at(''), at('#src=a.tar&layer=1'))).toBe('replace');
  });
});
