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
