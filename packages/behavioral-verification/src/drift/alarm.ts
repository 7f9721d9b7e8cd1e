import { snError } from '@safety-net/core';

/** A drift detector's alarm: which statistic crossed its threshold, by how much, after how many values. */
export interface DriftAlarm {
  /** e.g. `cusum_upper`, `page_hinkley_lower`, `js_divergence`. */
  readonly statistic: string;
  readonly value: number;
  readonly threshold: number;
  /** Values seen since the detector last started or alarmed, this one included. */
  readonly samples: number;
}

/**
 * A change detector on a numeric stream. `step(x, commit)` returns the alarm `x` raises, if any; with `commit`
 * false nothing changes (the monitor asks before an action in enforce mode and commits only if it runs). After an
 * alarm a committed detector restarts, so a lasting change alarms again only after it accumulates afresh.
 */
export interface NumericDetector {
  step(x: number, commit?: boolean): DriftAlarm | undefined;
}

/**
 * Largest standardized value a numeric detector accumulates, in standard deviations, far past any threshold (`h` ≤
 * 10,000). A value further out, up to one whose `z` overflows to ±Infinity (a parameter of 1.7e308 with `sd` below
 * 1), counts as this far: it is as far out of the baseline as a value gets and must be judged so, not turn the
 * running sums into Infinity − Infinity = NaN, which no threshold is ever exceeded by again. At this bound the sums
 * stay finite for more values than any stream holds (2^53 steps of at most 2·10^100 each).
 */
const MAX_Z = 1e100;

/** `(x − mean)/sd`, limited to ±{@link MAX_Z}; a value that is not a finite number is `ERR_INPUT_INVALID`. */
export function standardize(x: number, mean: number, sd: number): number {
  if (!Number.isFinite(x)) throw snError('ERR_INPUT_INVALID', 'drift value must be a finite number');
  return Math.min(MAX_Z, Math.max(-MAX_Z, (x - mean) / sd));
}
