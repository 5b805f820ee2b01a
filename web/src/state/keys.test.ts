import { describe, expect, it } from 'vitest';
import { stripTarget } from './keys';

describe('stripTarget', () => {
  it('moves right and left, wrapping at the ends', () => {
    expect(stripTarget('ArrowRight', 0, 3)).toBe(1);
    expect(stripTarget('ArrowRight', 2, 3)).toBe(0);
    expect(stripTarget('ArrowLeft', 0, 3)).toBe(2);
  });
  it('Home and End go to the ends; other keys do nothing', () => {
    expect(stripTarget('Home', 2, 3)).toBe(0);
    expect(stripTarget('End', 0, 3)).toBe(2);
    expect(stripTarget('ArrowDown', 0, 3)).toBe(-1);
    expect(stripTarget('ArrowRight', 0, 0)).toBe(-1);
  });
});
