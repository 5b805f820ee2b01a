// Opening progress as named phases, each with its own bar: the core reports
// "scan" (the archive's members) and then "index" (the layers), each counting
// its own bytes from zero, so one bar over both would go backwards. A phase's
// count never decreases; a phase is complete once a later one starts.
import type { ProgressEvent } from '../engine';

export interface PhaseProgress {
  phase: string;
  done: number;
  total: number;
  rate: number;
  /** what is being read (a member or layer name) */
  detail: string;
  complete: boolean;
}

/** The phases after `p` arrived (a new array; earlier phases are marked complete). */
export function addProgress(phases: readonly PhaseProgress[], p: ProgressEvent): PhaseProgress[] {
  const i = phases.findIndex((x) => x.phase === p.phase);
  if (i < 0) {
    const done = phases.map((x) => ({ ...x, complete: true, done: Math.max(x.done, x.total) }));
    return [...done, { phase: p.phase, done: p.done, total: p.total, rate: p.rate, detail: p.detail, complete: false }];
  }
  const prev = phases[i];
  const next = { ...prev, done: Math.max(prev.done, p.done), total: Math.max(prev.total, p.total), rate: p.rate, detail: p.detail };
  return phases.map((x, k) => (k === i ? next : x));
}

/** Fraction 0..1 of one phase (0 while its total is unknown). */
export function phaseFraction(p: PhaseProgress): number {
  return p.total > 0 ? Math.min(1, p.done / p.total) : 0;
}

/** Whole percent of one phase, as the bar and its text both show it. */
export function phasePercent(p: PhaseProgress): number {
  return Math.floor(100 * phaseFraction(p));
}
