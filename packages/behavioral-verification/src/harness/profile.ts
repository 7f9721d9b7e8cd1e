import {
  type Clock,
  epochSeconds,
  type PrivateKey,
  type RandomSource,
  randomUuid,
  systemClock,
  systemRandom,
} from '@safety-net/core';
import { type PerformanceProfileClaims, performanceProfile } from '../messages/performance-profile.js';
import type { RunMetrics } from './metrics.js';
import type { RunResult } from './run.js';

/** Options of `signPerformanceProfile`. */
export interface SignPerformanceOptions {
  /** The benchmark runner's signing key. */
  readonly key: PrivateKey;
  /** The runner's identifier (`iss`). */
  readonly issuer: string;
  /** The agent measured (`sub`). */
  readonly agent: string;
  /** Where it ran: runtime, model, hardware … (at most 64 entries). */
  readonly environment: Readonly<Record<string, string>>;
  /** Issue time; default the system clock. */
  readonly clock?: Clock;
  /** Source of the `jti`; default the system generator. */
  readonly random?: RandomSource;
  /** Lifetime in seconds, if the profile should expire (`exp`). */
  readonly lifetimeSeconds?: number;
}

/**
 * Signs the Performance Profile of a run: the suite it ran (id and digest), the agent, the environment and the
 * metrics. Returns the COSE_Sign1 bytes of the `performanceProfile` message type, which checks the claims first
 * (a metric outside its interval or an empty metric set is `ERR_CLAIMS_INVALID`).
 *
 * @example
 * ```ts
 * const bytes = signPerformanceProfile(run, computeMetrics(run, { random }), { key, issuer, agent, environment });
 * ```
 */
export function signPerformanceProfile(
  run: RunResult,
  metrics: RunMetrics,
  options: SignPerformanceOptions,
): Uint8Array {
  const iat = epochSeconds(options.clock ?? systemClock);
  const claims: PerformanceProfileClaims = {
    iss: options.issuer,
    sub: options.agent,
    iat,
    ...(options.lifetimeSeconds !== undefined ? { exp: iat + options.lifetimeSeconds } : {}),
    jti: randomUuid(options.random ?? systemRandom),
    suite: { id: run.suite.id, digest: run.suite.digest },
    env: { ...options.environment },
    metrics,
  };
  return performanceProfile.sign(claims, options.key);
}
