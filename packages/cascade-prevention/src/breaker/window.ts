/** Outcome bits stored per call: failure and slow, independently. */
export const FAILURE = 1;
export const SLOW = 2;

/**
 * A sliding window of call outcomes with running totals (spec §3.2). `record` and `totals` take the clock reading
 * only for time windows; count windows ignore it.
 */
export interface OutcomeWindow {
  /** The reason's `window`: size for a count window, seconds for a time window. */
  readonly span: number;
  /** True when `record` and `totals` need the clock. */
  readonly timed: boolean;
  record(outcome: number, now: number): void;
  /** Brings the totals up to `now` (time windows drop expired buckets); count windows do nothing. */
  advance(now: number): void;
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
  clear(): void;
}
