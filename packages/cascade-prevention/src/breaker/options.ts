import { type Clock, readClock, systemClock } from '@safety-net/core';
import { checkFunction, checkInt, checkName, checkNumber, checkObject, invalid } from '../util/checks.js';
import type { BackoffOptions, ResolvedBackoff } from './backoff.js';
import { CountWindow } from './count-window.js';
import type { Transition } from './state.js';
import { TimeWindow } from './time-window.js';
import type { OutcomeWindow } from './window.js';

/** The sliding window outcomes are counted in (spec §3.2). */
export type WindowOptions =
  | { readonly kind: 'count'; readonly size: number }
  | { readonly kind: 'time'; readonly seconds: number; readonly buckets?: number };

/** Options of a {@link CircuitBreaker}; see spec §3.7 for defaults and ranges. */
export interface BreakerOptions {
  /** The breaker's id, unique at its host (the announcement's `breaker`). */
  readonly id: string;
  /** What it protects (the announcement's `dependency`). */
  readonly dependency: string;
  /** The failure domain of the dependency. */
  readonly domain?: string;
  /** Default `{ kind: 'count', size: 100 }`. */
  readonly window?: WindowOptions;
  /** Open at a failure rate at or above this, (0, 1]. Default 0.5. */
  readonly failureRateThreshold?: number;
  /** Calls taking at least this long are slow; turns slow-call tracking on. */
  readonly slowCallDurationMs?: number;
  /** Open at a slow-call rate at or above this, (0, 1]. Default 1. Needs `slowCallDurationMs`. */
  readonly slowCallRateThreshold?: number;
  /** No rate is judged over fewer calls. Default min(20, size). */
  readonly minimumCalls?: number;
  /** Open duration of the first trip, ms. Default 30,000. */
  readonly openDurationMs?: number;
  readonly backoff?: BackoffOptions;
  /** Successful probes that close a half-open breaker. Default 3. */
  readonly halfOpenSuccesses?: number;
  /** Probes in flight at once. Default 1. */
  readonly halfOpenMaxConcurrent?: number;
  /** Whether a rejection counts as a failure of the dependency. Default: every rejection does. */
  readonly isFailure?: (error: unknown) => boolean;
  readonly clock?: Clock;
  /** Uniform draws in [0, 1) for jitter. Default `Math.random`. */
  readonly random?: () => number;
  /** Receives exceptions thrown by transition listeners. Default: they are dropped. */
  readonly onListenerError?: (error: unknown, transition: Transition) => void;
  /**
   * Most (issuer, breaker) pairs whose announcements are applied (spec §3.6): each pair's highest `seq` is kept for
   * good, so this bounds that memory. Default 1,024.
   */
  readonly maxRemoteSources?: number;
}

/** Options with every default applied; built once per breaker. */
export interface ResolvedBreakerOptions {
  readonly id: string;
  readonly dependency: string;
  readonly domain: string | undefined;
  readonly window: OutcomeWindow;
  readonly failureRateThreshold: number;
  /** 0 when slow-call tracking is off. */
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
  readonly backoff: ResolvedBackoff;
  readonly halfOpenSuccesses: number;
  readonly halfOpenMaxConcurrent: number;
  readonly isFailure: ((error: unknown) => boolean) | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  readonly onListenerError: ((error: unknown, transition: Transition) => void) | undefined;
  readonly maxRemoteSources: number;
}

const MAX_MS = 2 ** 31;

function resolveWindow(raw: unknown): OutcomeWindow {
  if (raw === undefined) return new CountWindow(100);
  const w = checkObject(raw, 'window');
  if (w['kind'] === 'count') return new CountWindow(checkInt(w['size'], 'window.size', 1, 1_000_000));
  if (w['kind'] === 'time') {
    const seconds = checkInt(w['seconds'], 'window.seconds', 1, 86_400);
    const buckets = checkInt(
      w['buckets'],
      'window.buckets',
      1,
      Math.min(3_600, seconds * 1000),
      Math.min(seconds, 3_600),
    );
    return new TimeWindow(seconds, buckets);
  }
  return invalid("window.kind must be 'count' or 'time'");
}

