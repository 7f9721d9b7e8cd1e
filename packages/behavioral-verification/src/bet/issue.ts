import {
  type Clock,
  epochSeconds,
  type MessageSignOptions,
  merkleRoot,
  type PrivateKey,
  type RandomSource,
  randomUuid,
  systemClock,
  systemRandom,
  toBase64Url,
} from '@safety-net/core';
import {
  type BetClaims,
  type BetVerdict,
  type BetViolation,
  bet,
  DEFAULT_BET_LIFETIME_SECONDS,
  type DriftStat,
  MAX_BET_ENTRIES,
} from '../messages/bet.js';
import { observationDigest } from '../messages/observation.js';
import type { Violation } from '../monitor/verdict.js';

/** What a verifier knows when it issues a Behavioral Evidence Token. */
export interface IssueBetOptions {
  /** The verifier's signing key. */
  readonly verifierKey: PrivateKey;
  /** The verifier's identity (`iss`). */
  readonly verifier: string;
  /** The agent judged (`sub`). */
  readonly agent: string;
  /** The profile digest (`profileDigest`) the agent was judged against. */
  readonly profile: string;
  /** The signed Observation messages judged, in judging order; the BET commits to them by a Merkle root. */
  readonly observations: readonly Uint8Array[];
  /** The violations the monitor found in the window (its verdicts' `violations`, concatenated). */
  readonly violations?: readonly Violation[];
  /** The drift detectors' statistics at the end of the window. */
  readonly drift?: readonly DriftStat[];
  /** The evaluation window, seconds since the epoch. */
  readonly window: { readonly from: number; readonly to: number };
  /** ECT DAG placement: the workflow, and the tasks the BET follows (e.g. the last action judged). */
  readonly wid: string;
  readonly pred?: readonly string[];
  readonly audience?: string | readonly string[];
  /** Overrides the derived verdict, e.g. `inconclusive` when the window saw too little; still checked for consistency. */
  readonly verdict?: BetVerdict;
  /** BET lifetime; default {@link DEFAULT_BET_LIFETIME_SECONDS}. */
  readonly lifetimeSeconds?: number;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly sign?: MessageSignOptions;
}

/** An issued BET: the signed bytes and the claims in them. */
export interface IssuedBet {
  readonly bytes: Uint8Array;
  readonly claims: BetClaims;
}

/**
 * The verdict the findings call for: `violation` for any hard violation, else `drift` when a detector alarmed or
 * drift was reported, else `inconclusive` when nothing was observed, else `compliant`.
 */
export function deriveVerdict(
  observations: number,
  violations: readonly Pick<Violation, 'class'>[],
  drift: readonly Pick<DriftStat, 'alarm'>[],
): BetVerdict {
  if (violations.some((v) => v.class !== 'drift')) return 'violation';
  if (violations.length > 0 || drift.some((d) => d.alarm)) return 'drift';
  return observations === 0 ? 'inconclusive' : 'compliant';
}

/** At most {@link MAX_BET_ENTRIES} violations, hard ones first, so truncation never hides what set the verdict. */
function listedViolations(violations: readonly Violation[]): BetViolation[] {
  const ordered = [...violations.filter((v) => v.class !== 'drift'), ...violations.filter((v) => v.class === 'drift')];
  return ordered.slice(0, MAX_BET_ENTRIES).map((v) => ({
    rule: v.rule,
    class: v.class,
    jti: v.jti,
    observed: v.observed as BetViolation['observed'],
    allowed: v.allowed as BetViolation['allowed'],
  }));
}

/**
 * Issues a Behavioral Evidence Token: commits to the observations judged (RFC 9162 Merkle root over the SHA-256
 * of each signed Observation), derives the verdict from the findings, and signs. Claims that break the BET schema
 * (e.g. a window that ends before it starts) fail with `ERR_CLAIMS_INVALID`.
 *
 * @example
 * ```ts
 * const { bytes } = issueBet({ verifierKey, verifier: 'monitor-1', agent, profile: profileDigest(profile),
 *   observations, violations, window: { from, to }, wid });
 * ```
 */
export function issueBet(options: IssueBetOptions): IssuedBet {
  const iat = epochSeconds(options.clock ?? systemClock);
  const violations = options.violations ?? [];
  const drift = options.drift ?? [];
  const claims = bet.parse({
    iss: options.verifier,
    sub: options.agent,
    ...(options.audience !== undefined ? { aud: options.audience } : {}),
    iat,
    exp: iat + (options.lifetimeSeconds ?? DEFAULT_BET_LIFETIME_SECONDS),
    jti: randomUuid(options.random ?? systemRandom),
    wid: options.wid,
    pred: [...(options.pred ?? [])],
    profile: options.profile,
    window: { from: options.window.from, to: options.window.to },
    obs_root: toBase64Url(merkleRoot(options.observations.map(observationDigest))),
    obs_count: options.observations.length,
    verdict: options.verdict ?? deriveVerdict(options.observations.length, violations, drift),
    violations: listedViolations(violations),
    drift: drift.slice(0, MAX_BET_ENTRIES),
  });
  return { bytes: bet.sign(claims, options.verifierKey, options.sign), claims };
}
