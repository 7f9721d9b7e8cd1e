import type { CircuitState, TransitionKind, TransitionReason } from '../messages/circuit-announcement.js';

export type { CircuitState, TransitionReason } from '../messages/circuit-announcement.js';

/** Why a breaker changed state: the announcement's `reason.kind`. */
export type TransitionReasonKind = TransitionKind;

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
