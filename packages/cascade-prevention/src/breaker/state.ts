/** The five states of a breaker, spelled as the Circuit State Announcement carries them (spec §2.1, §3.1). */
export type CircuitState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled';

/** Why a breaker changed state: the announcement's `reason.kind`. */
export type TransitionReasonKind =
  | 'failure_rate'
  | 'slow_call_rate'
  | 'probe_failed'
  | 'probe_succeeded'
  | 'open_elapsed'
  | 'explicit_signal'
  | 'operator'
  | 'evidence';

/** The announcement's `transition-reason`; `rate` and `threshold` exactly for the two rate kinds. */
export interface TransitionReason {
  readonly kind: TransitionReasonKind;
  /** Observed rate, 0…1. */
  readonly rate?: number;
  /** The threshold it crossed. */
  readonly threshold?: number;
  /** Calls (count window) or seconds (time window) the rate was taken over. */
  readonly window?: number;
  /** Calls in the window. */
  readonly calls?: number;
  readonly detail?: string;
}

/**
 * One state change, with every field a Circuit State Announcement needs, so that one can be signed straight from
 * it: `since` and `retryAfter` are whole epoch seconds as the claims carry them; `at` and `retryAfterMs` keep the
 * millisecond readings.
 *
 * @example
 * ```ts
 * breaker.onTransition((t) => publish({ breaker: t.breaker, dependency: t.dependency, state: t.to,
 *   reason: t.reason, since: t.since, seq: t.seq, retry_after: t.retryAfter }));
 * ```
 */
export interface Transition {
  readonly breaker: string;
  readonly dependency: string;
  readonly domain?: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** Clock reading of the change, ms. */
  readonly at: number;
  /** `floor(at / 1000)`: when the breaker entered `to`, in seconds. */
  readonly since: number;
  /** `max(previous seq + 1, at)`: strictly increasing per breaker, also across restarts. */
  readonly seq: number;
  /** `open` / `forced_open`: `ceil(retryAfterMs / 1000)`. */
  readonly retryAfter?: number;
  /** `open` / `forced_open`: the earliest clock reading at which a probe is let through. */
  readonly retryAfterMs?: number;
}

/** Receives transitions; see {@link CircuitBreaker.onTransition}. */
export type TransitionListener = (transition: Transition) => void;
