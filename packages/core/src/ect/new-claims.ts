import { type Clock, epochSeconds, systemClock } from '../util/clock.js';
import { type RandomSource, randomUuid, systemRandom } from '../util/random.js';
import type { EctClaims } from './claims.js';

/** Default ECT lifetime: 5 minutes, the low end of the reference implementations' 5–10 min. */
export const DEFAULT_ECT_LIFETIME_SECONDS = 300;

/** What the caller says about a task; the rest is filled in. */
export type EctDraft = Omit<EctClaims, 'iat' | 'exp' | 'jti' | 'pred'> & Partial<Pick<EctClaims, 'jti' | 'pred'>>;

/**
 * Completes ECT claims: `iat` from the clock, `exp` after the lifetime, a random UUID `jti`, no predecessors unless
 * given.
 */
export function newEctClaims(
  draft: EctDraft,
  options: { clock?: Clock; random?: RandomSource; lifetimeSeconds?: number } = {},
): EctClaims {
  const iat = epochSeconds(options.clock ?? systemClock);
  return {
    ...draft,
    iat,
    exp: iat + (options.lifetimeSeconds ?? DEFAULT_ECT_LIFETIME_SECONDS),
    jti: draft.jti ?? randomUuid(options.random ?? systemRandom),
    pred: draft.pred ?? [],
  };
}
