import { describe, expect, it } from 'vitest';
import { barFill } from './controls';

describe('a progress bar fill', () => {
  it('slides the full-width fill left by the part left to do', () => {
    expect(barFill(0)).toEqual({ transform: 'translateX(-100.0%)' });
    expect(barFill(0.25)).toEqual({ transform: 'translateX(-75.0%)' });
    expect(barFill(0.999)).toEqual({ transform: 'translateX(-0.1%)' });
    expect(barFill(1)).toEqual({ transform: 'translateX(0.0%)' });
  });
  it('keeps a fraction out of range or not a number inside the bar', () => {
    expect(barFill(1.7)).toEqual({ transform: 'translateX(0.0%)' });
    expect(barFill(-0.5)).toEqual({ transform: 'translateX(-100.0%)' });
    expect(barFill(Number.NaN)).toEqual({ transform: 'translateX(-100.0%)' });
  });
});
