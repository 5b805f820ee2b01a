import { describe, expect, it } from 'vitest';
import { addProgress, phasePercent, type PhaseProgress } from './progress';

const ev = (phase: string, done: number, total: number, detail = '') => ({ phase, done, total, rate: 0, detail });

describe('opening progress by phase', () => {
  it('keeps each phase apart: a new phase starting at 2% does not pull the earlier one back', () => {
    let ps: PhaseProgress[] = [];
    for (const [d, t] of [[42, 100], [51, 100], [67, 100], [73, 100]]) ps = addProgress(ps, ev('scan', d, t));
    ps = addProgress(ps, ev('index', 2, 100, 'blobs/sha256/abc'));
    ps = addProgress(ps, ev('index', 19, 100));
    expect(ps.map((p) => p.phase)).toEqual(['scan', 'index']);
    expect(ps[0].complete).toBe(true);
    expect(phasePercent(ps[0])).toBe(100);
    expect(phasePercent(ps[1])).toBe(19);
    expect(ps[1].complete).toBe(false);
  });

  it('never moves a phase backwards', () => {
    let ps = addProgress([], ev('index', 60, 100));
    ps = addProgress(ps, ev('index', 30, 100));
    expect(phasePercent(ps[0])).toBe(60);
  });

  it('an unknown total is 0%, not NaN', () => {
    expect(phasePercent(addProgress([], ev('scan', 10, 0))[0])).toBe(0);
  });
});
