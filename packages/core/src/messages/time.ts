import { snError } from '../errors/index.js';
import { checkNumber } from '../util/input-options.js';

/** Time rules for a verified message. Seconds throughout. */
export interface TimeOptions {
  /** Tolerance for clock differences (default 30 s, as the ECT reference implementations use). */
  clockSkewSeconds?: number;
  /** Refuse tokens issued longer ago than this (e.g. 900 for the ECT 15-minute iat max age). */
  maxAgeSeconds?: number;
}

export const DEFAULT_CLOCK_SKEW_SECONDS = 30;

/** The registered time claims, where a message type has them. */
export interface TimeClaims {
  iat?: number;
  nbf?: number;
  exp?: number;
}

/**
 * Checks `exp`, `nbf` and `iat` against `now` (seconds), in that order. A skew or maximum age that is not a finite
 * number ≥ 0 is `ERR_INPUT_INVALID`: NaN or Infinity would turn the checks off.
 */
export function checkTimes(claims: TimeClaims, now: number, options: TimeOptions = {}): void {
  const given = options.clockSkewSeconds;
  // The default needs no check; null, as undefined, means the default.
  const skew =
    given === undefined || given === null ? DEFAULT_CLOCK_SKEW_SECONDS : checkSeconds(given, 'clockSkewSeconds');
  if (options.maxAgeSeconds !== undefined) checkSeconds(options.maxAgeSeconds, 'maxAgeSeconds');
  if (claims.exp !== undefined && now > claims.exp + skew) throw snError('ERR_CLAIMS_EXPIRED', `exp ${claims.exp}`);
  if (claims.nbf !== undefined && now + skew < claims.nbf)
    throw snError('ERR_CLAIMS_NOT_YET_VALID', `nbf ${claims.nbf}`);
  if (claims.iat !== undefined) {
    if (now + skew < claims.iat) throw snError('ERR_CLAIMS_IAT_FUTURE', `iat ${claims.iat}`);
    if (options.maxAgeSeconds !== undefined && now - claims.iat > options.maxAgeSeconds + skew) {
      throw snError('ERR_CLAIMS_IAT_TOO_OLD', `iat ${claims.iat}`);
    }
  }
}

/**
 * A duration option in seconds: a finite number ≥ 0, else `ERR_INPUT_INVALID` naming the option. Durations compared
 * with `<` or `>` must be checked so: NaN makes every comparison false, and a check that never fails.
 */
export function checkSeconds(v: unknown, name: string): number {
  return checkNumber(v, name, SECONDS);
}

const SECONDS = { min: 0, max: Number.POSITIVE_INFINITY } as const;

/** Checks that `aud` (string or array) names one of the `expected` audiences. */
export function checkAudience(aud: unknown, expected: string | readonly string[]): void {
  const wanted = typeof expected === 'string' ? [expected] : expected;
  const have = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!have.some((a) => wanted.includes(a))) throw snError('ERR_CLAIMS_AUDIENCE');
}
