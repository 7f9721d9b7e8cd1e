import type { z } from 'zod';
import { safeParse } from 'zod/mini';
import { snError } from '../errors/index.js';
import { type Clock, epochSeconds, systemClock } from '../util/clock.js';
import type { ReplayCache } from './replay.js';
import { DEFER, fastParser } from './schema-fast-path.js';
import { checkAudience, checkTimes, DEFAULT_CLOCK_SKEW_SECONDS, type TimeClaims, type TimeOptions } from './time.js';

/** The claim checks every message type runs after its signature verified, whatever the wire form. */
export interface ClaimCheckOptions extends TimeOptions {
  clock?: Clock;
  /** The issuer expected; also handed to the key resolver. */
  issuer?: string;
  /** Audiences this verifier answers to; when set, `aud` must name one of them. */
  audience?: string | readonly string[];
  /** Refuses a `jti` seen before (until the token expires). */
  replay?: ReplayCache;
}

/**
 * Schema-validates raw claims; `ERR_CLAIMS_INVALID` lists the first problems zod found. Claims the schema's fast
 * parser vouches for (see `fastParser`) skip zod's walk, with the same result.
 */
export function parseClaims<T>(schema: z.core.$ZodType<T>, raw: unknown): T {
  const fast = fastParser(schema)?.(raw) ?? DEFER;
  if (fast !== DEFER) return fast as T;
  const result = safeParse(schema, raw);
  if (result.success) return result.data;
  const detail = result.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
  throw snError('ERR_CLAIMS_INVALID', detail);
}

/**
 * How long a replay cache remembers the `jti` of a message without `exp` when no `maxAgeSeconds` is configured; such
 * a message is also refused once it is older than this, since a replay of it could no longer be recognised.
 */
export const REPLAY_WINDOW_WITHOUT_EXP_SECONDS = 86_400;

/** A time option: the caller's, else the message type's default (see `MessageType.claimOptions`). */
function timeOption(options: TimeOptions, defaults: TimeOptions, name: keyof TimeOptions): number | undefined {
  const v = options[name];
  return v === undefined ? defaults[name] : v;
}

/**
 * Issuer, time and audience checks, in that order. Returns `now` (seconds) for the replay step. `defaults`: the
 * message type's time options, for those the caller left out.
 */
export function checkClaims(claims: object, options: ClaimCheckOptions, defaults: TimeOptions = {}): number {
  const c = claims as TimeClaims & { iss?: unknown; aud?: unknown };
  if (options.issuer !== undefined && c.iss !== options.issuer) throw snError('ERR_CLAIMS_ISSUER');
  const now = epochSeconds(options.clock ?? systemClock);
  const clockSkewSeconds = timeOption(options, defaults, 'clockSkewSeconds');
  const maxAgeSeconds = timeOption(options, defaults, 'maxAgeSeconds');
  const unbounded = options.replay !== undefined && c.exp === undefined && maxAgeSeconds === undefined;
  checkTimes(c, now, {
    clockSkewSeconds,
    maxAgeSeconds: unbounded ? REPLAY_WINDOW_WITHOUT_EXP_SECONDS : maxAgeSeconds,
  });
  if (options.audience !== undefined) checkAudience(c.aud, options.audience);
  return now;
}

/**
 * The replay step's arguments, or undefined when no cache is configured. The cache must hold a `jti` until the last
 * second its token can still pass the time step: `exp + skew` with `exp`, else `iat + maxAge + skew` (§6.8). Counting
 * from `now` instead would let a token issued up to `skew` ahead of this verifier's clock leave the cache while it
 * still verifies. A token with neither `exp` nor `iat` verifies for ever, so no cache can hold it long enough.
 */
export function replayEntry(
  claims: object,
  options: ClaimCheckOptions,
  defaults: TimeOptions = {},
): { jti: string; expiresAt: number } | undefined {
  if (!options.replay) return undefined;
  const { jti, exp, iat } = claims as TimeClaims & { jti?: unknown };
  if (typeof jti !== 'string') throw snError('ERR_CLAIMS_INVALID', 'replay protection needs a jti');
  const skew = timeOption(options, defaults, 'clockSkewSeconds') ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (exp !== undefined) return { jti, expiresAt: exp + skew };
  if (iat === undefined) throw snError('ERR_CLAIMS_INVALID', 'replay protection needs exp or iat');
  const maxAge = timeOption(options, defaults, 'maxAgeSeconds') ?? REPLAY_WINDOW_WITHOUT_EXP_SECONDS;
  return { jti, expiresAt: iat + maxAge + skew };
}

/** Throws `ERR_CLAIMS_REPLAY` when the cache reports `jti` as seen. */
export function assertFresh(accepted: boolean, jti: string): void {
  if (!accepted) throw snError('ERR_CLAIMS_REPLAY', jti);
}
