import { type AnyErrorCode, epochSeconds, isSafetyNetError, systemClock } from '@safety-net/core';
import { checkSeconds } from '@safety-net/core/internal';
import { type BetClaims, bet } from '../messages/bet.js';
import { type AppraisalPolicy, DEFAULT_APPRAISAL_MAX_AGE_SECONDS } from './policy.js';

/** Why an appraisal refused: a stable code and a short human detail. */
export interface AppraisalReason {
  readonly code: AnyErrorCode;
  readonly detail: string;
}

/** The gate decision of an appraisal, with every reason for a refusal and the claims when the BET verified. */
export interface Appraisal {
  readonly decision: 'accept' | 'refuse';
  readonly reasons: readonly AppraisalReason[];
  readonly claims?: BetClaims;
}

/**
 * Appraises a Behavioral Evidence Token for a relying party: verifies it (signature by a trusted verifier, `typ`,
 * schema, `exp`, audience, replay), then applies the policy — profile digest, subject, freshness, verdict — and
 * returns `accept` only when nothing failed. A BET that does not verify yields one reason (its verification code);
 * a verified one yields every policy failure. Never throws for bad input.
 *
 * @example
 * ```ts
 * const gate = appraiseBet(betBytes, { verifiers: keySet([{ key: monitorKey }]), profile: expectedDigest });
 * if (gate.decision === 'refuse') reject(gate.reasons.map((r) => r.code));
 * ```
 */
export function appraiseBet(bytes: Uint8Array, policy: AppraisalPolicy): Appraisal {
  const clock = policy.clock ?? systemClock;
  let maxAge: number;
  try {
    maxAge = checkSeconds(policy.maxAgeSeconds ?? DEFAULT_APPRAISAL_MAX_AGE_SECONDS, 'maxAgeSeconds');
  } catch (e) {
    if (!isSafetyNetError(e)) throw e;
    return { decision: 'refuse', reasons: [{ code: e.code, detail: e.message }] };
  }
  const result = bet.verify(bytes, {
    key: policy.verifiers,
    ...(policy.verifier !== undefined ? { issuer: policy.verifier } : {}),
    ...(policy.audience !== undefined ? { audience: policy.audience } : {}),
    ...(policy.clockSkewSeconds !== undefined ? { clockSkewSeconds: policy.clockSkewSeconds } : {}),
    ...(policy.replay !== undefined ? { replay: policy.replay } : {}),
    clock,
  });
  if (!result.ok) {
    return { decision: 'refuse', reasons: [{ code: result.error.code, detail: result.error.message }] };
  }
  const claims = result.claims;
  const reasons: AppraisalReason[] = [];
  const profiles = typeof policy.profile === 'string' ? [policy.profile] : policy.profile;
  if (!profiles.includes(claims.profile)) {
    reasons.push({ code: 'ERR_BV_PROFILE_MISMATCH', detail: `judged against ${claims.profile}` });
  }
  if (policy.agent !== undefined && claims.sub !== policy.agent) {
    reasons.push({ code: 'ERR_BV_SUBJECT_MISMATCH', detail: `evidence is about ${claims.sub.slice(0, 256)}` });
  }
  const age = epochSeconds(clock) - claims.iat;
  // Verification above already refused a skew that is not a finite number ≥ 0.
  const skew = policy.clockSkewSeconds ?? 30;
  if (age > maxAge + skew) {
    reasons.push({ code: 'ERR_BV_EVIDENCE_STALE', detail: `issued ${age} s ago` });
  }
  if (!(policy.acceptVerdicts ?? ['compliant']).includes(claims.verdict)) {
    reasons.push({ code: 'ERR_BV_VERDICT_REFUSED', detail: `verdict ${claims.verdict}` });
  }
  return { decision: reasons.length === 0 ? 'accept' : 'refuse', reasons, claims };
}
