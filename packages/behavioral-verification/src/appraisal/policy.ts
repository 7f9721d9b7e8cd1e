import type { Clock, KeyResolver, ReplayCache } from '@safety-net/core';
import type { BetVerdict } from '../messages/bet.js';

/** Default maximum age of an acceptable BET: its default lifetime, 300 s. */
export const DEFAULT_APPRAISAL_MAX_AGE_SECONDS = 300;

/** A relying party's appraisal policy for Behavioral Evidence Tokens (RFC 9334: the relying party's side). */
export interface AppraisalPolicy {
  /** The verifiers whose evidence is trusted (a key set may bind each key to its verifier identity). */
  readonly verifiers: KeyResolver;
  /** The verifier identity required as `iss`, if any (also handed to the resolver for issuer binding). */
  readonly verifier?: string;
  /** The profile digest(s) the agent must have been judged against. */
  readonly profile: string | readonly string[];
  /** The agent the relying party is about to trust, if it must match `sub`. */
  readonly agent?: string;
  /** Verdicts that let work through; default `['compliant']`. */
  readonly acceptVerdicts?: readonly BetVerdict[];
  /** Refuse evidence issued longer ago than this (default {@link DEFAULT_APPRAISAL_MAX_AGE_SECONDS}). */
  readonly maxAgeSeconds?: number;
  /** When set, `aud` must name one of these. */
  readonly audience?: string | readonly string[];
  /** Clock skew tolerance for `iat` / `exp` (default 30 s). */
  readonly clockSkewSeconds?: number;
  /** Refuse a BET presented twice. */
  readonly replay?: ReplayCache;
  readonly clock?: Clock;
}
