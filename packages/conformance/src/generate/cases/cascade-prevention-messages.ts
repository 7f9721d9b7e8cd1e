/**
 * `message-verify` vectors for the seven message types of @safety-net/cascade-prevention (cascade-prevention.md
 * §2), from the package's sample claims: each valid in COSE and in JWT form, and the refusals their claim rules add.
 */
import {
  checkpoint,
  circuitAnnouncement,
  compensationResult,
  failureSignal,
  rollbackComplete,
  rollbackPlan,
  rollbackRequest,
} from '@safety-net/cascade-prevention';
import {
  sampleAnnouncementClaims as announcement,
  sampleCheckpointClaims as checkpointClaims,
  sampleCompensationClaims as compensation,
  sampleCompleteClaims as complete,
  sampleFailureClaims as failure,
  SAMPLE_NOW as NOW,
  samplePlanClaims as plan,
  sampleRequestClaims as request,
} from '@safety-net/cascade-prevention/testing';
import type { AnyMessageType, PrivateKey } from '@safety-net/core';
import type { Vector } from '../../format.js';
import { KEYS } from '../common.js';
import {
  type MessageCase,
  messageVerifyVector,
  refused,
  signedCose,
  signedJws,
  uncheckedCose,
  validCose,
  validJws,
} from '../messages.js';
import { flipLastByte } from '../raw.js';

const { ed25519, p256 } = KEYS;
const SECTION = 'cascade-prevention.md §2';

/** Each type valid in both forms, with the signer a deployment would use (the coordinator signs with P-256). */
function validCases(): MessageCase[] {
  const valid: [AnyMessageType, string, object, PrivateKey][] = [
    [circuitAnnouncement, 'Circuit State Announcement (open on failure rate)', announcement, ed25519],
    [failureSignal, 'Failure Signal (unavailable until a time)', failure, ed25519],
    [checkpoint, 'Checkpoint with a compensation and a group', checkpointClaims, ed25519],
    [rollbackRequest, 'Rollback Request (scope descendants)', request, p256],
    [rollbackPlan, 'Rollback Plan with a compensation and a not-reversible step', plan, p256],
    [compensationResult, 'Compensation Result (compensated after two attempts)', compensation, ed25519],
    [rollbackComplete, 'Rollback Complete (partial: one task not reversible)', complete, p256],
  ];
  return valid.flatMap(([type, what, claims, key]) => [
    validCose(type, claims, key, {
      id: `${type.name}-valid`,
      description: `A valid ${what} in COSE form (${SECTION}).`,
    }),
    validJws(type, claims, key, {
      id: `${type.name}-valid-jwt`,
      description: `The same ${what} in JWT form (${SECTION}, core.md §6.9).`,
    }),
  ]);
}

function refusals(): MessageCase[] {
  const refusal = (
    id: string,
    description: string,
    type: AnyMessageType,
    message: Uint8Array | string,
    error: string,
  ) => refused(type, message, ed25519, { id, description, error });
  const unchecked = (type: AnyMessageType, claims: object) => uncheckedCose(type, claims, ed25519);
  return [
    refusal(
      'cp-circuit-open-without-retry-after',
      'An open breaker announced without retry_after (§2.1).',
      circuitAnnouncement,
      unchecked(circuitAnnouncement, { ...announcement, retry_after: undefined }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-circuit-rate-without-threshold',
      'A failure_rate reason without its threshold (§2.1).',
      circuitAnnouncement,
      unchecked(circuitAnnouncement, { ...announcement, reason: { kind: 'failure_rate', rate: 0.75 } }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-circuit-expired',
      'An announcement whose exp lies 31 s before now, beyond the clock skew (§2.1, core.md §6.6).',
      circuitAnnouncement,
      signedCose(circuitAnnouncement, { ...announcement, iat: NOW - 331, exp: NOW - 31 }, ed25519),
      'ERR_CLAIMS_EXPIRED',
    ),
    refusal(
      'cp-circuit-bad-signature',
      'The last signature byte of an announcement is flipped (core.md §6.5).',
      circuitAnnouncement,
      flipLastByte(signedCose(circuitAnnouncement, announcement, ed25519)),
      'ERR_COSE_BAD_SIGNATURE',
    ),
    refusal(
      'cp-failure-recovered-with-until',
      'A recovered agent names an until (§2.2).',
      failureSignal,
      unchecked(failureSignal, { ...failure, status: 'recovered' }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-checkpoint-undo-unknown',
      'A checkpoint whose undo is neither a compensation nor not_reversible (§2.3).',
      checkpoint,
      unchecked(checkpoint, { ...checkpointClaims, undo: 'irreversible' }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-checkpoint-as-plan',
      'A checkpoint presented as a Rollback Plan: the protected typ names another type (core.md §6.5).',
      rollbackPlan,
      signedCose(checkpoint, checkpointClaims, ed25519),
      'ERR_COSE_TYP_MISMATCH',
    ),
    refusal(
      'cp-rollback-request-deadline-passed',
      'A rollback request whose deadline is not after its iat (§2.4).',
      rollbackRequest,
      unchecked(rollbackRequest, { ...request, deadline: NOW }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-plan-wrong-key',
      'A plan step whose idempotency key is not "<rollback>/<task>" (§2.5).',
      rollbackPlan,
      unchecked(rollbackPlan, { ...plan, rollback: 'rb-other' }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-plan-steps-out-of-order',
      'Plan steps whose numbers do not increase (§2.5).',
      rollbackPlan,
      unchecked(rollbackPlan, { ...plan, steps: [...plan.steps].reverse() }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-compensation-without-state',
      'A compensated result without the state digest (§2.6).',
      compensationResult,
      unchecked(compensationResult, { ...compensation, state: undefined }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-rollback-complete-status-contradicts',
      'A Rollback Complete says completed while a task is not reversible (§2.7).',
      rollbackComplete,
      unchecked(rollbackComplete, { ...complete, status: 'completed' }),
      'ERR_CLAIMS_INVALID',
    ),
    refusal(
      'cp-checkpoint-jwt-typ-mismatch',
      'A checkpoint in JWT form whose typ names the Rollback Plan (core.md §6.9 step 5).',
      checkpoint,
      signedJws(checkpoint, checkpointClaims, ed25519, 'cp-rollback-plan+jwt'),
      'ERR_JOSE_TYP_MISMATCH',
    ),
  ];
}

/** `message-verify` vectors for the seven cascade-prevention message types, in both wire forms. */
export function cascadePreventionMessageVectors(): Vector[] {
  return [...validCases(), ...refusals()].map((c) => messageVerifyVector('cascade-prevention', c));
}