/**
 * Checks breaker options and fills in the defaults. Throws `ERR_CP_CONFIG_INVALID` naming the first bad option.
 *
 * @example
 * ```ts
 * resolveBreakerOptions({ id: 'b', dependency: 'pool', window: { kind: 'count', size: 0 } }); // throws
 * ```
 */
export function resolveBreakerOptions(raw: BreakerOptions): ResolvedBreakerOptions {
  const o = checkObject(raw, 'breaker options');
  const window = resolveWindow(o['window']);
  const slowCallDurationMs =
    o['slowCallDurationMs'] === undefined
      ? 0
      : checkNumber(o['slowCallDurationMs'], 'slowCallDurationMs', { min: 0, max: MAX_MS, openLow: true });
  if (slowCallDurationMs === 0 && o['slowCallRateThreshold'] !== undefined)
    invalid('slowCallRateThreshold needs slowCallDurationMs');
  const minimumCalls = checkInt(
    o['minimumCalls'],
    'minimumCalls',
    1,
    window.timed ? 2 ** 32 : window.span,
    window.timed ? 20 : Math.min(20, window.span),
  );
  const baseMs = checkInt(o['openDurationMs'], 'openDurationMs', 1, MAX_MS, 30_000);
  const b = checkObject(o['backoff'], 'backoff');
  const maxMs = checkInt(b['maxMs'], 'backoff.maxMs', baseMs, MAX_MS, Math.min(MAX_MS, 10 * baseMs));
  return {
    id: checkName(o['id'], 'id'),
    dependency: checkName(o['dependency'], 'dependency'),
    domain: o['domain'] === undefined ? undefined : checkName(o['domain'], 'domain'),
    window,
    failureRateThreshold: checkNumber(
      o['failureRateThreshold'],
      'failureRateThreshold',
      { min: 0, max: 1, openLow: true },
      0.5,
    ),
    slowCallDurationMs,
    slowCallRateThreshold: checkNumber(
      o['slowCallRateThreshold'],
      'slowCallRateThreshold',
      { min: 0, max: 1, openLow: true },
      1,
    ),
    minimumCalls,
    backoff: {
      baseMs,
      multiplier: checkNumber(b['multiplier'], 'backoff.multiplier', { min: 1, max: 1000 }, 2),
      maxMs,
      jitter: checkNumber(b['jitter'], 'backoff.jitter', { min: 0, max: 1 }, 0.2),
      resetMs: checkNumber(b['resetMs'], 'backoff.resetMs', { min: 0, max: MAX_MS }, maxMs),
    },
    halfOpenSuccesses: checkInt(o['halfOpenSuccesses'], 'halfOpenSuccesses', 1, 10_000, 3),
    halfOpenMaxConcurrent: checkInt(o['halfOpenMaxConcurrent'], 'halfOpenMaxConcurrent', 1, 10_000, 1),
    isFailure: checkFunction<((error: unknown) => boolean) | undefined>(o['isFailure'], 'isFailure', undefined),
    clock: resolveClock(o['clock']),
    random: checkFunction<() => number>(o['random'], 'random', Math.random),
    onListenerError: checkFunction<((error: unknown, t: Transition) => void) | undefined>(
      o['onListenerError'],
      'onListenerError',
      undefined,
    ),
    maxRemoteSources: checkInt(o['maxRemoteSources'], 'maxRemoteSources', 1, 1_000_000, 1_024),
  };
}

function resolveClock(raw: unknown): Clock {
  if (raw === undefined) return systemClock;
  if (typeof raw !== 'object' || raw === null || typeof (raw as { now?: unknown }).now !== 'function')
    invalid('clock must have now()');
  // Read once here: a clock giving NaN would hold the breaker in states it never leaves (every comparison false).
  try {
    readClock(raw as Clock);
  } catch {
    invalid('clock.now() must give milliseconds since the epoch');
  }
  return raw as Clock;
}
