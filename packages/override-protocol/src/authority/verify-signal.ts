import type { Clock } from '@safety-net/core';
import { type OverrideSignalClaims, overrideSignal } from '../messages/override-signal.js';
import type { HeldPolicy, OperatorKey } from './policy.js';

/** A signal whose signature verified under an operator key of the held policy. */
export interface VerifiedSignal {
  readonly claims: OverrideSignalClaims;
  readonly signers: readonly OperatorKey[];
}

/**
 * Verifies an Override Signal (core.md §6.5) with the operator keys of the held policy as the only key source, so
 * that judging it needs no network (spec §5.2, §8.2 step 1). Throws the verification's code.
 */
export function verifySignal(bytes: Uint8Array, policy: HeldPolicy, clock?: Clock): VerifiedSignal {
  const result = overrideSignal.verify(bytes, { key: policy.keys, clock });
  if (!result.ok) throw result.error;
  // The key set holds the policy's keys only, so the key that verified is one of them.
  return { claims: result.claims, signers: [policy.operatorKey(result.key)!] };
}
