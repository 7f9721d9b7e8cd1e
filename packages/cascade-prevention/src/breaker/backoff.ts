/** Open duration and its growth on repeated trips (spec §3.3). */
export interface BackoffOptions {
  /** Growth per consecutive trip, ≥ 1. Default 2. */
  readonly multiplier?: number;
  /** Cap of the un-jittered duration, ms. Default 10 × openDurationMs. */
  readonly maxMs?: number;
  /** Share of the duration taken off at random, [0, 1]. Default 0.2. */
  readonly jitter?: number;
  /** A trip this long after the breaker last closed starts again from the first step. Default maxMs. */
  readonly resetMs?: number;
}

/** Backoff with every default filled in. */
export interface ResolvedBackoff {
  readonly baseMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
  readonly jitter: number;
  readonly resetMs: number;
}

/**
 * The open duration of the `trip`-th consecutive trip (1-based):
 * `max(1, round(min(maxMs, baseMs × multiplier^(trip − 1)) × (1 − jitter × r)))` with `r` from `random`. A draw
 * outside [0, 1) is read as 0, so a broken source can lengthen nothing past the cap.
 *
 * @example
 * ```ts
 * const b = { baseMs: 1000, multiplier: 2, maxMs: 8000, jitter: 0, resetMs: 8000 };
 * openDuration(b, 3, Math.random); // 4000
 * ```
 */
export function openDuration(backoff: ResolvedBackoff, trip: number, random: () => number): number {
  // multiplier^(trip − 1) may reach Infinity for long runs of trips; min() caps it at maxMs all the same.
  const base = Math.min(backoff.maxMs, backoff.baseMs * backoff.multiplier ** Math.max(0, trip - 1));
  if (backoff.jitter === 0) return Math.max(1, Math.round(base));
  const r = random();
  const draw = r >= 0 && r < 1 ? r : 0;
  return Math.max(1, Math.round(base * (1 - backoff.jitter * draw)));
}
